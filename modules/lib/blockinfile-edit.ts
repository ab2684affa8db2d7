// The pure text edit behind blockinfile (Ansible 2.14's rules: markers found by exact
// line, otherwise inserted after/before the last line matching a regexp, EOF by default).
import { compilePyRe, splitInlineFlags } from '../../engine/py/regex.js';
import { pySearch } from '../../engine/py/regex-sub.js';

// The blockinfile arguments the edit needs.
export interface BlockEdit {
  block: string;
  marker: string;
  markerBegin: string;
  markerEnd: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
}

// The edited text and Ansible's message.
export interface BlockResult {
  content: string;
  changed: boolean;
  /** '', 'File created', 'Block removed' or 'Block inserted' */
  msg: string;
}

// Splits like Python's bytes.splitlines(keepends=True): on \n, \r\n and \r.
export function splitLinesKeep(s: string): string[] {
  return s.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

// Applies the block edit to `original` (null when the file does not exist yet); throws
// where Ansible's module crashes.
export function editBlock(original: string | null, e: BlockEdit): BlockResult {
  const lines = original === null ? [] : splitLinesKeep(original);
  const present = e.state === 'present';
  let insertafter = e.insertafter;
  const insertbefore = e.insertbefore;
  if (insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  const insertPattern = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : insertbefore !== undefined && insertbefore !== 'BOF' ? insertbefore : undefined;
  const marker0 = e.marker.split('{mark}').join(e.markerBegin) + '\n';
  const marker1 = e.marker.split('{mark}').join(e.markerEnd) + '\n';
  let blocklines: string[] = [];
  if (present && e.block) {
    const block = e.block.endsWith('\n') ? e.block : e.block + '\n';
    blocklines = [marker0, ...splitLinesKeep(block), marker1];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((line, i) => {
    if (line === marker0) n0 = i;
    if (line === marker1) n1 = i;
  });
  if (n0 === undefined || n1 === undefined) {
    n0 = insertPattern !== undefined ? insertAt(lines, original, insertPattern, insertafter !== undefined) : insertbefore !== undefined ? 0 : lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > lines.length) throw new Error('list index out of range: ansible-core 2.14 counts lines up to a byte offset here and fails the same way (non-ASCII text before a multiline insertafter/insertbefore match)');
  if (n0 > 0 && !(lines[n0 - 1] as string).endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blocklines);
  const result = lines.join('');
  if (original === result) return { content: result, changed: false, msg: '' };
  if (original === null) return { content: result, changed: true, msg: 'File created' };
  return { content: result, changed: true, msg: blocklines.length === 0 ? 'Block removed' : 'Block inserted' };
}

// Where the block goes when its markers are not in the file.
function insertAt(lines: string[], original: string | null, pattern: string, after: boolean): number {
  const re = compilePyRe(pattern, { ascii: true }, 'g');
  let n0: number | undefined;
  if (splitInlineFlags(pattern).flags.multiline) {
    const m = original === null ? null : pySearch(re, original);
    if (m) n0 = countNewlines(original ?? '', after ? m.index + m[0].length : m.index);
  } else {
    lines.forEach((line, i) => {
      if (pySearch(re, line)) n0 = i;
    });
  }
  if (n0 === undefined) return lines.length;
  return after ? n0 + 1 : n0;
}

// Ansible counts '\n' in the decoded text up to a *byte* offset of the match; same here.
function countNewlines(text: string, index: number): number {
  const bytes = Buffer.byteLength(text.slice(0, index));
  const chars = Array.from(text).slice(0, bytes).join('');
  return chars.split('\n').length - 1;
}
