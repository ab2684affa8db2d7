// dpkg_selections: a package's dpkg selection (install, hold, deinstall, purge), as Ansible's
// dpkg_selections sets it with `dpkg --set-selections`; apt-mark hold is the same selection.
import { sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';
import { packageRole } from '../engine/cluster/units.js';

// The dpkg_selections arguments.
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'the package' },
    selection: { enum: ['install', 'hold', 'deinstall', 'purge'], description: 'the wanted selection' },
  },
  required: ['name', 'selection'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'dpkg_selections',
  summary: 'Set a package\'s dpkg selection (install, hold, deinstall, purge)',
  schema,
  freeForm: 'kv',
  checkMode: 'reads dpkg --get-selections; reports the before/after selection',
  example: '- dpkg_selections:\n    name: kubelet\n    selection: hold',
  // deinstall/purge mark a cluster package for removal at the next apt run
  disruptive: (args) => (packageRole(args.name) && (args.selection === 'deinstall' || args.selection === 'purge') ? { kind: 'packages', what: `dpkg selection ${args.selection} of ${args.name}`, datastore: packageRole(args.name) === 'datastore' } : undefined),
  async probe(ctx, args) {
    const r = await ctx.host_.query(sh`dpkg --get-selections ${args.name}`);
    const line = r.stdout.split('\n').find((l) => l.split(/\s+/)[0]?.replace(/:.*$/, '') === args.name);
    const before = line ? (line.trim().split(/\s+/)[1] ?? 'not present') : 'not present';
    const result = { before, after: args.selection };
    if (before === args.selection) return { changed: false, result: { changed: false, ...result } };
    const diff = [{ before: `${before}\n`, after: `${args.selection}\n`, before_header: args.name, after_header: args.name }];
    return {
      changed: true,
      result,
      diff,
      apply: async (actx) => {
        const res = await actx.host_.run(sh`dpkg --set-selections`, { ...actx.execDefaults, stdin: `${args.name} ${args.selection}\n` });
        return res.rc === 0 ? { ...result, changed: true } : { ...result, changed: false, failed: true, msg: res.stderr.trim() };
      },
    };
  },
});
