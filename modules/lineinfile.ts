// lineinfile: ensures a line is present (or absent) in a text file on the host.
import { defineModule } from '../engine/module.js';
import { ATTR_PROPERTIES, attrChanges, attrCommand, attrsOf } from './lib/file-attrs.js';
import { editLines } from './lib/lineinfile-edit.js';
import { readPath } from './lib/remote-file.js';
import { editValidateMessage, runValidate } from './lib/validate-cmd.js';
import { posix } from 'node:path';
import { sh } from '../engine/connection/command.js';
import { PyReError, withRegexTimeout } from '../engine/py/regex.js';

// The lineinfile arguments.
export const schema = {
  type: 'object',
  properties: {
    path: { type: 'string', aliases: ['dest', 'destfile', 'name'], description: 'the file' },
    line: { type: ['string', 'number', 'boolean'], description: 'the line to insert or replace with' },
    regexp: { type: 'string', description: 'Python regular expression selecting the line to replace or remove' },
    search_string: { type: 'string', description: 'literal string selecting the line' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'present or absent' },
    insertafter: { type: 'string', description: "EOF (default) or a regexp: insert after the last matching line" },
    insertbefore: { type: 'string', description: 'BOF or a regexp: insert before the last matching line' },
    firstmatch: { type: 'boolean', default: false, description: 'use the first match instead of the last' },
    backrefs: { type: 'boolean', default: false, description: 'expand \\1 in line from regexp groups; do nothing when regexp does not match' },
    create: { type: 'boolean', default: false, description: 'create the file when missing' },
    backup: { type: 'boolean', default: false, description: 'keep a copy of the old file' },
    validate: { type: 'string', description: 'command that must accept the new content before it is written; %s is a temporary file (split like a shell would, but not run by one)' },
    ...ATTR_PROPERTIES,
  },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'lineinfile',
  summary: 'Ensure a line is in (or not in) a file, replacing the line that matches regexp',
  schema,
  freeForm: 'kv',
  checkMode: 'computes the edit and shows the content diff; writes nothing',
  example: '- lineinfile:\n    path: /var/snap/microk8s/current/args/k8s-dqlite\n    line: --metrics-listen=127.0.0.1:9042',
  async probe(ctx, args) {
    const path = args.path ?? '';
    const state = args.state;
    if (state === 'present' && args.line === undefined) return { changed: false, failed: 'line is required with state=present' };
    if (state === 'absent' && args.line === undefined && args.regexp === undefined && args.search_string === undefined) return { changed: false, failed: 'one of line, regexp or search_string is required with state=absent' };
    const st = await readPath(ctx.host_, path, { content: true });
    if (st.type === 'absent' && state === 'absent') return { changed: false, result: { backup: '', msg: 'file not present' } };
    if (st.type === 'absent' && !args.create) return { changed: false, failed: `Destination ${path} does not exist !`, result: { rc: 257 } };
    const before = st.content ?? '';
    let edit: ReturnType<typeof editLines>;
    try {
      edit = withRegexTimeout(args.regexp ?? args.insertafter ?? args.insertbefore ?? '', () =>
        editLines(before, {
          ...(args.line !== undefined ? { line: String(args.line) } : {}),
          ...(args.regexp !== undefined ? { regexp: args.regexp } : {}),
          ...(args.search_string !== undefined ? { searchString: args.search_string } : {}),
          state,
          ...(args.insertafter !== undefined ? { insertafter: args.insertafter } : {}),
          ...(args.insertbefore !== undefined ? { insertbefore: args.insertbefore } : {}),
          firstmatch: args.firstmatch,
          backrefs: args.backrefs,
        }),
      );
    } catch (e) {
      if (e instanceof PyReError) return { changed: false, failed: `Unable to process the regular expression: ${e.message}` };
      throw e;
    }
    const attrs = attrChanges(st.type === 'absent' ? undefined : st, attrsOf(args));
    const changed = edit.changed || Object.keys(attrs).length > 0;
    const msg = edit.changed ? edit.msg : Object.keys(attrs).length > 0 ? 'ownership, perms or SE linux context changed' : edit.msg;
    const diff = [{ before_header: `${path} (content)`, after_header: `${path} (content)`, before, after: edit.content }];
    return {
      changed,
      result: { changed, msg, backup: '' },
      diff,
      apply: async (actx) => {
        if (edit.changed) {
          // like Ansible, `create` makes the missing directories of the path
          const dir = posix.dirname(path);
          if (st.type === 'absent' && dir !== '.' && dir !== '/') {
            const r = await actx.host_.run(sh`mkdir -p -- ${dir}`, actx.execDefaults);
            if (r.rc !== 0) return { changed: false, failed: true, msg: `Error creating ${dir} (${r.stderr.trim()})` };
          }
          if (args.validate !== undefined) {
            const v = await runValidate(actx, edit.content, args.validate);
            if (!v.ok) return { changed: false, failed: true, msg: editValidateMessage(v) };
          }
          await actx.host_.put(edit.content, path);
        }
        const fix = attrCommand(path, attrChanges(await readPath(actx.host_, path), attrsOf(args)));
        if (fix) {
          const r = await actx.host_.run(fix, actx.execDefaults);
          if (r.rc !== 0) return { changed: true, failed: true, msg: r.stderr.trim() };
        }
        return { changed: true, msg, backup: '' };
      },
    };
  },
});
