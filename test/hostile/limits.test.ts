// The limits of engine/shared/limits.ts, one by one, in process: each refuses with a message
// naming it and how to raise it, and raising it through its environment variable works.
import { afterEach, describe, expect, it } from 'vitest';
import { ExprRuntimeError, ExprSyntaxError, compileTemplate, renderTemplate, templateVariable, type Scope } from '../../engine/expr/index.js';
import { compilePyRe, RegexTimeoutError, withRegexTimeout } from '../../engine/py/regex.js';
import { literalEval } from '../../engine/py/literal-eval.js';
import { resetLimits } from '../../engine/shared/limits.js';
import { yamlDepthExceededAt } from '../../engine/source/yaml-limits.js';
import { invalidUtf8At } from '../../engine/source/read.js';
import { codeFrame } from '../../engine/source/position.js';
import { rememberSource } from '../../engine/source/text.js';
import { expandHostnameRange } from '../../engine/inventory/ranges.js';
import { intFlag, UsageError } from '../../engine/cli/args.js';

const vars: Record<string, unknown> = { a: '{{ b }}', b: '{{ c }}', c: '{{ a }}', s: 'x' };
const scope: Scope = { get: (n) => (Object.hasOwn(vars, n) ? templateVariable(n, vars[n], scope) : undefined) };
const render = (src: string): unknown => renderTemplate(compileTemplate(src), scope);
const error = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error');
};

afterEach(() => {
  delete process.env['TSPLAY_MAX_STRING'];
  delete process.env['TSPLAY_MAX_EXPR_DEPTH'];
  delete process.env['TSPLAY_REGEX_TIMEOUT_MS'];
  delete process.env['TSPLAY_MAX_HOST_RANGE'];
  resetLimits();
});

describe('expressions', () => {
  it('strings and lists are refused before they are built', () => {
    expect(error(() => render("{{ 'x' * 10**10 }}")).message).toMatch(/^a string of 10000000000 characters would be longer than the limit \(the limit is 16777216 characters; raise it with TSPLAY_MAX_STRING=N/);
    expect(error(() => render('{{ [0] * 10**9 }}')).message).toMatch(/a list of 1000000000 items would be longer than the limit/);
    expect(error(() => render("{{ 'x' | center(10**9) }}"))).toBeInstanceOf(ExprRuntimeError);
    expect(error(() => render("{{ '%10000000000s' % 'x' }}"))).toBeInstanceOf(ExprRuntimeError);
    expect(error(() => render("{{ 'x'.ljust(10**9) }}"))).toBeInstanceOf(ExprRuntimeError);
    expect(error(() => render('{{ s | indent(10**9) }}'))).toBeInstanceOf(ExprRuntimeError);
  });

  it('the string limit is raised by TSPLAY_MAX_STRING', () => {
    expect(() => render("{{ 'x' * 100 }}")).not.toThrow();
    process.env['TSPLAY_MAX_STRING'] = '50';
    resetLimits();
    expect(error(() => render("{{ 'x' * 100 }}")).message).toContain('the limit is 50 characters');
  });

  it('nesting is a compile-time error with the offset of the construct', () => {
    const e = error(() => compileTemplate(`{{ ${'('.repeat(300)}1${')'.repeat(300)} }}`)) as ExprSyntaxError;
    expect(e).toBeInstanceOf(ExprSyntaxError);
    expect(e.limit).toBe('exprDepth');
    expect(e.message).toContain('expression nested more than 200 levels deep');
    expect(() => compileTemplate(`{{ x${' + 1'.repeat(500)} }}`)).toThrow(/nested more than 200 levels/);
    process.env['TSPLAY_MAX_EXPR_DEPTH'] = '1000';
    resetLimits();
    expect(() => compileTemplate(`{{ x${' + 1'.repeat(501)} }}`)).not.toThrow();
  });

  it('a variable chain names its cycle', () => {
    expect(error(() => render('{{ a }}')).message).toMatch(/templating nested more than 100 levels deep, through \.\.\. -> (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c) /);
  });

  it('filters raising plain errors become expression errors', () => {
    expect(error(() => render("{{ 'a b' | wordwrap(0) }}"))).toEqual(new ExprRuntimeError('invalid width 0 (must be > 0)'));
  });
});

describe('regular expressions run in bounded time', () => {
  it('a catastrophic pattern stops at the timeout', () => {
    process.env['TSPLAY_REGEX_TIMEOUT_MS'] = '300';
    const re = compilePyRe('(a+)+$');
    const t0 = Date.now();
    expect(() => re.test(`${'a'.repeat(40)}b`)).toThrow(RegexTimeoutError);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(error(() => render("{{ ('a' * 40 ~ 'b') is match('(a+)+$') }}")).message).toMatch(/the regular expression '\(a\+\)\+\$' did not finish in 300 ms \(catastrophic backtracking\?\); simplify it, or raise the limit with TSPLAY_REGEX_TIMEOUT_MS=N/);
  });

  it('ordinary patterns keep Python semantics, in one region or many', () => {
    expect(render("{{ 'a1b22' | regex_findall('\\d+') }}")).toEqual(['1', '22']);
    expect(withRegexTimeout('x', () => compilePyRe('^b$', { multiline: true }).test('a\nb\n'))).toBe(true);
  });
});

describe('source files', () => {
  it('YAML depth is scanned on tokens, flow and block alike', () => {
    expect(yamlDepthExceededAt('x: [[[1]]]\n', 5)).toBeUndefined();
    expect(yamlDepthExceededAt(`x: ${'['.repeat(10)}`, 5)).toBe(7);
    expect(yamlDepthExceededAt(`x: ${'- '.repeat(10)}y`, 5)).toBeDefined();
    expect(yamlDepthExceededAt('a:\n  b:\n    c:\n      d: 1\n', 5)).toBeUndefined();
    expect(yamlDepthExceededAt("a: '[[[[[[[['\nb: |\n  [[[[[[[[[[\n# [[[[[[[[[\n", 5)).toBeUndefined();
  });

  it('the first invalid UTF-8 byte is found', () => {
    expect(invalidUtf8At(Buffer.from('abc'))).toBe(-1);
    expect(invalidUtf8At(Buffer.from([0x61, 0xe9, 0x20]))).toBe(1);
    expect(invalidUtf8At(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(invalidUtf8At(Buffer.from('é😀'))).toBe(-1);
  });

  it('code frames clip long lines around the column', () => {
    rememberSource('/virtual/long.yml', `a: ${'x'.repeat(5000)}!\n`);
    const frame = codeFrame({ file: '/virtual/long.yml', offset: 5003 });
    expect(frame.split('\n').every((l) => l.length < 200)).toBe(true);
    expect(frame).toContain('…');
  });

  it('literal_eval refuses more than 200 nested brackets, like Python', () => {
    expect(literalEval(`${'['.repeat(200)}${']'.repeat(200)}`).ok).toBe(true);
    expect(literalEval(`${'['.repeat(201)}${']'.repeat(201)}`).ok).toBe(false);
  });
});

describe('inventories and the command line', () => {
  it('host ranges expand within the host limit', () => {
    expect(expandHostnameRange('h[1:3]')).toEqual(['h1', 'h2', 'h3']);
    expect(() => expandHostnameRange('h[1:99999999]')).toThrow(/expands to 99999999 hosts, more than the limit of 100000 \(raise it with TSPLAY_MAX_HOST_RANGE=N\)/);
    process.env['TSPLAY_MAX_HOST_RANGE'] = '2';
    resetLimits();
    expect(() => expandHostnameRange('h[1:3]')).toThrow(/more than the limit of 2/);
  });

  it('integer flags: a usage error (exit 2, like ansible-playbook) for a bad value', () => {
    expect(intFlag('7', 'forks', 5)).toBe(7);
    for (const bad of ['0', '-1', 'abc', '1e3', '1.5', '99999999999999999999']) {
      const e = error(() => intFlag(bad, 'forks', 5)) as UsageError;
      expect(e).toBeInstanceOf(UsageError);
      expect(e.exitCode).toBe(2);
    }
  });
});
