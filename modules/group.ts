// group: a local group (getent group; groupadd / groupmod / groupdel), like Ansible's group.
import { sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';

// The group arguments (ansible-core 2.14's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'the group' },
    gid: { type: 'integer', description: 'the group id' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'whether the group exists' },
    system: { type: 'boolean', default: false, description: 'create a system group (groupadd -r)' },
    local: { type: 'boolean', default: false, description: 'accepted; groups are managed with groupadd (local files)' },
    non_unique: { type: 'boolean', default: false, description: 'allow a gid already in use (-o)' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'group',
  summary: 'Create, change the gid of, or remove a local group',
  schema,
  freeForm: 'kv',
  checkMode: 'reads getent group; reports what would change',
  example: '- group:\n    name: docker\n    system: true',
  async probe(ctx, args) {
    const r = await ctx.host_.query(sh`getent group ${args.name}`);
    const fields = r.rc === 0 ? r.stdout.trim().split(':') : undefined;
    const gid = fields ? Number(fields[2]) : undefined;
    const base = { name: args.name, state: args.state, system: args.system };
    let cmd;
    if (args.state === 'absent') cmd = fields ? sh`groupdel ${args.name}` : undefined;
    else if (!fields) cmd = sh`groupadd${args.gid !== undefined ? sh` -g ${String(args.gid)}` : sh``}${args.non_unique ? sh` -o` : sh``}${args.system ? sh` -r` : sh``} ${args.name}`;
    else if (args.gid !== undefined && args.gid !== gid) cmd = sh`groupmod -g ${String(args.gid)}${args.non_unique ? sh` -o` : sh``} ${args.name}`;
    const after = args.state === 'present' ? { gid: args.gid ?? gid ?? null } : {};
    if (!cmd) return { changed: false, result: { changed: false, ...base, ...(args.state === 'present' ? { gid } : {}) } };
    const c = cmd;
    return {
      changed: true,
      result: { ...base, ...after },
      diff: [{ prepared: `group ${args.name}: ${fields ? `gid ${gid}` : 'absent'} -> ${args.state === 'absent' ? 'absent' : `gid ${args.gid ?? '(next free)'}`}` }],
      apply: async (actx) => {
        const res = await actx.host_.run(c, actx.execDefaults);
        if (res.rc !== 0) return { ...base, changed: false, failed: true, msg: res.stderr.trim() };
        const now = await actx.host_.query(sh`getent group ${args.name}`);
        return { ...base, changed: true, ...(args.state === 'present' ? { gid: Number(now.stdout.split(':')[2]) } : {}) };
      },
    };
  },
});
