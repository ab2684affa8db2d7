// lineinfile's text edit: backrefs write match.expand(line), the whole line, as ansible does.
import { describe, expect, it } from 'vitest';
import { editLines } from '../../modules/lib/lineinfile-edit.js';

describe('lineinfile backrefs', () => {
  it('replaces the whole matching line with the expanded template', () => {
    // ansible: b_new_line = match.expand(b_line), so "foo bar" becomes "Xb", not "foo Xb"
    const r = editLines('a\nfoo bar\n', { regexp: '(b)ar', line: 'X\\1', state: 'present', firstmatch: false, backrefs: true });
    expect(r).toEqual({ content: 'a\nXb\n', changed: true, msg: 'line replaced' });
  });
  it('reads patterns as bytes patterns (ASCII \\w)', () => {
    const r = editLines('é=1\n', { regexp: '^\\w=', line: 'x', state: 'present', firstmatch: false, backrefs: true });
    expect(r.changed).toBe(false);
  });
});
