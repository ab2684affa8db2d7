// The name, age and size filters of the find module (Ansible 2.14's pfilter, agefilter,
// sizefilter), with Python's fnmatch and re.match semantics.
import { compilePyRe } from '../../engine/py/regex.js';

const globCache = new Map<string, RegExp>();

// Python's fnmatch.translate: a whole-name match where * and ? also match '/' and '.'.
export function fnmatchRegExp(pat: string): RegExp {
  const hit = globCache.get(pat);
  if (hit) return hit;
  let res = '';
  for (let i = 0; i < pat.length; ) {
    const c = pat[i++] as string;
    if (c === '*') {
      if (!res.endsWith('[\\s\\S]*')) res += '[\\s\\S]*';
    } else if (c === '?') res += '[\\s\\S]';
    else if (c === '[') {
      let j = i;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) {
        res += '\\[';
        continue;
      }
      let stuff = pat.slice(i, j).replace(/\\/g, '\\\\');
      i = j + 1;
      if (stuff === '') res += '(?!)';
      else if (stuff === '!') res += '[\\s\\S]';
      else {
        if (stuff[0] === '!') stuff = '^' + stuff.slice(1);
        else if (stuff[0] === '^' || stuff[0] === '[') stuff = '\\' + stuff;
        res += `[${stuff.replace(/\]/g, (m, at: number) => (at === 0 || (at === 1 && stuff[0] === '^') ? '\\]' : m))}]`;
      }
    } else res += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  const re = new RegExp(`^(?:${res})$`);
  globCache.set(pat, re);
  return re;
}

// Python's re.match (anchored at the start only) of a pattern against a name.
export function pyMatch(pattern: string, name: string): boolean {
  const re = compilePyRe(pattern, {}, 'y');
  return re.test(name);
}

// Ansible's pfilter: a name passes when it matches a pattern and no exclude.
export function nameFilter(name: string, patterns: string[], excludes: string[], useRegex: boolean): boolean {
  if (patterns.length === 0 && excludes.length === 0) return true;
  const hit = useRegex ? (p: string) => pyMatch(p, name) : (p: string) => fnmatchRegExp(p).test(name);
  if (patterns.length === 0) return false;
  if (!patterns.some(hit)) return false;
  return !excludes.some(hit);
}

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const BYTES: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

// Parses `age` (e.g. 2d, -1h, 3600) into seconds; undefined when it is malformed.
export function parseAge(age: string): number | undefined {
  const m = /^(-?\d+)(s|m|h|d|w)?$/.exec(age.toLowerCase());
  return m ? Number(m[1]) * (SECONDS[m[2] ?? 's'] ?? 1) : undefined;
}

// Parses `size` (e.g. 10k, -1m, 512) into bytes; undefined when it is malformed.
export function parseSize(size: string): number | undefined {
  const m = /^(-?\d+)(b|k|m|g|t)?$/.exec(size.toLowerCase());
  return m ? Number(m[1]) * (BYTES[m[2] ?? 'b'] ?? 1) : undefined;
}

// Ansible's agefilter: age >= 0 selects entries at least that old, < 0 at most that old.
export function ageFilter(stamp: number, now: number, age: number | undefined): boolean {
  if (age === undefined) return true;
  return age >= 0 ? now - stamp >= Math.abs(age) : now - stamp <= Math.abs(age);
}

// Ansible's sizefilter: size >= 0 selects files at least that big, < 0 at most that big.
export function sizeFilter(size: number, want: number | undefined): boolean {
  if (want === undefined) return true;
  return want >= 0 ? size >= Math.abs(want) : size <= Math.abs(want);
}

// Ansible's contentfilter: a line (universal newlines) starts with a match, or with
// read_whole_file a match anywhere; unreadable or non-UTF-8 files never match.
export function contentFilter(data: Buffer | undefined, pattern: string, wholeFile: boolean): boolean {
  if (data === undefined) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data).replace(/\r\n?/g, '\n');
  } catch {
    return false;
  }
  if (wholeFile) {
    const re = compilePyRe(pattern, {}, 'g');
    return re.test(text);
  }
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines.some((l) => pyMatch(pattern, l));
}
