// tempfile: creates a temporary file or directory on the host (mktemp) and returns its path
// with the file attributes Ansible adds; not supported in check mode (skipped, like Ansible).
import { posix } from 'node:path';
import { raw, sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';
import { attrResult } from './lib/file-attrs.js';
import { readPath } from './lib/remote-file.js';

// Arguments of tempfile.
export const schema = {
  type: 'object',
  properties: {
    state: { enum: ['file', 'directory'], default: 'file', description: 'create a file or a directory' },
    path: { type: 'string', description: 'the directory to create it in (default: $TMPDIR or /tmp)' },
    prefix: { type: ['string', 'number'], default: 'ansible.', description: 'name prefix' },
    suffix: { type: ['string', 'number'], default: '', description: 'name suffix' },
  },
  additionalProperties: false,
} as const;

// The tempfile module: always a change; mktemp in apply.
export default defineModule({
  name: 'tempfile',
  summary: 'Create a temporary file or directory',
  schema,
  freeForm: 'kv',
  checkMode: 'skipped (remote module does not support check mode)',
  example: '- tempfile:\n    state: directory\n    suffix: build\n  register: builddir',
  async probe(_ctx, args) {
    const dir = args.state === 'directory';
    const prefix = String(args.prefix);
    const suffix = String(args.suffix);
    const where = args.path ? sh`--tmpdir=${args.path}` : raw('--tmpdir');
    const cmd = sh`p=$(mktemp ${raw(dir ? '-d ' : '')}${where} --suffix=${suffix} ${`${prefix}XXXXXXXX`}) && case "$p" in /*) printf %s "$p";; *) printf %s "$PWD/$p";; esac`;
    return {
      changed: true,
      checkResult: { changed: false, skipped: true, msg: 'remote module (tempfile) does not support check mode' },
      apply: async (actx) => {
        const r = await actx.host_.run(cmd, actx.execDefaults);
        if (r.rc !== 0) return { changed: false, failed: true, msg: r.stderr.trim().replace(/^mktemp: /, '') || `mktemp exited ${r.rc}` };
        const path = posix.normalize(r.stdout);
        return { changed: true, path, ...attrResult(await readPath(actx.host_, path)) };
      },
    };
  },
});
