// shlex.split in POSIX and non-POSIX mode, with and without comments, against recorded Python 3.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shlexSplit, shlexTokens } from '../../engine/py/shlex.js';

interface Case {
  text: string;
  posix: boolean;
  comments: boolean;
  words?: string[];
  error?: string;
}

// Recorded by running Python's shlex.split on each text (see `recorded_with` in the file).
const recorded = JSON.parse(readFileSync(new URL('./fixtures/shlex-cases.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('shlex.split as Python 3 does it', () => {
  it.each(recorded.cases.map((c) => [JSON.stringify(c.text), c.posix ? 'posix' : 'non-posix', c.comments ? 'comments' : '', c] as const))(
    '%s %s %s',
    (_text, _mode, _comments, c) => {
      const split = (): string[] => shlexSplit(c.text, { posix: c.posix, comments: c.comments });
      if (c.error !== undefined) expect(split).toThrow(c.error);
      else expect(split()).toEqual(c.words);
    },
  );
});

describe('shlex.split(comments=True), as ansible splits INI host lines', () => {
  const words = (line: string): string[] => shlexSplit(line, { comments: true });
  it.each([
    ['a=x\\ y', ['a=x y']],
    ['a=b#c d', ['a=b']],
    ['a # c', ['a']],
  ])('%s', (line, expected) => {
    expect(words(line)).toEqual(expected);
  });

  it('knows where each word starts', () => {
    expect(shlexTokens('h1   x="1 2"', { comments: true }).map((t) => t.start)).toEqual([0, 5]);
    expect(shlexTokens(' "a b"c \\d', { comments: true })).toEqual([{ value: 'a bc', start: 1 }, { value: 'd', start: 8 }]);
  });

  it('fails on unclosed quotes and a trailing escape', () => {
    expect(() => words('a="x')).toThrow('No closing quotation');
    expect(() => words('a\\')).toThrow('No escaped character');
  });
});

describe('command arguments (shlex.split, comments off)', () => {
  it('keeps # and splits only on Python shlex whitespace', () => {
    expect(shlexSplit('echo a#b # c')).toEqual(['echo', 'a#b', '#', 'c']);
    expect(shlexSplit('a\u00a0b\tc')).toEqual(['a\u00a0b', 'c']);
  });
  it('keeps the backslash before $ and ` inside double quotes (Python, not a POSIX shell)', () => {
    // python3: shlex.split('echo "\\$HOME \\`x\\`"') == ['echo', '\\$HOME \\`x\\`']
    expect(shlexSplit('echo "\\$HOME \\`x\\`"')).toEqual(['echo', '\\$HOME \\`x\\`']);
  });
});
