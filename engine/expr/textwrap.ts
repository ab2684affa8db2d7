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

const isBlank = (s: string): boolean => s.trim() === '';
const len = (s: string): number => [...s].length;

/** TextWrapper options used by wordwrap */
export interface WrapOptions {
  width: number;
  breakLongWords: boolean;
  breakOnHyphens: boolean;
}

function handleLongWord(chunks: string[], line: string[], curLen: number, width: number, o: WrapOptions): void {
  const spaceLeft = width < 1 ? 1 : width - curLen;
  if (o.breakLongWords) {
    const chunk = [...(chunks.at(-1) as string)];
    let end = spaceLeft;
    if (o.breakOnHyphens && chunk.length > spaceLeft) {
      const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-');
      if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
    }
    line.push(chunk.slice(0, end).join(''));
    chunks[chunks.length - 1] = chunk.slice(end).join('');
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
      const l = len(chunks.at(-1) as string);
      if (curLen + l > o.width) break;
      line.push(chunks.pop() as string);
      curLen += l;
    }
    if (chunks.length > 0 && len(chunks.at(-1) as string) > o.width) {
      handleLongWord(chunks, line, curLen, o.width, o);
      curLen = line.reduce((n, c) => n + len(c), 0);
    }
    if (line.length > 0 && isBlank(line.at(-1) as string)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}
