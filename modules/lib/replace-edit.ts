// The pure text edit behind the replace module (Ansible 2.14's rules: the regexp is
// MULTILINE, after/before narrow the section with a DOTALL pattern, the count is reported).
import { compilePyRe } from '../../engine/py/regex.js';
import { pySearch, pySubn } from '../../engine/py/regex-sub.js';

// The replace arguments the edit needs.
export interface ReplaceEdit {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
}

// The edited text and Ansible's message.
export interface ReplaceResult {
  content: string;
  changed: boolean;
  msg: string;
  /** number of substitutions (also counted when they change nothing) */
  count: number;
}

// Applies the replacement to `content` and says what happened, with Ansible's message.
export function editReplace(content: string, e: ReplaceEdit): ReplaceResult {
  let pattern = '';
  if (e.after && e.before) pattern = `${e.after}(?P<subsection>.*?)${e.before}`;
  else if (e.after) pattern = `${e.after}(?P<subsection>.*)`;
  else if (e.before) pattern = `(?P<subsection>.*)${e.before}`;
  let start = 0;
  let end = content.length;
  if (pattern) {
    const m = pySearch(compilePyRe(pattern, { dotall: true }, 'gd'), content);
    const at = m?.indices?.groups?.['subsection'];
    if (!at) return { content, changed: false, msg: `Pattern for before/after params did not match the given file: ${pattern}`, count: 0 };
    [start, end] = at;
  }
  const section = content.slice(start, end);
  const r = pySubn(compilePyRe(e.regexp, { multiline: true }, 'g'), e.replace, section);
  if (r.count > 0 && r.text !== section) {
    return { content: content.slice(0, start) + r.text + content.slice(end), changed: true, msg: `${r.count} replacements made`, count: r.count };
  }
  return { content, changed: false, msg: '', count: r.count };
}

