// Template rendering: Ansible's non-native concat + literal_eval rule, statements, whitespace
// control, trailing newlines, templateValue, renderToString.
import { describe, expect, it } from 'vitest';
import {
  ExprRuntimeError,
  UndefinedVariableError,
  compileTemplate,
  renderTemplate,
  renderToString,
  templateValue,
  templateVariable,
} from '../../engine/expr/index.js';
import type { Scope } from '../../engine/expr/index.js';

const vars: Record<string, unknown> = {
  five: 5,
  t: true,
  n: null,
  s: 'str',
  l: ['x', 'y', 'z'],
  d: { b: 1, a: 2 },
  users: [
    { name: 'ann', admin: true },
    { name: 'bob', admin: false },
  ],
};
const scope: Scope = { get: (name) => vars[name] };
const render = (src: string): unknown => renderTemplate(compileTemplate(src), scope);
const text = (src: string): string => renderToString(compileTemplate(src), scope);

describe('renderTemplate: ansible_eval_concat (verified with ansible-core 2.14.18)', () => {
  it('converts a single expression to text', () => {
    expect(render('{{ 5 }}')).toBe('5');
    expect(render('{{ "a" ~ 1 }}')).toBe('a1');
  });
  it('literal_evals text that starts with [ or { or is True/False', () => {
    expect(render('{{ [1, 2] }}')).toEqual([1, 2]);
    expect(render("{{ {'a': true} }}")).toEqual({ a: true });
    expect(render('{{ five == 5 }}')).toBe(true);
    expect(render("{{ '[1, null]' }}")).toEqual([1, null]);
    expect(render('[{{ 1 }}, true]')).toEqual([1, true]);
    expect(render('{{ [1] }}{{ [2] }}')).toBe('[1][2]');
    expect(render("{{ '  [1]' }}")).toBe('  [1]');
    expect(render("{{ '[1, 2' }}")).toBe('[1, 2');
    expect(render("{{ 'None' }}")).toBe('None');
  });
  it('returns a lone {{ var }} holding a bool, number or None as is (Templar SINGLE_VAR)', () => {
    expect(render('{{ five }}')).toBe(5);
    expect(render('{{five}}')).toBe(5);
    expect(render('{{ five }}\n')).toBe(5);
    expect(render(' {{ five }}')).toBe(' 5');
    expect(render('{{ t }}')).toBe(true);
    expect(render('{{ n }}')).toBeNull();
    expect(render('{{ s }}')).toBe('str');
  });
  it('renders None as an empty string, in output and in text', () => {
    expect(render('{{ none }}')).toBe('');
    expect(render('x{{ none }}y')).toBe('xy');
    expect(render("{{ '' }}")).toBe('');
    expect(render('{{ [none] }}')).toEqual([null]);
  });
  it('keeps the text of string-type filters (to_json, string, to_yaml) unparsed', () => {
    expect(render('{{ [1, 2] | to_json }}')).toBe('[1, 2]');
    expect(render("{{ '[1]' | string }}")).toBe('[1]');
    expect(render("{{ {'k': 'v'} | to_json | trim }}")).toEqual({ k: 'v' });
  });
  it('round-trips values the way repr + literal_eval would (verified with ansible-core 2.14.18)', () => {
    expect(render("{{ ['nan' | float] }}")).toBe('[nan]');
    expect(render("{{ ['inf' | float] }}")).toBe('[inf]');
    expect(render('{{ [(1, 2)] }}')).toEqual([[1, 2]]);
    expect(render("{{ {'a': (1,)} }}")).toEqual({ a: [1] });
    expect(render('{{ (1, 2) }}')).toBe('(1, 2)');
    expect(render("{{ {'k': none} }}")).toEqual({ k: null });
    const out = render('{{ d }}') as Record<string, unknown>;
    expect(out).toEqual(vars.d);
    expect(out).not.toBe(vars.d);
  });
  it('returns strings without template markers unchanged', () => {
    expect(render('True')).toBe('True');
    expect(render('[1, 2]')).toBe('[1, 2]');
  });
  it('preserves trailing newlines of the source', () => {
    expect(render("{{ 'a' }}\n")).toBe('a\n');
    expect(render("{{ 'a' }}\n\n")).toBe('a\n\n');
    expect(render('{{ [1] }}\n')).toEqual([1]);
    expect(text('{% for x in l %}{{ x }}\n{% endfor %}')).toBe('x\ny\nz\n');
  });
  it('raises for undefined values, also nested ones', () => {
    expect(() => render('{{ nope }}')).toThrow(new UndefinedVariableError("'nope' is undefined"));
    expect(() => render('{{ [nope] }}')).toThrow("'nope' is undefined");
    expect(() => render('{{ d.zz }}')).toThrow("'dict object' has no attribute 'zz'");
    expect(() => render('{{ l[7] }}')).toThrow('list object has no element 7');
  });
  it('raises Python type errors', () => {
    expect(() => render("{{ 'a' + 1 }}")).toThrow(new ExprRuntimeError('can only concatenate str (not "int") to str'));
    expect(() => render('{{ 1 / 0 }}')).toThrow('division by zero');
  });
});

describe('renderToString', () => {
  it('joins text without literal_eval', () => {
    expect(text('{{ [1, 2] }}')).toBe('[1, 2]');
    expect(text('{{ five }}')).toBe('5');
    expect(text('{{ t }}')).toBe('True');
    expect(text('{{ none }}|{{ n }}')).toBe('|');
  });
});

describe('statements', () => {
  it('if / elif / else', () => {
    expect(text('{% if t %}yes{% else %}no{% endif %}')).toBe('yes');
    expect(text('{% if nope is defined %}a{% elif five > 3 %}b{% else %}c{% endif %}')).toBe('b');
    expect(text("{% if 'false' %}truthy{% endif %}")).toBe('truthy');
  });
  it('for with loop variables, unpacking, filter and else', () => {
    expect(text('{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }} {% endfor %}')).toBe(
      '103TrueFalse3 212FalseFalse3 321FalseTrue3 ',
    );
    expect(text("{% for x in l %}{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }}{{ loop.cycle('a', 'b') }}{% endfor %}")).toBe(
      '-yaxzby-a',
    );
    expect(text('{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}')).toBe('b=1;a=2;');
    expect(text('{% for k in d %}{{ k }}{% endfor %}')).toBe('ba');
    expect(text('{% for x in [] %}a{% else %}empty{% endfor %}')).toBe('empty');
    expect(text('{% for x in [1, 2, 3] if x > 1 %}{{ x }}/{{ loop.length }} {% endfor %}')).toBe('2/2 3/2 ');
    expect(text('{% for a in [1, 2] %}{% for b in [3, 4] %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{% endfor %}')).toBe('113 214 123 224 ');
    expect(text('{% for u in users | selectattr("admin") %}{{ u.name }}{% endfor %}')).toBe('ann');
  });
  it('unpacking errors', () => {
    expect(() => text('{% for a, b in [[1]] %}{% endfor %}')).toThrow('not enough values to unpack (expected 2, got 1)');
    expect(() => text('{% for a, b in [[1, 2, 3]] %}{% endfor %}')).toThrow('too many values to unpack (expected 2)');
  });
  it('set, tuple set, namespace and block set', () => {
    expect(text('{% set x = 5 %}{{ x * 2 }}')).toBe('10');
    expect(text('{% set a, b = 1, 2 %}{{ a }}{{ b }}')).toBe('12');
    expect(text('{% set c = 0 %}{% for i in [1, 2, 3] %}{% set c = c + i %}{{ c }},{% endfor %}{{ c }}')).toBe('1,2,3,0');
    expect(text('{% set ns = namespace(total=0) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}')).toBe('6');
    expect(text("{% set x %}{'a': 1}{% endset %}{{ x.a }}")).toBe('1');
    expect(() => text('{% set s.x = 1 %}')).toThrow('cannot assign attribute on non-namespace object');
  });
  it('comments, raw blocks, whitespace control and trim_blocks', () => {
    expect(text('{# comment #}x\n{# c2 #}\ny')).toBe('x\ny');
    expect(text('a\n{% if true %}\nb\n{% endif %}\nc')).toBe('a\nb\nc');
    expect(text('a\n  {%- if true -%}  \n b \n  {%- endif %}\nc')).toBe('abc');
    expect(text("a  {{- ' x ' -}}  b")).toBe('a x b');
    expect(text('{% if true +%}\nx{% endif %}')).toBe('\nx');
    expect(text('{% raw %}{{ x }}{% endraw %}')).toBe('{{ x }}');
    expect(text('{% raw -%}  {{ a }}  {%- endraw %}')).toBe('{{ a }}');
  });
  it('an if-expression without else gives a lenient Undefined', () => {
    expect(text("pre {{ 'x' if false }} post")).toBe('pre  post');
    expect(text("{{ ('x' if false) | default('d') }}")).toBe('d');
    expect(text("{{ ('x' if false) is defined }}")).toBe('False');
    expect(text("{% for x in ('x' if false) %}a{% else %}empty{% endfor %}")).toBe('empty');
    expect(() => text("{{ ('x' if false).foo }}")).toThrow(
      'the inline if-expression on line 1 evaluated to false and no else section was defined.',
    );
  });
  it('backslashes in {{ }} strings are literal (Ansible escapes them), decoded in {% %}', () => {
    expect(text("{{ 'a\\nb' }}")).toBe('a\\nb');
    expect(text("{% if 'a\\nb' | length == 3 %}three{% endif %}")).toBe('three');
    expect(text("{{ 'x.y' | regex_replace('\\.', '-') }}")).toBe('x-y');
  });
});

describe('templateVariable (AnsibleJ2Vars)', () => {
  const raw: Record<string, unknown> = { y: [1, 2], x: '{{ y }}', z: '{{ x | length }}', w: '{{ nope }}' };
  const lazy: Scope = { get: (name) => (Object.hasOwn(raw, name) ? templateVariable(name, raw[name], lazy) : undefined) };
  const r = (src: string): unknown => renderTemplate(compileTemplate(src), lazy);
  it('renders variables that hold templates when they are read', () => {
    expect(r('{{ x }}')).toEqual([1, 2]);
    expect(r('{{ z | int + 1 }}')).toBe('3');
  });
  it('turns an undefined name inside a variable into an Undefined that fails on use', () => {
    expect(r("{{ w | default('dflt') }}")).toBe('dflt');
    expect(r('{{ w is defined }}')).toBe(false);
    expect(() => r('{{ w }}')).toThrow("{{ nope }}: 'nope' is undefined");
  });
});

describe('templateValue', () => {
  it('renders strings deeply and leaves other values alone', () => {
    const input = { a: '{{ five }}', b: ['{{ s }}', 'plain { text }'], c: { d: '{{ [1] }}' }, e: 7, '{{ k }}': 'x' };
    expect(templateValue(input, scope)).toEqual({ a: 5, b: ['str', 'plain { text }'], c: { d: [1] }, e: 7, '{{ k }}': 'x' });
    expect(input.a).toBe('{{ five }}');
  });
  it('fails on broken templates, like Ansible ("{{" alone is a syntax error)', () => {
    expect(() => templateValue(['plain {{'], scope)).toThrow("expected '}}'");
  });
  it('leaves non-template strings untouched', () => {
    expect(templateValue('True', scope)).toBe('True');
    expect(templateValue('[1, 2]', scope)).toBe('[1, 2]');
  });
});

describe('unpacking in calls (*args, **kwargs)', () => {
  it('spreads a list, a string or a mapping\'s keys as positional arguments, a mapping as keywords', () => {
    expect(render('{{ range(*[1, 4]) | list }}')).toEqual([1, 2, 3]);
    expect(text("{{ '%s-%s-%s' | format(*l) }}")).toBe('x-y-z');
    expect(text("{{ '%s%s' | format(*d) }}")).toBe('ba');
    expect(render('{{ dict(z=1, **d) }}')).toEqual({ z: 1, b: 1, a: 2 });
    expect(text("{{ ['p', 'q'] | join(*'+') }}")).toBe('p+q');
  });

  it('refuses what cannot be unpacked, and names an undefined one', () => {
    expect(() => render('{{ range(*five) }}')).toThrow('argument after * must be an iterable, not int');
    expect(() => render('{{ dict(**l) }}')).toThrow('argument after ** must be a mapping, not list');
    expect(() => render('{{ range(*nosuch) }}')).toThrow(UndefinedVariableError);
  });
});
