// Python's textwrap.wrap as Jinja's wordwrap filter calls it (expand_tabs=False,
// replace_whitespace=False, drop_whitespace=True): TextWrapper's chunk split and line filling.

import { ExprRuntimeError } from './errors.js';

const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WORD = '[\\p{L}\\p{N}_]';
const WP = '[\\p{L}\\p{N}_!"\'&.,?]';
const LT = '[\\p{L}_]';
// TextWrapper.wordsep_re (break_on_hyphens) and wordsep_simple_re.
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=${WORD})|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}${WORD})))`,
  'u',
);
const WORDSEP_SIMPLE = new RegExp(`(${WS}+)`, 'u');

const isBlank = (s: string): boolean => !/\S/u.test(s);
const len = (s: string): number => [...s].length;

// The code points of s counted up to max + 1 (enough to compare with max), without walking a long
// word to its end on every line (a 100 000-character word made wrapping quadratic: 40 s).
function lenUpTo(s: string, max: number): number {
  let n = 0;
  for (let i = 0; i < s.length && n <= max; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
  }
  return n;
}

// The UTF-16 index after the first k code points of s.
function indexAfter(s: string, k: number): number {
  let i = 0;
  for (let n = 0; n < k && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

/** TextWrapper options used by wordwrap */
export interface WrapOptions {
  width: number;
  breakLongWords: boolean;
  breakOnHyphens: boolean;
}

function handleLongWord(chunks: string[], line: string[], curLen: number, width: number, o: WrapOptions): void {
  const spaceLeft = width < 1 ? 1 : width - curLen;
  if (o.breakLongWords) {
    const chunk = chunks.at(-1) as string;
    let end = spaceLeft;
    if (o.breakOnHyphens && lenUpTo(chunk, spaceLeft) > spaceLeft) {
      const head = [...chunk.slice(0, indexAfter(chunk, spaceLeft))];
      const hyphen = head.lastIndexOf('-');
      if (hyphen > 0 && head.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
    }
    const cut = indexAfter(chunk, end);
    line.push(chunk.slice(0, cut));
    chunks[chunks.length - 1] = chunk.slice(cut);
  } else if (line.length === 0) line.push(chunks.pop() as string);
}

// textwrap.wrap(text, width, ...): the wrapped lines.
export function wrap(text: string, o: WrapOptions): string[] {
  if (!(o.width > 0)) throw new ExprRuntimeError(`invalid width ${o.width} (must be > 0)`);
  const chunks = text.split(o.breakOnHyphens ? WORDSEP : WORDSEP_SIMPLE).filter((c) => c !== '' && c !== undefined).reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let curLen = 0;
    if (isBlank(chunks.at(-1) as string) && lines.length > 0) chunks.pop();
    while (chunks.length > 0) {
      const l = lenUpTo(chunks.at(-1) as string, o.width - curLen);
      if (curLen + l > o.width) break;
      line.push(chunks.pop() as string);
      curLen += l;
    }
    if (chunks.length > 0 && lenUpTo(chunks.at(-1) as string, o.width) > o.width) {
      handleLongWord(chunks, line, curLen, o.width, o);
      curLen = line.reduce((n, c) => n + len(c), 0);
    }
    if (line.length > 0 && isBlank(line.at(-1) as string)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}
