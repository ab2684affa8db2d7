// Filters and tests beyond the recorded Ansible cases: error messages, options, and a check
// that every registered filter/test is exercised by the verified cases or here.
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PyFloat, compileExpression, evaluate, listNames } from '../../engine/expr/index.js';

const ev = (src: string, vars: Record<string, unknown> = {}): unknown => evaluate(compileExpression(src), { get: (n) => vars[n] });

// Cases not in ansible-cases.ts; the expected values follow Ansible/Jinja/Python semantics.
const CASES: [string, unknown][] = [
  ["'<b>' | escape", '&lt;b&gt;'],
  ["'x' | safe", 'x'],
  ["'hello' | sha1", 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
  ['16 | root', new PyFloat(4)],
  ['1000 | log(10)', new PyFloat(3)],
  ["'a b' | truncate(255)", 'a b'],
  ["[1, 2, 3] | zip_longest([4], fillvalue=0) | list", [[1, 4], [2, 0], [3, 0]]],
  ["'foo bar' | regex_escape", 'foo\\ bar'],
  ["'a+b' | regex_search('\\\\+')", '+'],
  ["'aXbX' | regex_replace('x', '-', ignorecase=true)", 'a-b-'],
  ["'ab' | regex_replace('(?P<x>a)', '[\\\\g<x>]')", '[a]b'],
  ["'line1\\nline2' | regex_findall('^l\\\\w+', multiline=true)", ['line1', 'line2']],
  ["'AB' | regex_findall('(?i)a')", ['A']],
  ["'abc' | regex_search('(?P<first>a)(?P=first)?b')", 'ab'],
  ["'x\\n' | regex_search('\\\\Ax\\\\Z')", null],
  ["'x' | regex_search('\\\\Ax\\\\Z')", 'x'],
  ["'x\\n' | regex_search('x$')", 'x'],
  ["'a' | to_json(indent=2)", '"a"'],
  ["{'é': 1} | to_json(ensure_ascii=false)", '{"é": 1}'],
  ["{'b': [1, {}], 'a': []} | to_nice_json", '{\n    "a": [],\n    "b": [\n        1,\n        {}\n    ]\n}'],
  ["'NaN' | from_json", NaN],
  ["'a: [1, 2]\\nb: yes' | from_yaml", { a: [1, 2], b: true }],
  ["'---\\na: 1\\n---\\nb: 2\\n' | from_yaml_all", [{ a: 1 }, { b: 2 }]],
  ['[3, 1, 2] | sort(reverse=true) | first', 3],
  ["[{'n': 2}, {'n': 1}] | sort(attribute='n') | map(attribute='n') | list", [1, 2]],
  ["{'a': 1} | items | list", [['a', 1]]],
  ["[1, 2] | map('pow', 2) | list", [new PyFloat(1), new PyFloat(4)]],
  ["'abc' | list | reverse | join", 'cba'],
  ["[1, 2, 3, 4] | batch(3, 0) | list", [[1, 2, 3], [4, 0, 0]]],
  ["'  a  ' | trim | center(5)", '  a  '],
  ["'a\\nb' | indent(first=true)", '    a\n    b'],
  ["'a\\n\\nb' | indent(2, blank=true)", 'a\n  \n  b'],
  ["'x' | quote", 'x'],
  ["\"it's\" | quote", `'it'"'"'s'`],
  ["none | quote", "''"],
  ["'a b' | urlencode", 'a%20b'],
  ["'10.0.0.1' | ansible.builtin.regex_replace('\\\\.', '-')", '10-0-0-1'],
  ["'x' | type_debug", 'str'],
  ["[1, 2] | ansible.legacy.union([3])", [1, 2, 3]],
  ["'1.2.3' is version('1.2.3-rc1', '>', version_type='semver')", true],
  ["'1.2.3-rc.2' is version('1.2.3-rc.10', '<', version_type='semver')", true],
  ["'1.2a1' is version('1.2', '<', strict=true)", true],
  ["'1.2' is version('1.2.0', 'eq', strict=true)", true],
  ["'2.0' is version_compare('10.0', 'lt')", true],
  ["'1.0' is version('1.0', '<>')", false],
  ["[1] is all", true],
  ["[] is any", false],
  ['none is sameas none', true],
  ["'/' is abs", true],
  ["'abc' is callable", false],
  ["'abc'.upper is callable", true],
  ["[1, 2, 3] | select('!=', 2) | list", [1, 3]],
  ["[1, 2, 3] | select('<', 2) | list", [1]],
  ["[1, 2, 3] | select('<=', 2) | list", [1, 2]],
  ["[1, 2, 3] | select('==', 2) | list", [2]],
  ["[1, 2, 3] | select('>=', 2) | list", [2, 3]],
  ["[1, 2, 3] | select('lessthan', 2) | list", [1]],
  ["[1, 2, 3] | select('greaterthan', 2) | list", [3]],
  ["[1] is issubset([1])", true],
  ["[1] is issuperset([])", true],
  ["{'failed': true} is failure", true],
  ["{'failed': false} is successful", true],
  ["{'unreachable': true} is unreachable", true],
  ["{} is reachable", true],
  ["{'finished': 1} is finished", true],
  ["{'started': 0} is started", false],
  ["'x' is escaped", false],
  ['1 is nan', false],
  ["('nan' | float) is isnan", true],
];

describe('more filters and tests', () => {
  it.each(CASES)('%s', (src, want) => {
    expect(ev(src)).toEqual(want);
  });
});

describe('errors', () => {
  it.each([
    ["'x' is failed", "The 'failed' test expects a dictionary"],
    ["'x' is succeeded", "The 'failed' test expects a dictionary"],
    ["'x' is changed", "The 'changed' test expects a dictionary"],
    ["'x' is skipped", "The 'skipped' test expects a dictionary"],
    ["'1.2a' is version('1.2.1', '<')", "Version comparison failed: '<' not supported between instances of 'str' and 'int'"],
    ["'1' is version('1', 'foo')", 'Invalid operator type (foo)'],
    ["'' is version('1.0', '>')", 'Input version value cannot be empty'],
    ["'1.x' is version('1.0', '>', strict=true)", "invalid version number '1.x'"],
    ["'1' is version('1', '>', version_type='pep440')", 'pep440'],
    ['[1] | dict2items', "dict2items requires a dictionary, got <class 'list'> instead."],
    ['{} | items2dict', 'items2dict requires a list'],
    ["[{'k': 1}] | items2dict", "items2dict requires each dictionary in the list to contain the keys 'key' and 'value'"],
    ["[{'name': 'c'}] | subelements('groups')", "could not find 'groups' key in iterated item {'name': 'c'}"],
    ["{} | combine({}, foo=1)", "'recursive' and 'list_merge' are the only valid keyword arguments"],
    ["{} | combine({}, list_merge='x')", "merge_hash: 'list_merge' argument can only be equal to"],
    ["'x' | hash('nope')", 'unsupported hash type nope'],
    ["'x' | regex_replace('(', '')", 'invalid regular expression'],
    ["'x' | regex_replace('x', '\\\\q')", 'bad escape \\q'],
    ["'x' | regex_search('x', 'y')", 'Unknown argument'],
    ["'x' | regex_findall('a(?i)')", 'global flags not at the start'],
    ['5 | length', "object of type 'int' has no len()"],
    ["[1, 'a'] | max", "'>' not supported between instances of 'str' and 'int'"],
    ["[1, 'a'] | sort", "'<' not supported between instances of 'str' and 'int'"],
    ["'a' is odd", 'not all arguments converted during string formatting'],
    ['5 is divisibleby 0', 'integer division or modulo by zero'],
    ["'x' | int(1, 2, 3)", 'int() takes at most 2 arguments (3 given)'],
    ["'x' | default(foo=1)", "default() got an unexpected keyword argument 'foo'"],
    ['x | mandatory("set x!")', 'set x!'],
    ["'ab' | format(1, x=2)", "can't handle positional and keyword arguments at the same time"],
    ["'{}'.format()", 'Replacement index out of range'],
    ["'a'.split('')", 'empty separator'],
    ["'a'.index('b')", 'substring not found'],
    ['[1].index(2)', '2 is not in list'],
    ["','.join([1])", 'sequence item 0: expected str instance, int found'],
    ['{}.update', 'dict.update() is not supported'],
  ])('%s → %s', (src, msg) => {
    expect(() => {
      const v = ev(src);
      if (typeof v === 'object' && v !== null && 'impl' in v) (v as { impl: (a: unknown[], k: object) => unknown }).impl([], {});
    }).toThrow(msg);
  });
});

describe('file tests run on the controller', () => {
  it('exists, file, directory, link, link_exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'expr-'));
    const file = join(dir, 'f');
    writeFileSync(file, 'x');
    symlinkSync(file, join(dir, 'l'));
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    const v = { dir, file, link: join(dir, 'l'), dangling: join(dir, 'dangling') };
    expect(existsSync(file)).toBe(true);
    expect(ev('file is exists and file is file and file is not directory', v)).toBe(true);
    expect(ev('dir is directory and dir is is_dir', v)).toBe(true);
    expect(ev('link is link and link is file and link is is_link', v)).toBe(true);
    expect(ev('dangling is link_exists and dangling is not exists', v)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('coverage of the registry', () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const corpus = ['ansible-cases.ts', 'ansible-cases-more.ts', 'filters-tests.test.ts', 'values.test.ts', 'template.test.ts']
    .map((f) => readFileSync(join(here, f), 'utf8'))
    .join('\n');
  it.each(listNames('filter'))('filter %s is exercised', (name) => {
    expect(corpus).toMatch(new RegExp(`\\| *(ansible\\.(builtin|legacy)\\.)?${name}\\b|map\\(\\\\?["']${name}`));
  });
  it.each(listNames('test'))('test %s is exercised', (name) => {
    const n = name.replace(/[=!<>]/g, '\\$&');
    expect(corpus).toMatch(new RegExp(`is (not )?(ansible\\.builtin\\.)?${n}|select\\([^)]*["']${n}["']`));
  });
});
