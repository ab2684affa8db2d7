// The pure text edit behind lineinfile (Ansible's rules for regexp, insertafter,
// insertbefore, firstmatch, backrefs and state=absent).
import { compilePyRe } from '../../engine/py/regex.js';
import { expandTemplate } from '../../engine/py/regex-sub.js';

// Ansible compiles these patterns as bytes: \w \d \s \b are ASCII only.
const bytesPattern = (pattern: string): RegExp => compilePyRe(pattern, { ascii: true });

export interface LineEdit {
  line?: string;
  regexp?: string;
  searchString?: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  firstmatch: boolean;
  backrefs: boolean;
}

export interface EditResult {
  content: string;
  changed: boolean;
  msg: string;
}

// Applies the edit to `content` and says what happened.
export function editLines(content: string, e: LineEdit): EditResult {
  const lines = content === '' ? [] : content.split(/(?<=\n)/);
  const strip = (l: string) => l.replace(/\r?\n$/, '');
  const re = e.regexp !== undefined ? bytesPattern(e.regexp) : undefined;
  const matches = (l: string) => (re ? re.test(strip(l)) : e.searchString !== undefined ? strip(l).includes(e.searchString) : strip(l) === e.line);
  if (e.state === 'absent') {
    const kept = lines.filter((l) => !matches(l));
    const n = lines.length - kept.length;
    return { content: kept.join(''), changed: n > 0, msg: n > 0 ? `${n} line(s) removed` : '' };
  }
  const line = e.line ?? '';
  let idx = -1;
  for (let i = 0; i < lines.length; i++) if (matches(lines[i] as string)) { idx = i; if (e.firstmatch) break; }
  if (idx >= 0) {
    let newLine = line;
    // Ansible: match.expand(line), the whole line becomes the expanded template
    const m = e.backrefs && re ? re.exec(strip(lines[idx] as string)) : null;
    if (m) newLine = expandTemplate(line, m);
    if (strip(lines[idx] as string) === newLine) return { content, changed: false, msg: '' };
    lines[idx] = newLine + '\n';
    return { content: lines.join(''), changed: true, msg: 'line replaced' };
  }
  if (e.backrefs) return { content, changed: false, msg: '' };
  if (re && lines.some((l) => strip(l) === line)) return { content, changed: false, msg: '' };
  const at = insertIndex(lines, e, strip);
  if (at > 0 && !(lines[at - 1] as string).endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, line + '\n');
  return { content: lines.join(''), changed: true, msg: 'line added' };
}

function insertIndex(lines: string[], e: LineEdit, strip: (l: string) => string): number {
  if (e.insertbefore === 'BOF') return 0;
  if (e.insertbefore !== undefined) {
    const r = bytesPattern(e.insertbefore);
    let at = -1;
    for (let i = 0; i < lines.length; i++) if (r.test(strip(lines[i] as string))) { at = i; if (e.firstmatch) break; }
    return at >= 0 ? at : lines.length;
  }
  if (e.insertafter !== undefined && e.insertafter !== 'EOF') {
    const r = bytesPattern(e.insertafter);
    let at = -1;
    for (let i = 0; i < lines.length; i++) if (r.test(strip(lines[i] as string))) { at = i; if (e.firstmatch) break; }
    return at >= 0 ? at + 1 : lines.length;
  }
  return lines.length;
}
