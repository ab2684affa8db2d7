// blockinfile: keeps a block of lines between marker lines in a file on the host
// (inserted, updated in place or removed), with Ansible's messages.
import { withRegexTimeout } from '../engine/py/regex.js';
import { defineModule } from '../engine/module.js';
import { editBlock } from './lib/blockinfile-edit.js';
import { ATTR_PROPERTIES, attrsOf } from './lib/file-attrs.js';
import { applyEdit, attrMessage, readEditTarget } from './lib/replace-write.js';

// Arguments of blockinfile (Ansible 2.14's, plus mode/owner/group).
export const schema = {
  type: 'object',
  properties: {
    path: { type: 'string', aliases: ['dest', 'destfile', 'name'], description: 'the file to edit' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'whether the block is there' },
    marker: { type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK', description: 'the marker line template; {mark} becomes marker_begin/marker_end' },
    marker_begin: { type: 'string', default: 'BEGIN', description: 'replaces {mark} in the first marker' },
    marker_end: { type: 'string', default: 'END', description: 'replaces {mark} in the last marker' },
    block: { type: ['string', 'number', 'boolean'], default: '', aliases: ['content'], description: 'the lines between the markers; empty removes the block' },
    insertafter: { type: 'string', description: 'EOF (default) or a regexp: insert after the last matching line' },
    insertbefore: { type: 'string', description: 'BOF or a regexp: insert before the last matching line' },
    create: { type: 'boolean', default: false, description: 'create the file when missing' },
    backup: { type: 'boolean', default: false, description: 'keep a timestamped copy of the old file' },
    validate: { type: 'string', description: 'command that must accept the new content before it is written; %s is a temporary file' },
    ...ATTR_PROPERTIES,
  },
  additionalProperties: false,
} as const;

// The blockinfile module: pure edit in the probe, write (backup, validate, attrs) in apply.
export default defineModule({
  name: 'blockinfile',
  summary: 'Insert, update or remove a block of lines surrounded by marker lines',
  schema,
  freeForm: 'kv',
  checkMode: 'computes the edit and shows the content diff; writes nothing',
  example: '- blockinfile:\n    path: /etc/hosts\n    block: |\n      10.0.0.1 node1\n      10.0.0.2 node2',
  async probe(ctx, args) {
    if (args.path && args.insertafter !== undefined && args.insertbefore !== undefined) return { changed: false, failed: 'parameters are mutually exclusive: insertbefore|insertafter' };
    const target = await readEditTarget(ctx.host_, args.path, args.create);
    if (!target.ok) return target.probe;
    const { path, st } = target;
    const exists = st.type !== 'absent';
    if (!exists && args.state === 'absent') return { changed: false, result: { changed: false, msg: `File ${path} not present` } };
    const original = exists ? (st.content ?? '') : null;
    let edit;
    try {
      edit = withRegexTimeout(args.insertafter ?? args.insertbefore ?? '', () =>
        editBlock(original, {
          block: String(args.block),
          marker: args.marker,
          markerBegin: args.marker_begin,
          markerEnd: args.marker_end,
          state: args.state,
          ...(args.insertafter !== undefined ? { insertafter: args.insertafter } : {}),
          ...(args.insertbefore !== undefined ? { insertbefore: args.insertbefore } : {}),
        }),
      );
    } catch (e) {
      return { changed: false, failed: `Unable to edit ${path}: ${(e as Error).message}` };
    }
    const attrs = attrsOf(args);
    const { msg, changed } = exists || !ctx.checkMode ? attrMessage(exists ? st : undefined, attrs, edit.changed, edit.msg) : { msg: edit.msg, changed: edit.changed };
    const header = `${path} (content)`;
    const diff = [{ before_header: header, after_header: header, before: original ?? '', after: edit.content }];
    const write = { path, mkdirs: !exists, attrs, backup: args.backup, content: edit.changed ? edit.content : undefined, validate: args.validate };
    return { changed, result: { changed, msg }, diff, apply: applyEdit(write, { msg }) };
  },
});
