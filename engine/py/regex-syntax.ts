// Translates a Python `re` pattern into the source of a JavaScript RegExp for the `u` flag, keeping
// Python's meaning: ^ $ . \A \Z by Python's line rules (JS also ends lines at \r), Unicode \w \d
// \s \b (JS's are ASCII), octal and group-reference escapes, literal { } ] where Python reads them
// so, (?P<n>) and (?P=n), (?#...) comments and verbose mode; Python's errors for bad escapes.

// Python compile flags that change the translation (re.MULTILINE, DOTALL, ASCII, VERBOSE).
export interface PyReFlags {
  multiline?: boolean;
  dotall?: boolean;
  ignorecase?: boolean;
  /** (?a), or a bytes pattern: \w \d \s \b are ASCII only */
  ascii?: boolean;
  /** (?x): whitespace and # comments outside classes are ignored */
  verbose?: boolean;
}

/** Python's re.error: the pattern is invalid (message and position as Python words them) */
export class PyReError extends Error {}

const SYNTAX = '^$\\.*+?()[]{}|/';
const PY_SPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SIMPLE: Record<string, string> = { a: '\\x07', f: '\\f', n: '\\n', r: '\\r', t: '\\t', v: '\\v', '\\': '\\\\' };

interface Classes {
  W: string;
  D: string;
  S: string;
}

// Returns JS regexp source (to compile with the `u` flag) for a Python pattern whose leading
// inline flags have been taken out (see compilePyRe).
export function translatePyRe(src: string, f: PyReFlags): string {
  const k: Classes = f.ascii
    ? { W: 'A-Za-z0-9_', D: '0-9', S: ' \\t\\n\\r\\f\\v' }
    : { W: '\\p{L}\\p{N}_', D: '\\p{Nd}', S: PY_SPACE };
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      const e = inClass ? classEscape(src, i, k) : escape(src, i, k);
      // \b and \B become groups in JS, where a quantifier would be accepted
      if (!inClass && (src[i + 1] === 'b' || src[i + 1] === 'B') && isQuantifier(src, e.end)) {
        throw new PyReError(`nothing to repeat at position ${e.end}`);
      }
      out += e.text;
      i = e.end - 1;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    if (f.verbose && ' \t\n\r\v\f'.includes(c)) continue;
    if (f.verbose && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += '[';
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (c === '{') {
      const q = QUANTIFIER.exec(src.slice(i));
      if (q && (q[1] !== '' || q[2] !== undefined)) {
        out += `{${q[1] || '0'}${q[2] ?? ''}${q[3] ?? ''}}`;
        i += q[0].length - 1;
      } else out += '\\{';
    } else if (c === '}' || c === ']') out += '\\' + c;
    else if (c === '.') out += f.dotall ? '[\\s\\S]' : '[^\\n]';
    else if (c === '^') out += f.multiline ? '(?<![^\\n])' : '(?<![\\s\\S])';
    else if (c === '$') out += f.multiline ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
    else if (c === '(' && src[i + 1] === '?') {
      const g = group(src, i);
      out += g.text;
      i = g.end - 1;
    } else out += c;
  }
  return out;
}

const QUANTIFIER = /^\{(\d*)(?:(,)(\d*))?\}/;

// True when a repeat (* + ? {m,n}) starts at i.
function isQuantifier(src: string, i: number): boolean {
  if ('*+?'.includes(src[i] ?? 'x')) return true;
  const q = QUANTIFIER.exec(src.slice(i));
  return q !== null && (q[1] !== '' || q[2] !== undefined);
}

// A `(?...` construct at i: Python-only syntax translated, the rest left to JS.
function group(src: string, i: number): { text: string; end: number } {
  if (src.startsWith('(?P<', i)) return { text: '(?<', end: i + 4 };
  if (src.startsWith('(?P=', i)) {
    const end = src.indexOf(')', i);
    if (end < 0) throw new PyReError(`missing ), unterminated name at position ${i + 4}`);
    return { text: `\\k<${src.slice(i + 4, end)}>`, end: end + 1 };
  }
  if (src.startsWith('(?#', i)) {
    const end = src.indexOf(')', i);
    if (end < 0) throw new PyReError(`missing ), unterminated comment at position ${i}`);
    return { text: '', end: end + 1 };
  }
  if (/^\(\?[aiLmsux]+\)/.test(src.slice(i))) {
    throw new PyReError(`global flags not at the start of the expression at position ${i}`);
  }
  return { text: '(?', end: i + 2 };
}

// A hex escape \xHH, \uHHHH, \UHHHHHHHH at i (the letter is src[i + 1]).
function hexEscape(src: string, i: number): { text: string; end: number } {
  const n = src[i + 1] as string;
  const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
  const hex = src.slice(i + 2, i + 2 + len);
  if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new PyReError(`incomplete escape \\${n}${hex.replace(/[^0-9a-fA-F].*$/, '')} at position ${i}`);
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) throw new PyReError(`bad escape \\${n}${hex} at position ${i}`);
  return { text: `\\u{${code.toString(16)}}`, end: i + 2 + len };
}

// An octal escape of up to three digits after the backslash at i (Python: at most \377).
function octalEscape(src: string, i: number): { text: string; end: number } {
  const digits = /^[0-7]{1,3}/.exec(src.slice(i + 1))?.[0] ?? '0';
  const code = parseInt(digits, 8);
  if (code > 0o377) throw new PyReError(`octal escape value \\${digits} outside of range 0-0o377 at position ${i}`);
  return { text: `\\u{${code.toString(16)}}`, end: i + 1 + digits.length };
}

function badEscape(src: string, i: number): never {
  throw new PyReError(`bad escape \\${src[i + 1] ?? ''} at position ${i}`);
}

// An escape outside a character class (sre_parse._escape).
function escape(src: string, i: number, k: Classes): { text: string; end: number } {
  const n = src[i + 1];
  if (n === undefined) throw new PyReError(`bad escape (end of pattern) at position ${i}`);
  const end = i + 2;
  const word = `[${k.W}]`;
  switch (n) {
    case 'A': return { text: '(?<![\\s\\S])', end };
    case 'Z': return { text: '(?![\\s\\S])', end };
    case 'b': return { text: `(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))`, end };
    case 'B': return { text: `(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`, end };
    case 'w': case 'd': case 's': return { text: `[${k[n.toUpperCase() as keyof Classes]}]`, end };
    case 'W': case 'D': case 'S': return { text: `[^${k[n as keyof Classes]}]`, end };
    case 'x': case 'u': case 'U': return hexEscape(src, i);
    case '0': return octalEscape(src, i);
  }
  if (SIMPLE[n] !== undefined) return { text: SIMPLE[n] as string, end };
  if (/[1-9]/.test(n)) {
    // three octal digits are a character, else one or two digits are a group reference
    if (/^[0-7]{3}/.test(src.slice(i + 1))) return octalEscape(src, i);
    const ref = /^\d{1,2}/.exec(src.slice(i + 1))?.[0] as string;
    return { text: `(?:\\${ref})`, end: i + 1 + ref.length };
  }
  if (/[A-Za-z]/.test(n)) badEscape(src, i);
  return { text: literal(n), end };
}

// An escape inside a character class (sre_parse._class_escape).
function classEscape(src: string, i: number, k: Classes): { text: string; end: number } {
  const n = src[i + 1];
  if (n === undefined) throw new PyReError(`bad escape (end of pattern) at position ${i}`);
  const end = i + 2;
  switch (n) {
    case 'w': case 'd': case 's': return { text: k[n.toUpperCase() as keyof Classes], end };
    case 'D': return { text: k.D === '0-9' ? '\\D' : '\\P{Nd}', end };
    case 'W': case 'S': return { text: '\\' + n, end };
    case 'b': return { text: '\\x08', end };
    case 'x': case 'u': case 'U': return hexEscape(src, i);
  }
  if (SIMPLE[n] !== undefined) return { text: SIMPLE[n] as string, end };
  if (/[0-7]/.test(n)) return octalEscape(src, i);
  if (/[A-Za-z0-9]/.test(n)) badEscape(src, i);
  return { text: n === '-' || n === ']' || n === '[' || n === '^' || n === '\\' ? '\\' + n : literal(n), end };
}

// An escaped character: JS needs the backslash only if it is syntax.
function literal(n: string): string {
  return SYNTAX.includes(n) ? '\\' + n : n;
}
