// replace: replaces every match of a Python regexp in a file on the host (optionally
// between `after` and `before`), reporting "N replacements made" like Ansible.
import { withRegexTimeout } from '../engine/py/regex.js';
import { defineModule } from '../engine/module.js';
import { ATTR_PROPERTIES, attrsOf } from './lib/file-attrs.js';
import { editReplace } from './lib/replace-edit.js';
import { applyEdit, attrMessage, readEditTarget } from './lib/replace-write.js';

// Arguments of replace (Ansible 2.14's, plus mode/owner/group).
export const schema = {
  type: 'object',
  properties: {
    path: { type: 'string', aliases: ['dest', 'destfile', 'name'], description: 'the file to edit' },
    regexp: { type: 'string', description: 'Python regular expression (MULTILINE) to replace' },
    replace: { type: ['string', 'number', 'boolean'], default: '', description: 'the replacement; \\1 and \\g<name> refer to groups' },
    after: { type: 'string', description: 'only replace after the first match of this regexp' },
    before: { type: 'string', description: 'only replace before this regexp' },
    backup: { type: 'boolean', default: false, description: 'keep a timestamped copy of the old file' },
    validate: { type: 'string', description: 'command that must accept the new content before it is written; %s is a temporary file' },
    encoding: { enum: ['utf-8', 'utf8'], description: 'only utf-8 is supported' },
    ...ATTR_PROPERTIES,
  },
  required: ['regexp'],
  additionalProperties: false,
} as const;

// The replace module: pure edit in the probe, write (backup, validate, attrs) in apply.
export default defineModule({
  name: 'replace',
  summary: 'Replace all matches of a regular expression in a file',
  schema,
  freeForm: 'kv',
  checkMode: 'computes the replacements and shows the content diff; writes nothing',
  example: "- replace:\n    path: /etc/hosts\n    regexp: '(\\s+)old\\.host\\.name(\\s+.*)?$'\n    replace: '\\1new.host.name\\2'",
  async probe(ctx, args) {
    const target = await readEditTarget(ctx.host_, args.path);
    if (!target.ok) return target.probe;
    const { path, st } = target;
    const before = st.content ?? '';
    let edit;
    try {
      edit = withRegexTimeout(args.regexp, () =>
        editReplace(before, {
          regexp: args.regexp,
          replace: String(args.replace),
          ...(args.after !== undefined ? { after: args.after } : {}),
          ...(args.before !== undefined ? { before: args.before } : {}),
        }),
      );
    } catch (e) {
      return { changed: false, failed: `Unable to process the regular expression: ${(e as Error).message}` };
    }
    const attrs = attrsOf(args);
    const { msg, changed } = attrMessage(st, attrs, edit.changed, edit.msg);
    const diff = edit.changed ? [{ before_header: path, after_header: path, before, after: edit.content }] : [];
    const write = { path, attrs, backup: args.backup, content: edit.changed ? edit.content : undefined, validate: args.validate };
    return { changed, result: { changed, msg, rc: 0 }, diff, apply: applyEdit(write, { msg, rc: 0 }) };
  },
});
