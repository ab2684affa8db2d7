// Python str methods (split, strip, replace, startswith, ...) on JS strings.
import { ExprRuntimeError } from './errors.js';
import { bindArgs } from './args.js';
import type { KwArgs } from './args.js';
import { pyTypeName, toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import { pyIter } from './access.js';
import { checkLength } from './budget.js';

type StrMethod = (s: string, args: unknown[], kwargs: KwArgs) => unknown;

const WS = ' \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function optStr(v: unknown, what: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ExprRuntimeError(`${what} arg must be None or str`);
  return v;
}

// Python str.strip/lstrip/rstrip with optional characters.
export function pyStrip(s: string, chars: string | null, left: boolean, right: boolean): string {
  const set = chars ?? WS;
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a] as string)) a++;
  if (right) while (b > a && set.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

// Python str.split(sep=None, maxsplit=-1).
export function pySplit(s: string, sep: string | null, maxsplit: number): string[] {
  const max = maxsplit < 0 ? Infinity : maxsplit;
  if (sep === '') throw new ExprRuntimeError('empty separator');
  if (sep !== null) {
    const out: string[] = [];
    let rest = s;
    while (out.length < max) {
      const i = rest.indexOf(sep);
      if (i < 0) break;
      out.push(rest.slice(0, i));
      rest = rest.slice(i + sep.length);
    }
    out.push(rest);
    return out;
  }
  const out: string[] = [];
  let rest = pyStrip(s, null, true, false);
  while (rest.length > 0) {
    if (out.length >= max) {
      out.push(rest);
      break;
    }
    let i = 0;
    while (i < rest.length && !WS.includes(rest[i] as string)) i++;
    out.push(rest.slice(0, i));
    rest = pyStrip(rest.slice(i), null, true, false);
  }
  return out;
}

function rsplit(s: string, sep: string | null, maxsplit: number): string[] {
  if (maxsplit < 0) return pySplit(s, sep, -1);
  const rev = (x: string): string => Array.from(x).reverse().join('');
  return pySplit(rev(s), sep === null ? null : rev(sep), maxsplit).map(rev).reverse();
}

// Python str.splitlines(keepends=False).
export function splitLines(s: string, keepends = false): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(s.slice(last, keepends ? m.index + m[0].length : m.index));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

// Python str.title(): a cased character is upper-cased after an uncased one, else lowered.
export function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    const cased = lower !== upper;
    out += cased ? (prevCased ? lower : upper) : ch;
    prevCased = cased;
  }
  return out;
}

function capitalize(s: string): string {
  return s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase();
}

function range(s: string, start: unknown, end: unknown): [number, number] {
  const norm = (v: unknown, d: number): number => {
    if (v === undefined || v === null) return d;
    const n = Number(v);
    return n < 0 ? Math.max(0, s.length + n) : Math.min(n, s.length);
  };
  return [norm(start, 0), norm(end, s.length)];
}

function affix(name: string, s: string, args: unknown[], test: (sub: string, p: string) => boolean): boolean {
  const [what, start, end] = bindArgs(name, args, {}, ['prefix', 'start?', 'end?']);
  const [a, b] = range(s, start, end);
  const sub = s.slice(a, b);
  const opts = Array.isArray(what) ? what : [what];
  return opts.some((p) => {
    if (typeof p !== 'string') {
      throw new ExprRuntimeError(`${name} first arg must be str or a tuple of str, not ${pyTypeName(p)}`);
    }
    return test(sub, p);
  });
}

function find(s: string, args: unknown[], fromRight: boolean): number {
  const [sub, start, end] = bindArgs(fromRight ? 'rfind' : 'find', args, {}, ['sub', 'start?', 'end?']);
  const [a, b] = range(s, start, end);
  const part = s.slice(a, b);
  const i = fromRight ? part.lastIndexOf(toPyStr(sub)) : part.indexOf(toPyStr(sub));
  return i < 0 ? -1 : i + a;
}

function isAll(re: RegExp): StrMethod {
  return (s) => s.length > 0 && re.test(s);
}

function pad(s: string, args: unknown[], where: 'l' | 'r' | 'c'): string {
  const [w, fill] = bindArgs('pad', args, {}, ['width', 'fillchar?']);
  const width = Number(w);
  const f = typeof fill === 'string' ? fill : ' ';
  if (s.length >= width) return s;
  const gap = width - s.length;
  checkLength(width * Math.max(1, f.length), 'string');
  if (where === 'l') return s + f.repeat(gap);
  if (where === 'r') return f.repeat(gap) + s;
  const left = Math.floor(gap / 2) + (gap & width & 1);
  return f.repeat(left) + s + f.repeat(gap - left);
}

export const STR_METHODS: Record<string, StrMethod> = {
  split: (s, a, k) => {
    const [sep, max] = bindArgs('split', a, k, ['sep?', 'maxsplit?']);
    return pySplit(s, optStr(sep, 'sep'), max === undefined ? -1 : Number(max));
  },
  rsplit: (s, a, k) => {
    const [sep, max] = bindArgs('rsplit', a, k, ['sep?', 'maxsplit?']);
    return rsplit(s, optStr(sep, 'sep'), max === undefined ? -1 : Number(max));
  },
  strip: (s, a) => pyStrip(s, optStr(bindArgs('strip', a, {}, ['chars?'])[0], 'strip'), true, true),
  lstrip: (s, a) => pyStrip(s, optStr(bindArgs('lstrip', a, {}, ['chars?'])[0], 'lstrip'), true, false),
  rstrip: (s, a) => pyStrip(s, optStr(bindArgs('rstrip', a, {}, ['chars?'])[0], 'rstrip'), false, true),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  capitalize: (s) => capitalize(s),
  title: (s) => pyTitle(s),
  replace: (s, a) => {
    const [old, neu, count] = bindArgs('replace', a, {}, ['old', 'new', 'count?']);
    const o = toPyStr(old);
    const n = toPyStr(neu);
    const max = count === undefined || Number(count) < 0 ? Infinity : Number(count);
    if (o === '') {
      const chars = Array.from(s);
      let out = '';
      let done = 0;
      for (const c of chars) out += (done++ < max ? n : '') + c;
      return out + (done < max ? n : '');
    }
    const parts = s.split(o);
    if (max === Infinity) return parts.join(n);
    return parts.slice(0, max + 1).join(n) + (parts.length > max + 1 ? o + parts.slice(max + 1).join(o) : '');
  },
  startswith: (s, a) => affix('startswith', s, a, (sub, p) => sub.startsWith(p)),
  endswith: (s, a) => affix('endswith', s, a, (sub, p) => sub.endsWith(p)),
  find: (s, a) => find(s, a, false),
  rfind: (s, a) => find(s, a, true),
  index: (s, a) => {
    const i = find(s, a, false);
    if (i < 0) throw new ExprRuntimeError('substring not found');
    return i;
  },
  count: (s, a) => {
    const [sub] = bindArgs('count', a, {}, ['sub']);
    const t = toPyStr(sub);
    return t === '' ? s.length + 1 : s.split(t).length - 1;
  },
  join: (s, a) => {
    const [items] = bindArgs('join', a, {}, ['iterable']);
    return pyIter(items).map((x, i) => {
      if (typeof x !== 'string') {
        throw new ExprRuntimeError(`sequence item ${i}: expected str instance, ${pyTypeName(x)} found`);
      }
      return x;
    }).join(s);
  },
  splitlines: (s, a, k) => splitLines(s, Boolean(bindArgs('splitlines', a, k, ['keepends?'])[0])),
  partition: (s, a) => {
    const sep = toPyStr(bindArgs('partition', a, {}, ['sep'])[0]);
    const i = s.indexOf(sep);
    return makeTuple(i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rpartition: (s, a) => {
    const sep = toPyStr(bindArgs('rpartition', a, {}, ['sep'])[0]);
    const i = s.lastIndexOf(sep);
    return makeTuple(i < 0 ? ['', '', s] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  isdigit: isAll(/^\p{Nd}+$/u),
  isdecimal: isAll(/^\p{Nd}+$/u),
  isnumeric: isAll(/^\p{N}+$/u),
  isalpha: isAll(/^\p{L}+$/u),
  isalnum: isAll(/^[\p{L}\p{N}]+$/u),
  isspace: isAll(/^\s+$/),
  islower: (s) => /\p{Ll}/u.test(s) && !/\p{Lu}|\p{Lt}/u.test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && !/\p{Ll}|\p{Lt}/u.test(s),
  zfill: (s, a) => {
    const width = Number(bindArgs('zfill', a, {}, ['width'])[0]);
    checkLength(width, 'string');
    const sign = s.startsWith('-') || s.startsWith('+') ? s.slice(0, 1) : '';
    return s.length >= width ? s : sign + s.slice(sign.length).padStart(width - sign.length, '0');
  },
  ljust: (s, a) => pad(s, a, 'l'),
  rjust: (s, a) => pad(s, a, 'r'),
  center: (s, a) => pad(s, a, 'c'),
};
