// String filters: case, trim, replace, split, join-like text helpers, shell quoting, paths,
// base64 and hashes.
import { createHash } from 'node:crypto';
import { ExprRuntimeError } from './errors.js';
import { bindArgs } from './args.js';
import { registerFilter } from './registry.js';
import { isTruthy, toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import { pyIter } from './access.js';
import { printf } from './pyformat.js';
import { pySplit, pyStrip, splitLines } from './str-methods.js';
import { isMapping } from './python-values.js';
import { checkLength } from './budget.js';

// Jinja's title filter: capitalize words delimited by whitespace, -, (, {, [, <.
function jinjaTitle(s: string): string {
  return s
    .split(/([-\s({[<]+)/)
    .map((w) => (w ? (w[0] as string).toUpperCase() + w.slice(1).toLowerCase() : w))
    .join('');
}

// Python shlex.quote.
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

const str = (v: unknown): string => toPyStr(v);

registerFilter('lower', (v) => str(v).toLowerCase());
registerFilter('upper', (v) => str(v).toUpperCase());
registerFilter('capitalize', (v) => {
  const s = str(v);
  return s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase();
});
registerFilter('title', (v) => jinjaTitle(str(v)));
registerFilter('trim', (v, a, k) => {
  const [chars] = bindArgs('trim', a, k, ['chars?']);
  return pyStrip(str(v), chars === undefined || chars === null ? null : str(chars), true, true);
});
registerFilter('replace', (v, a, k) => {
  const [old, neu, count] = bindArgs('replace', a, k, ['old', 'new', 'count?']);
  const s = str(v);
  const o = str(old);
  const n = str(neu);
  const max = count === undefined || count === null ? -1 : Number(count);
  if (max < 0) return o === '' ? Array.from(s).map((c) => n + c).join('') + n : s.split(o).join(n);
  const parts = s.split(o);
  return parts.slice(0, max + 1).join(n) + (parts.length > max + 1 ? o + parts.slice(max + 1).join(o) : '');
});
registerFilter('split', (v, a, k) => {
  const [sep, max] = bindArgs('split', a, k, ['sep?', 'maxsplit?']);
  return pySplit(str(v), sep === undefined || sep === null ? null : str(sep), max === undefined ? -1 : Number(max));
});
registerFilter('center', (v, a, k) => {
  const [width] = bindArgs('center', a, k, ['width?']);
  const s = str(v);
  const w = Number(width ?? 80);
  if (s.length >= w) return s;
  checkLength(w, 'string');
  const gap = w - s.length;
  const left = Math.floor(gap / 2) + (gap & w & 1);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
});
registerFilter('indent', (v, a, k) => {
  const [width, first, blank] = bindArgs('indent', a, k, ['width?', 'first?', 'blank?']);
  if (typeof width !== 'string') checkLength(Number(width ?? 4), 'string');
  const ind = typeof width === 'string' ? width : ' '.repeat(Math.max(0, Number(width ?? 4)));
  const lines = splitLines(str(v) + '\n');
  checkLength(str(v).length + lines.length * ind.length, 'string');
  let out: string;
  if (isTruthy(blank ?? false)) out = lines.join('\n' + ind);
  else out = [lines[0] ?? '', ...lines.slice(1).map((l) => (l ? ind + l : l))].join('\n');
  return isTruthy(first ?? false) ? ind + out : out;
});
registerFilter('wordcount', (v) => (str(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length);
registerFilter('format', (v, a, k) => {
  if (Object.keys(k).length > 0 && a.length > 0) {
    throw new ExprRuntimeError("can't handle positional and keyword arguments at the same time");
  }
  return printf(str(v), Object.keys(k).length > 0 ? k : makeTuple([...a]));
});
registerFilter('truncate', (v, a, k) => {
  const [length, killwords, end, leeway] = bindArgs('truncate', a, k, ['length?', 'killwords?', 'end?', 'leeway?']);
  const s = str(v);
  const len = Number(length ?? 255);
  const e = end === undefined ? '...' : str(end);
  if (s.length <= len + Number(leeway ?? 5)) return s;
  if (isTruthy(killwords ?? false)) return s.slice(0, len - e.length) + e;
  const cut = s.slice(0, len - e.length);
  const sp = cut.lastIndexOf(' ');
  return (sp < 0 ? cut : cut.slice(0, sp)) + e;
});
registerFilter('quote', (v) => shellQuote(v === null ? '' : str(v)));
registerFilter('basename', (v) => str(v).slice(str(v).lastIndexOf('/') + 1));
registerFilter('dirname', (v) => {
  const s = str(v);
  const i = s.lastIndexOf('/');
  if (i < 0) return '';
  const head = s.slice(0, i + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
});
registerFilter('splitext', (v) => {
  const s = str(v);
  const base = s.slice(s.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return makeTuple([s, '']);
  const cut = s.length - base.length + dot;
  return makeTuple([s.slice(0, cut), s.slice(cut)]);
});
registerFilter('path_join', (v) => {
  const items = typeof v === 'string' ? [v] : pyIter(v).map(str);
  let out = '';
  for (const p of items) out = p.startsWith('/') ? p : out === '' || out.endsWith('/') ? out + p : `${out}/${p}`;
  return out;
});
registerFilter('b64encode', (v, a, k) => {
  const [enc] = bindArgs('b64encode', a, k, ['encoding?']);
  const encoding = enc === 'utf-16-le' ? 'utf16le' : 'utf8';
  return Buffer.from(str(v), encoding).toString('base64');
});
registerFilter('b64decode', (v, a, k) => {
  const [enc] = bindArgs('b64decode', a, k, ['encoding?']);
  const encoding = enc === 'utf-16-le' ? 'utf16le' : 'utf8';
  return Buffer.from(str(v), 'base64').toString(encoding);
});

const HASH_NAMES: Record<string, string> = { blake2b: 'blake2b512', blake2s: 'blake2s256', sha3_224: 'sha3-224', sha3_256: 'sha3-256', sha3_384: 'sha3-384', sha3_512: 'sha3-512', sha512_224: 'sha512-224', sha512_256: 'sha512-256' };

function digest(algo: string, v: unknown): string {
  try {
    return createHash(HASH_NAMES[algo.toLowerCase()] ?? algo).update(str(v), 'utf8').digest('hex');
  } catch {
    throw new ExprRuntimeError(`unsupported hash type ${algo}`);
  }
}
registerFilter('hash', (v, a, k) => digest(str(bindArgs('hash', a, k, ['hashtype?'])[0] ?? 'sha1'), v));
registerFilter('md5', (v) => digest('md5', v));
registerFilter('sha1', (v) => digest('sha1', v));
registerFilter('checksum', (v) => digest('sha1', v));
registerFilter('to_uuid', (v, a, k) => {
  const [ns] = bindArgs('to_uuid', a, k, ['namespace?']);
  const nsHex = str(ns ?? '361E6D51-FAEC-444A-9079-341386DA8E2E').replace(/-/g, '');
  if (!/^[\da-fA-F]{32}$/.test(nsHex)) throw new ExprRuntimeError(`Invalid value '${str(ns)}' for 'namespace'`);
  const h = createHash('sha1').update(Buffer.from(nsHex, 'hex')).update(str(v), 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
});
registerFilter('escape', (v) => str(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'));
registerFilter('e', (v) => str(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'));
registerFilter('safe', (v) => v);
// Python's urllib quote (safe: alphanumerics, _.-~ and `safe`); for_qs turns spaces into '+'.
function urlQuote(s: string, forQs: boolean): string {
  const safe = forQs ? '' : '/';
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return forQs ? out.replaceAll('%20', '+') : out;
}
registerFilter('urlencode', (v) => {
  if (isMapping(v)) return Object.keys(v).map((key) => `${urlQuote(key, true)}=${urlQuote(str(v[key]), true)}`).join('&');
  if (Array.isArray(v)) return v.map((p) => pyIterPair(p).map((x) => urlQuote(str(x), true)).join('=')).join('&');
  return urlQuote(str(v), false);
});
const pyIterPair = (p: unknown): unknown[] => pyIter(p);
