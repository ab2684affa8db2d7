// Python `re` patterns as JavaScript RegExp: leading inline flags, compiling once with Python's
// meaning (see regex-syntax.ts for the translation), and re.escape.
import { PyReError, translatePyRe, type PyReFlags } from './regex-syntax.js';
import { BoundedRegExp } from './regex-time.js';

export { PyReError, type PyReFlags };
export { BoundedRegExp, RegexTimeoutError, withRegexTimeout } from './regex-time.js';

const cache = new Map<string, RegExp>();
const LEAD = /\(\?([aiLmsux]+)\)/y;

// The flags a pattern sets with leading (?aimsux) groups (Python allows them only at the start),
// and the pattern after them.
export function splitInlineFlags(pattern: string, verbose = false): { flags: PyReFlags; body: string } {
  const flags: PyReFlags = {};
  let letters = '';
  let i = 0;
  for (;;) {
    if (verbose || flags.verbose) {
      const skip = /(?:[ \t\n\r\v\f]+|#[^\n]*)*/y;
      skip.lastIndex = i;
      i += skip.exec(pattern)?.[0].length ?? 0;
    }
    if (pattern.startsWith('(?#', i) && pattern.indexOf(')', i) > 0) {
      i = pattern.indexOf(')', i) + 1;
      continue;
    }
    LEAD.lastIndex = i;
    const m = LEAD.exec(pattern);
    if (!m) break;
    letters += m[1] as string;
    if (letters.includes('L')) throw new PyReError(`bad inline flags: cannot use 'L' flag with a str pattern at position ${i + 3}`);
    if (letters.includes('a') && letters.includes('u')) throw new PyReError(`bad inline flags: flags 'a', 'u' and 'L' are incompatible at position ${i + 3}`);
    for (const ch of m[1] as string) {
      if (ch === 'i') flags.ignorecase = true;
      else if (ch === 'm') flags.multiline = true;
      else if (ch === 's') flags.dotall = true;
      else if (ch === 'a') flags.ascii = true;
      else if (ch === 'x') flags.verbose = true;
    }
    i += m[0].length;
  }
  return { flags, body: pattern.slice(i) };
}

// The RegExp for a Python pattern compiled with `flags` (re.IGNORECASE, ...); jsFlags adds JS
// flags such as 'g', 'y' or 'd'. Cached; lastIndex is reset. Throws PyReError like re.compile.
// Matching runs in bounded time (regex-time.ts).
export function compilePyRe(pattern: string, flags: PyReFlags = {}, jsFlags = ''): RegExp {
  const key = `${flags.ignorecase ? 'i' : ''}${flags.multiline ? 'm' : ''}${flags.dotall ? 's' : ''}${flags.ascii ? 'a' : ''}${flags.verbose ? 'x' : ''}/${jsFlags}/${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const lead = splitInlineFlags(pattern, flags.verbose);
    const f: PyReFlags = { ...flags };
    for (const [k, v] of Object.entries(lead.flags)) if (v) f[k as keyof PyReFlags] = true;
    const source = translatePyRe(lead.body, f);
    try {
      re = new BoundedRegExp(source, [...new Set(`${jsFlags}u${f.ignorecase ? 'i' : ''}`)].join(''));
    } catch (e) {
      const at = /Nothing to repeat/.test((e as Error).message) ? nothingToRepeat(lead.body) : undefined;
      throw new PyReError(at !== undefined ? `nothing to repeat at position ${at + pattern.length - lead.body.length}` : `invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
    if (cache.size > 5000) cache.clear();
    cache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

// Python's re.escape (3.7+: only the characters special in patterns are escaped).
export function reEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}

// Where Python's re reports "nothing to repeat": the first quantifier at the start of the pattern,
// of a group or of an alternative (escapes and classes skipped).
function nothingToRepeat(src: string): number | undefined {
  let prev = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      i++;
      prev = 'x';
      continue;
    }
    if (c === '[') {
      for (i += src[i + 1] === ']' ? 2 : 1; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      prev = 'x';
      continue;
    }
    if ('*+?'.includes(c) && (prev === '' || prev === '(' || prev === '|')) return i;
    prev = c;
  }
  return undefined;
}
