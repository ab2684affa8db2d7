// Ansible's free-form `key=value` argument strings: `debug: msg="hi there"`,
// `command: echo hi creates=/tmp/x`. Splits on spaces outside quotes and Jinja blocks,
// decodes backslash escapes, strips quotes from values; leftovers become `_raw_params`.

import { decodeEscapes } from '../py/escapes.js';

/** options that command/shell accept inline next to the command line */
export const COMMAND_INLINE_OPTIONS = new Set([
  'creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends',
]);

export class KvSyntaxError extends Error {}

// Splits a free-form argument string into tokens like Ansible's split_args.
export function splitArgs(src: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let depth = 0;
  let started = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    const two = src.slice(i, i + 2);
    if (!quote && (two === '{{' || two === '{%' || two === '{#')) {
      depth++;
      cur += two;
      i++;
      started = true;
      continue;
    }
    if (!quote && depth > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      depth--;
      cur += two;
      i++;
      continue;
    }
    if (depth === 0 && (c === '"' || c === "'") && src[i - 1] !== '\\') {
      if (quote === null) quote = c;
      else if (quote === c) quote = null;
      cur += c;
      started = true;
      continue;
    }
    if (quote === null && depth === 0 && (c === ' ' || c === '\n' || c === '\t')) {
      if (started) tokens.push(c === '\n' ? cur + '\n' : cur);
      else if (c === '\n' && tokens.length > 0) tokens[tokens.length - 1] += '\n';
      cur = '';
      started = false;
      continue;
    }
    cur += c;
    started = true;
  }
  if (quote !== null || depth !== 0) {
    throw new KvSyntaxError(`failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${src}`);
  }
  if (started) tokens.push(cur);
  return tokens;
}

// Strips one pair of matching surrounding quotes.
export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

// Parses `k=v k2="v 2" free text` into options; with `checkRaw`, only the command inline
// options are taken as keys and everything else is kept in `_raw_params`.
export function parseKv(src: string, checkRaw = false): Record<string, string> {
  const out: Record<string, string> = {};
  const raw: string[] = [];
  for (const orig of splitArgs(src)) {
    const x = decodeEscapes(orig, 'kv');
    const eq = findUnescapedEquals(x);
    if (eq < 0) {
      raw.push(x.includes('\\=') ? x.replace(/\\=/g, '=') : orig);
      continue;
    }
    const k = x.slice(0, eq);
    if (checkRaw && !COMMAND_INLINE_OPTIONS.has(k)) {
      raw.push(orig);
      continue;
    }
    out[k.trim()] = unquote(x.slice(eq + 1).trim());
  }
  if (raw.length > 0) out['_raw_params'] = joinArgs(raw);
  return out;
}

function findUnescapedEquals(x: string): number {
  for (let i = 1; i < x.length; i++) if (x[i] === '=' && x[i - 1] !== '\\') return i;
  return -1;
}

function joinArgs(parts: string[]): string {
  let s = '';
  for (const p of parts) s += s.length === 0 || s.endsWith('\n') ? p : ' ' + p;
  return s.replace(/\n$/, '');
}
