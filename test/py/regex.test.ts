// Python `re` on JS RegExp: patterns, flags and replacement templates against recorded Python 3.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePyRe, splitInlineFlags, PyReError, reEscape, type PyReFlags } from '../../engine/py/regex.js';
import { expandTemplate, pySubn } from '../../engine/py/regex-sub.js';

interface FindCase {
  pattern: string;
  flags: string;
  text: string;
  matches?: [number, string, (string | null)[]][];
  error?: string;
}
interface SubCase {
  pattern: string;
  template: string;
  text: string;
  count: number;
  result?: string;
  error?: string;
}

// Recorded by running re.finditer / re.subn on each case (see `recorded_with` in the file).
const recorded = JSON.parse(readFileSync(new URL('./fixtures/regex-cases.json', import.meta.url), 'utf8')) as { find: FindCase[]; sub: SubCase[] };

// Known differences: \N{name} is not supported; JS also accepts (?<n>...) named groups.
const UNSUPPORTED = new Set(['\\N{EM DASH}']);
const LENIENT = new Set(['(?<n>a)']);

const flagsOf = (letters: string): PyReFlags => ({
  ignorecase: letters.includes('i'),
  multiline: letters.includes('m'),
  dotall: letters.includes('s'),
  ascii: letters.includes('a'),
  verbose: letters.includes('x'),
});

describe('patterns as Python 3 matches them (re.finditer)', () => {
  const cases = recorded.find.filter((c) => !LENIENT.has(c.pattern) && !UNSUPPORTED.has(c.pattern));
  it.each(cases.map((c) => [c.pattern, c.flags, JSON.stringify(c.text), c] as const))('%s (%s) on %s', (_p, _f, _t, c) => {
    const find = (): unknown[] =>
      [...c.text.matchAll(compilePyRe(c.pattern, flagsOf(c.flags), 'g'))].map((m) => [m.index, m[0], m.slice(1).map((g) => g ?? null)]);
    if (c.error !== undefined) expect(find).toThrow(PyReError);
    else expect(find()).toEqual(c.matches);
  });

  it('says what Python says for its own errors', () => {
    expect(() => compilePyRe('a(?i)')).toThrow('global flags not at the start of the expression at position 1');
    expect(() => compilePyRe('\\e')).toThrow('bad escape \\e at position 0');
    expect(() => compilePyRe('\\b*')).toThrow('nothing to repeat at position 2');
    expect(() => compilePyRe('(')).toThrow("invalid regular expression '('");
  });

  it('reads the leading inline flags', () => {
    expect(splitInlineFlags('(?im)(?#c)(?s)x')).toEqual({ flags: { ignorecase: true, multiline: true, dotall: true }, body: 'x' });
    expect(splitInlineFlags('x(?m)').flags).toEqual({});
  });

  it('re.escape escapes what Python 3.7+ escapes', () => {
    // python3: re.escape('a.b-c d/e_f') == 'a\\.b\\-c\\ d/e_f'
    expect(reEscape('a.b-c d/e_f')).toBe('a\\.b\\-c\\ d/e_f');
  });
});

describe('substitution as Python 3 does it (re.subn, templates)', () => {
  it.each(recorded.sub.map((c) => [c.pattern, c.template, JSON.stringify(c.text), c] as const))('%s -> %s on %s', (_p, _t, _s, c) => {
    const sub = (): string => pySubn(compilePyRe(c.pattern, {}, 'g'), c.template, c.text, c.count).text;
    if (c.error !== undefined) expect(sub).toThrow(PyReError);
    else expect(sub()).toBe(c.result);
  });

  it('expands a template for one match (match.expand)', () => {
    const m = compilePyRe('^host=(?P<h>.*)$').exec('host=web1') as RegExpExecArray;
    expect(expandTemplate('host=\\1.local \\g<h>', m)).toBe('host=web1.local web1');
  });
});
