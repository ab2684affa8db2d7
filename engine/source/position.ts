// Turns a source offset into line:column and a code frame with a caret.
import { relative } from 'node:path';
import { sourceText } from './text.js';
import type { SourcePos } from '../diagnostics.js';

const lineStarts = new Map<string, number[]>();

function starts(file: string): number[] | undefined {
  let s = lineStarts.get(file);
  if (s) return s;
  const text = sourceText(file);
  if (text === undefined) return undefined;
  s = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) s.push(i + 1);
  lineStarts.set(file, s);
  return s;
}

// Forgets the line tables computed so far.
export function forgetLineStarts(): void {
  lineStarts.clear();
}

// 1-based line and column of an offset.
export function lineCol(file: string, offset: number): { line: number; col: number } {
  const s = starts(file);
  if (!s) return { line: 1, col: offset + 1 };
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((s[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - (s[lo] as number) + 1 };
}

// `file:line:col` with the path relative to the working directory when shorter.
export function formatPos(pos: SourcePos): string {
  const { line, col } = lineCol(pos.file, pos.offset);
  const rel = relative(process.cwd(), pos.file);
  const shown = rel && !rel.startsWith('..') && rel.length < pos.file.length ? rel : pos.file;
  return `${shown}:${line}:${col}`;
}

const FRAME_WIDTH = 160;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

// One line of a frame: at most FRAME_WIDTH characters from `start` (… marks what is cut), control
// characters shown as U+FFFD so they cannot drive the terminal.
function clip(l: string, start: number): string {
  const cut = l.slice(start, start + FRAME_WIDTH).replace(CONTROL, '\ufffd');
  return `${start > 0 ? '…' : ''}${cut}${l.length > start + FRAME_WIDTH ? '…' : ''}`;
}

// A few lines of source around the position with a caret under the offending text; long lines
// are shown as a window around the column.
export function codeFrame(pos: SourcePos, context = 2): string {
  const text = sourceText(pos.file);
  if (text === undefined) return '';
  const { line, col } = lineCol(pos.file, pos.offset);
  const s = starts(pos.file) ?? [0];
  const from = Math.max(1, line - context);
  const to = Math.min(s.length, line + 1);
  const lineAt = (n: number): string => {
    const begin = s[n - 1] ?? text.length;
    const end = n < s.length ? (s[n] as number) - 1 : text.length;
    return text.slice(begin, Math.max(begin, end));
  };
  const start = col - 1 > FRAME_WIDTH - 40 ? col - 1 - 80 : 0;
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const l = lineAt(n);
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${clip(l, n === line || l.length > start ? start : 0)}`);
    if (n === line) {
      const len = Math.max(1, Math.min(pos.length ?? 1, l.length - col + 1, FRAME_WIDTH - (col - 1 - start)));
      const pad = col - 1 - start + (start > 0 ? 1 : 0);
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, pad))}${'^'.repeat(len)}`);
    }
  }
  return out.join('\n');
}
