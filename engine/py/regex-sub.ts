// Python's re.sub / re.subn / match.expand on JS RegExp: replacement templates (\1, \g<name>,
// \g<0>, \n, octal) with Python's errors, and 3.7+ substitution (an empty match next to a
// previous match counts).
import { PyReError } from './regex-syntax.js';

type TemplatePart = string | number | { name: string };

const cache = new Map<string, TemplatePart[]>();
const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

// Splits a template into literal text and group references (sre_parse.parse_template).
function parseTemplate(template: string): TemplatePart[] {
  const hit = cache.get(template);
  if (hit) return hit;
  const parts: TemplatePart[] = [];
  let lit = '';
  const ref = (p: number | { name: string }): void => {
    if (lit) parts.push(lit);
    lit = '';
    parts.push(p);
  };
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c !== '\\') {
      lit += c;
      continue;
    }
    const n = template[i + 1];
    if (n === undefined) throw new PyReError(`bad escape (end of pattern) at position ${i}`);
    const rest = template.slice(i + 1);
    if (n === 'g') {
      if (template[i + 2] !== '<') throw new PyReError(`missing < at position ${i + 2}`);
      const end = template.indexOf('>', i + 3);
      if (end < 0) throw new PyReError(`missing >, unterminated name at position ${i + 3}`);
      const name = template.slice(i + 3, end);
      if (name === '') throw new PyReError(`missing group name at position ${i + 3}`);
      if (/^\d+$/.test(name)) ref(Number(name));
      else if (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) ref({ name });
      else throw new PyReError(`bad character in group name '${name}' at position ${i + 3}`);
      i = end;
    } else if (/^[0-7]{3}/.test(rest) && n !== '0') {
      const code = parseInt(rest.slice(0, 3), 8);
      if (code > 0o377) throw new PyReError(`octal escape value \\${rest.slice(0, 3)} outside of range 0-0o377 at position ${i}`);
      lit += String.fromCharCode(code);
      i += 3;
    } else if (n === '0') {
      const digits = /^0[0-7]{0,2}/.exec(rest)?.[0] as string;
      lit += String.fromCharCode(parseInt(digits, 8) & 0xff);
      i += digits.length;
    } else if (/[1-9]/.test(n)) {
      const digits = /^\d{1,2}/.exec(rest)?.[0] as string;
      ref(Number(digits));
      i += digits.length;
    } else if (ESCAPES[n] !== undefined) {
      lit += ESCAPES[n];
      i++;
    } else if (/[A-Za-z]/.test(n)) throw new PyReError(`bad escape \\${n} at position ${i}`);
    else {
      lit += c + n;
      i++;
    }
  }
  if (lit) parts.push(lit);
  if (cache.size > 5000) cache.clear();
  cache.set(template, parts);
  return parts;
}

// Checks the template's group references against a pattern's groups, as re.sub does up front.
function checkGroups(parts: TemplatePart[], groups: number, names: string[]): void {
  for (const p of parts) {
    if (typeof p === 'number' && p > groups) throw new PyReError(`invalid group reference ${p}`);
    if (typeof p === 'object' && !names.includes(p.name)) throw new PyReError(`unknown group name '${p.name}'`);
  }
}

// Python's match.expand(template): the template with the match's groups (unmatched ones empty).
export function expandTemplate(template: string, m: RegExpExecArray): string {
  const parts = parseTemplate(template);
  checkGroups(parts, m.length - 1, Object.keys(m.groups ?? {}));
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if (typeof p === 'number') out += m[p] ?? '';
    else out += m.groups?.[p.name] ?? '';
  }
  return out;
}

// The first match at or after `from`, like Python's pattern.search(text, from) (re needs `g`).
export function pySearch(re: RegExp, text: string, from = 0): RegExpExecArray | null {
  re.lastIndex = from;
  return re.exec(text);
}

const shapes = new WeakMap<RegExp, { groups: number; names: string[] }>();

// How many groups a RegExp has and their names (by matching the empty string with `|`).
function groupsOf(re: RegExp): { groups: number; names: string[] } {
  let shape = shapes.get(re);
  if (!shape) {
    const m = new RegExp(`${re.source}|`, re.flags.replace(/[gyd]/g, '')).exec('') as RegExpExecArray;
    shape = { groups: m.length - 1, names: Object.keys(m.groups ?? {}) };
    shapes.set(re, shape);
  }
  return shape;
}

/** a substitution whose result would be longer than the caller's maximum */
export class SubstitutionTooLong extends Error {
  constructor(readonly length: number) {
    super(`the result of the substitution is longer than ${length} characters`);
  }
}

// Python's re.subn(pattern, template, text, count) with a `g` RegExp from compilePyRe; stops
// with SubstitutionTooLong once the result would pass maxLength (its pieces are collected in a
// list: 16 million one-character pieces appended to a string took 600 MB).
export function pySubn(re: RegExp, template: string, text: string, count = 0, maxLength = Infinity): { text: string; count: number } {
  const shape = groupsOf(re);
  checkGroups(parseTemplate(template), shape.groups, shape.names);
  const parts: string[] = [];
  let length = 0;
  const emit = (s: string): void => {
    length += s.length;
    if (length > maxLength) throw new SubstitutionTooLong(length);
    parts.push(s);
  };
  let last = 0;
  let pos = 0;
  let n = 0;
  let mustAdvance = false;
  while (pos <= text.length && (count <= 0 || n < count)) {
    let m = pySearch(re, text, pos);
    if (m && m[0] === '' && m.index === pos && mustAdvance) {
      if (pos >= text.length) break;
      m = pySearch(re, text, pos + step(text, pos));
    }
    if (!m) break;
    emit(text.slice(last, m.index));
    emit(expandTemplate(template, m));
    n++;
    last = m.index + m[0].length;
    pos = last;
    mustAdvance = m[0] === '';
  }
  emit(text.slice(last));
  return { text: parts.join(''), count: n };
}

// The length of the character at pos (2 for a surrogate pair).
function step(text: string, pos: number): number {
  const c = text.charCodeAt(pos);
  return c >= 0xd800 && c <= 0xdbff && pos + 1 < text.length ? 2 : 1;
}
