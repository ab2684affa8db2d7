// hostname: sets the host name (hostnamectl on systemd hosts, else /etc/hostname and `hostname`),
// like Ansible's hostname module, and updates the ansible_hostname/nodename facts.
import { sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';

// The hostname arguments (ansible-core 2.14's names).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'the host name' },
    use: { enum: ['alpine', 'debian', 'freebsd', 'generic', 'macos', 'macosx', 'darwin', 'openbsd', 'openrc', 'redhat', 'sles', 'solaris', 'systemd'], description: 'the strategy; systemd (hostnamectl) or debian/generic (/etc/hostname); others are refused' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

const MARK = '@@tsplay-hostname@@';

// The facts Ansible's hostname module returns.
function facts(name: string) {
  const short = name.split('.')[0] ?? name;
  return { ansible_hostname: short, ansible_nodename: name, ansible_fqdn: name, ansible_domain: name.includes('.') ? name.slice(short.length + 1) : '' };
}

export default defineModule({
  name: 'hostname',
  summary: 'Set the host name (hostnamectl, or /etc/hostname and hostname)',
  schema,
  freeForm: 'kv',
  checkMode: 'reads the current and the permanent name; reports the diff',
  example: '- hostname:\n    name: k8s01',
  async probe(ctx, args) {
    if (args.use !== undefined && !['systemd', 'debian', 'generic'].includes(args.use)) return { changed: false, failed: `hostname: use=${args.use} is not supported (systemd, debian or generic)` };
    const r = await ctx.host_.query(sh`hostname; echo ${MARK}; cat /etc/hostname 2>/dev/null; echo ${MARK}; command -v hostnamectl || true`);
    const [current = '', permanent = '', ctl = ''] = r.stdout.split(`${MARK}\n`).map((s) => s.trim());
    const name = args.name;
    const result = { name, ansible_facts: facts(name) };
    if (current === name && permanent === name) return { changed: false, result: { changed: false, ...result } };
    const useCtl = args.use === 'systemd' || (args.use === undefined && ctl !== '');
    const cmd = useCtl ? sh`hostnamectl set-hostname ${name}` : sh`printf '%s\n' ${name} > /etc/hostname && hostname ${name}`;
    const diff = [{ before: `hostname = ${current}\n`, after: `hostname = ${name}\n` }];
    return {
      changed: true,
      result,
      diff,
      apply: async (actx) => {
        const res = await actx.host_.run(cmd, actx.execDefaults);
        return res.rc === 0 ? { ...result, changed: true } : { changed: false, failed: true, msg: `Command failed rc=${res.rc}, out=${res.stdout}, err=${res.stderr}` };
      },
    };
  },
});
