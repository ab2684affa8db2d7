// Compile-time behaviour: syntax errors with offsets, unknown filters/tests/functions and
// unsupported statements named at their position, caching, referencedNames.
import { describe, expect, it } from 'vitest';
import {
  ExprSyntaxError,
  compileCondition,
  compileExpression,
  compileTemplate,
  hasTemplate,
  referencedNames,
} from '../../engine/expr/index.js';

function syntaxError(fn: () => unknown): ExprSyntaxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExprSyntaxError) return e;
    throw e;
  }
  throw new Error('expected an ExprSyntaxError');
}

describe('syntax errors', () => {
  it.each([
    ['{{ x | nosuch }}', "unknown filter 'nosuch'", 7, 6],
    ['{{ x | community.general.foo }}', "unknown filter 'community.general.foo'", 7, 21],
    ['{{ x | ansible.builtin.default(1) }}', "unknown filter 'ansible.builtin.default'", 7, 23],
    ['{{ x is nosuch }}', "unknown test 'nosuch'", 8, 6],
    ['{{ x is not nosuch }}', "unknown test 'nosuch'", 12, 6],
    ["{{ l | map('nosuch') }}", "unknown filter 'nosuch'", 11, 8],
    ["{{ l | select('nosuch') }}", "unknown test 'nosuch'", 14, 8],
    ["{{ l | selectattr('a', 'nosuch') }}", "unknown test 'nosuch'", 23, 8],
    ['{{ foo(1) }}', "unknown function 'foo'", 3, 3],
    ['{{ l.append(1) }}', "unsupported method 'append'", 3, 8],
    ['{% call m() %}{% endcall %}', "unsupported template statement 'call'", 3, 4],
    ['{% macro m(a, %}{% endmacro %}', 'expected', 15, 1],
    ['{% macro m() %}', "missing '{% endmacro %}'", 3, 5],
    ["{% import 'x' as y %}", "unsupported template statement 'import'", 3, 6],
    ["{% include 'x' ignore %}", "expected 'missing'", 22, 2],
    ['{% for x in y recursive %}{% endfor %}', 'recursive', 14, 9],
    ['{% frobnicate %}', "unknown template statement 'frobnicate'", 3, 10],
    ['{% if x %}', "missing '{% endif %}'", 3, 2],
    ['{% for x in y %}', "missing '{% endfor %}'", 3, 3],
    ['{% endif %}', "unexpected '{% endif %}'", 3, 5],
    ['{% if x %}{% endfor %}', "unexpected '{% endfor %}'", 13, 6],
    ['{{ x', "expected '}}'", 4, 1],
    ["{{ 'abc }}", 'unterminated string literal', 3, 7],
    ['{{ x + }}', 'unexpected', 7, 2],
    ['{{ (1, 2 }}', "unexpected '}'", 9, 1],
    ['{{ [1, 2 }}', "unexpected '}'", 9, 1],
    ['{{ x $ y }}', "unexpected character '$'", 5, 1],
    ['a {# b', 'Missing end of comment tag', 2, 2],
    ['{{ 1 is number if true else 2 }}', "unexpected 'true'", 18, 4],
    ['{{ f(*a) }}', 'unknown function', 3, 1],
    ['{{ range(*a, *b) }}', 'invalid syntax for function call expression', 13, 1],
    ['{{ dict(**a, b=1) }}', 'invalid syntax for function call expression', 13, 1],
    ['{{ range(*a, 1) }}', 'invalid syntax for function call expression', 13, 1],
    ['{{ d[1:2, 3] }}', 'multi-dimensional slicing', 5, 3],
  ])('%s → %s', (src, msg, offset, length) => {
    const e = syntaxError(() => compileTemplate(src));
    expect(e.message).toContain(msg);
    expect(e.offset).toBe(offset);
    expect(e.length).toBe(length);
  });

  it('bare expressions report offsets into the expression', () => {
    const e = syntaxError(() => compileExpression('a | default(1) | nosuch'));
    expect(e.message).toBe("unknown filter 'nosuch'");
    expect(e.offset).toBe(17);
    expect(syntaxError(() => compileExpression('a b')).offset).toBe(2);
    expect(syntaxError(() => compileExpression('')).message).toContain('expected an expression');
  });

  it('conditions are parsed like {% if <cond> %}: no top-level if-expression (Ansible errors too)', () => {
    expect(() => compileCondition('a if b else c')).toThrow(ExprSyntaxError);
    expect(() => compileExpression('a if b else c')).not.toThrow();
    expect(() => compileCondition('x is defined and x | int > 2')).not.toThrow();
    expect(() => compileCondition('x | nosuch')).toThrow("unknown filter 'nosuch'");
    expect(() => compileCondition('{{ x | nosuch }}')).toThrow("unknown filter 'nosuch'");
  });
});

describe('compilation', () => {
  it('caches compiled templates and expressions by source', () => {
    expect(compileTemplate('{{ a }}')).toBe(compileTemplate('{{ a }}'));
    expect(compileExpression('a + 1')).toBe(compileExpression('a + 1'));
  });

  it('hasTemplate looks for {{, {% and {#', () => {
    expect(hasTemplate('{{ x }}')).toBe(true);
    expect(hasTemplate('a {% if %}')).toBe(true);
    expect(hasTemplate('{# c #}')).toBe(true);
    expect(hasTemplate('echo ${#arr[@]}')).toBe(true);
    expect(hasTemplate('plain { text }')).toBe(false);
  });

  it('accepts fully qualified names of Ansible plugins (ansible.builtin / ansible.legacy)', () => {
    expect(() => compileTemplate('{{ x | ansible.builtin.regex_replace("a", "b") }}')).not.toThrow();
    expect(() => compileTemplate('{{ x | ansible.legacy.to_json }}')).not.toThrow();
    expect(() => compileTemplate('{{ x is ansible.builtin.version("1", ">") }}')).not.toThrow();
    // Jinja's own filters and tests are not plugins: Ansible 2.14 fails on these names
    expect(() => compileTemplate('{{ x | ansible.builtin.upper }}')).toThrow(ExprSyntaxError);
    expect(() => compileTemplate('{{ x is ansible.builtin.defined }}')).toThrow(ExprSyntaxError);
  });

  it('parses precedence like Jinja', () => {
    // unary minus binds tighter than **, ** is left-associative, filters bind to the operand
    expect(referencedNames(compileExpression('-a ** b'))).toEqual(['a', 'b']);
  });
});

describe('referencedNames', () => {
  it('lists top-level variables in first-use order', () => {
    expect(referencedNames(compileExpression('a.b | default(c) + d[e] if f else g.h'))).toEqual(['a', 'c', 'd', 'e', 'f', 'g']);
  });
  it('ignores template locals, loop and function names', () => {
    const t = compileTemplate(
      '{% set x = base %}{% for k, v in items | dict2items %}{{ k }}{{ v }}{{ loop.index }}{{ other }}{% endfor %}{{ x }}{{ range(3) }}',
    );
    expect(referencedNames(t)).toEqual(['base', 'items', 'other']);
  });
  it('handles constants and literals', () => {
    expect(referencedNames(compileExpression("[true, none, 'x', {'k': v}]"))).toEqual(['v']);
  });
});
