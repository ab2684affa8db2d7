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

// A few lines of source around the position with a caret under the offending text.
export function codeFrame(pos: SourcePos, context = 2): string {
  const text = sourceText(pos.file);
  if (text === undefined) return '';
  const lines = text.split('\n');
  const { line, col } = lineCol(pos.file, pos.offset);
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line + 1);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const l = lines[n - 1] ?? '';
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${l}`);
    if (n === line) {
      const len = Math.max(1, Math.min(pos.length ?? 1, l.length - col + 1));
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, col - 1))}${'^'.repeat(len)}`);
    }
  }
  return out.join('\n');
}
