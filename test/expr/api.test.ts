// The public API: scopes of different shapes, evaluate(), Undefined semantics, registering
// filters and globals.
import { describe, expect, it } from 'vitest';
import {
  ExprRuntimeError,
  Kwargs,
  Undefined,
  UndefinedVariableError,
  compileExpression,
  compileTemplate,
  evaluate,
  isUndefined,
  registerFilter,
  registerGlobal,
  renderTemplate,
} from '../../engine/expr/index.js';
import type { CallContext, Scope } from '../../engine/expr/index.js';

const mapScope = (vars: Record<string, unknown>): Scope => ({ get: (n) => vars[n] });
const ev = (src: string, vars: Record<string, unknown> = {}): unknown => evaluate(compileExpression(src), mapScope(vars));

describe('scopes', () => {
  it('accepts proxies and class instances as values', () => {
    class Result {
      rc = 0;
      stdout = 'hello';
      get stdout_lines(): string[] {
        return this.stdout.split('\n');
      }
      describe(): string {
        return 'method';
      }
    }
    const proxy = new Proxy({} as Record<string, unknown>, {
      get: (_t, k) => (k === 'dyn' ? 42 : undefined),
      has: (_t, k) => k === 'dyn',
      ownKeys: () => ['dyn'],
      getOwnPropertyDescriptor: (_t, k) => (k === 'dyn' ? { value: 42, enumerable: true, configurable: true } : undefined),
    });
    const vars = { r: new Result(), p: proxy };
    expect(ev('r.rc == 0 and r.stdout_lines[0] == "hello"', vars)).toBe(true);
    expect(isUndefined(ev('r.describe', vars))).toBe(true);
    expect(isUndefined(ev('r.constructor', vars))).toBe(true);
    expect(ev('p.dyn + 1', vars)).toBe(43);
    expect(ev('p | dict2items', vars)).toEqual([{ key: 'dyn', value: 42 }]);
    expect(isUndefined(ev('{}.toString'))).toBe(true);
  });
  it('treats JS undefined from the scope as an undefined name', () => {
    expect(() => renderTemplate(compileTemplate('{{ x }}'), { get: () => undefined })).toThrow("'x' is undefined");
  });
});

describe('Undefined', () => {
  it('chains attribute and item access, keeping the first hint', () => {
    const v = ev('a.b.c[0]');
    expect(v).toBeInstanceOf(Undefined);
    expect((v as Undefined).hint).toBe("'a' is undefined");
    const w = ev('d.b.c', { d: { x: 1 } });
    expect((w as Undefined).hint).toBe("'dict object' has no attribute 'b'");
  });
  it('works with default, defined and mandatory', () => {
    expect(ev('a.b.c | default(1)')).toBe(1);
    expect(ev('a.b is defined')).toBe(false);
    expect(ev('d.x is defined', { d: { x: 1 } })).toBe(true);
    expect(() => ev('a | mandatory')).toThrow("Mandatory variable 'a'  not defined.");
  });
  it.each(['a + 1', 'a == 1', 'a < 1', '-a', 'a ~ "x"', 'a | length', 'a | int', 'a | string', 'not a', 'a and 1', '1 in a', 'a in [1]'])(
    'raises when used: %s',
    (src) => {
      expect(() => ev(src)).toThrow(UndefinedVariableError);
    },
  );
  it('iteration over an undefined value raises', () => {
    expect(() => renderTemplate(compileTemplate('{% for x in a %}{% endfor %}'), mapScope({}))).toThrow("'a' is undefined");
  });
  it('type tests do not raise', () => {
    expect(ev('a is string or a is mapping or a is number or a is none')).toBe(false);
  });
});

describe('evaluate', () => {
  it('returns native values', () => {
    expect(ev('[1, 2] + [3]')).toEqual([1, 2, 3]);
    expect(ev('{"a": 1}')).toEqual({ a: 1 });
    expect(ev('x', { x: { y: 1 } })).toEqual({ y: 1 });
    expect(ev('1, 2')).toEqual([1, 2]);
    expect(ev('none')).toBeNull();
  });
  it('and/or return operands like Python', () => {
    expect(ev('0 or "x"')).toBe('x');
    expect(ev('1 and []')).toEqual([]);
    expect(ev('"" and 1')).toBe('');
  });
});

describe('registerFilter / registerGlobal', () => {
  it('adds filters usable after registration (compile checks the name)', () => {
    expect(() => compileExpression('x | shout')).toThrow("unknown filter 'shout'");
    registerFilter('shout', (value, args, kwargs) => `${String(value).toUpperCase()}${String(args[0] ?? '!')}${String(kwargs.end ?? '')}`);
    expect(ev('"hi" | shout')).toBe('HI!');
    expect(ev('"hi" | shout("?", end=".")')).toBe('HI?.');
    expect(ev('["a"] | map("shout") | list')).toEqual(['A!']);
  });
  // a name of its own: the unit files share a process, where `lookup` is the engine's
  it('adds global functions with keyword arguments and the scope as `this`', () => {
    registerGlobal('my_lookup', function (this: CallContext, ...args: unknown[]) {
      const last = args.at(-1);
      const kw = last instanceof Kwargs ? last.values : {};
      const positional = last instanceof Kwargs ? args.slice(0, -1) : args;
      if (positional[0] === 'vars') return this.scope.get(String(positional[1])) ?? kw.default;
      throw new ExprRuntimeError(`my_lookup plugin (${String(positional[0])}) not found`);
    });
    expect(ev("my_lookup('vars', 'x')", { x: 5 })).toBe(5);
    expect(ev("my_lookup('vars', 'y', default=7)")).toBe(7);
    expect(() => ev("my_lookup('nope')")).toThrow('my_lookup plugin (nope) not found');
  });
});

describe('built-in globals', () => {
  it('range, dict, namespace, undef', () => {
    expect(ev('range(3)')).toEqual([0, 1, 2]);
    expect(ev('range(5, 0, -2)')).toEqual([5, 3, 1]);
    expect(ev('dict(a=1, b=2)')).toEqual({ a: 1, b: 2 });
    expect(ev("dict([['a', 1]])")).toEqual({ a: 1 });
    expect(ev("undef('needs a value') | default('d')")).toBe('d');
    expect(() => ev("undef('needs a value') + 1")).toThrow('needs a value');
    expect(() => ev('range(1000000)')).toThrow('Range too big');
  });
});
