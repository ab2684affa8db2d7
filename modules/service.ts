// service: Ansible's generic service module. On the systemd hosts tsplay manages it acts through
// systemd (name, state, enabled, like Ansible's service action choosing the systemd backend);
// `sleep` makes a restart a stop, a pause and a start. pattern, runlevel and arguments only mean
// something to SysV/OpenRC init scripts and are accepted and reported as ignored, as Ansible does.
import { defineModule, type Probe } from '../engine/module.js';
import { probeSystemd, unitDisruption } from './systemd.js';

// The service arguments (ansible-core 2.14's names, aliases and defaults).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'the service (systemd unit) name' },
    state: { enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped are idempotent; restarted and reloaded always act' },
    enabled: { type: 'boolean', description: 'whether the service starts at boot' },
    sleep: { type: 'integer', description: 'restarted: seconds to wait between the stop and the start (the restart is then systemctl stop, a pause, systemctl start)' },
    pattern: { type: 'string', description: 'for init scripts without a status command (ignored on systemd, with a warning)' },
    runlevel: { type: 'string', default: 'default', description: 'OpenRC runlevel (ignored on systemd, with a warning when set)' },
    arguments: { type: 'string', default: '', aliases: ['args'], description: 'extra arguments for the init script (ignored on systemd, with a warning when set)' },
    use: { type: 'string', default: 'auto', description: 'the service manager: auto or systemd (the only one tsplay drives); service/sysvinit are refused' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

const BACKENDS = ['auto', 'systemd'];

export default defineModule({
  name: 'service',
  summary: 'Manage a service (through systemd): state, enabled; sleep between stop and start on restart',
  schema,
  freeForm: 'kv',
  checkMode: 'reads the unit with systemctl show and reports the state/enabled changes as a diff; runs nothing',
  example: '- service:\n    name: containerd\n    state: restarted\n    sleep: 5',
  disruptive: (args) => unitDisruption(args.name, args.state),
  async probe(ctx, args): Promise<Probe> {
    if (!BACKENDS.includes(args.use)) return { changed: false, failed: `service: use=${args.use} is not supported (tsplay drives systemd; use auto or systemd)` };
    if (args.state === undefined && args.enabled === undefined) return { changed: false, failed: 'one of the following is required: state, enabled' };
    const warnings: string[] = [];
    if (args.pattern !== undefined) warnings.push('Ignoring "pattern" as it is not used in "systemd"');
    if (args.runlevel !== 'default') warnings.push('Ignoring "runlevel" as it is not used in "systemd"');
    if (args.arguments !== '') warnings.push('Ignoring "arguments" as it is not used in "systemd"');
    const unit = { name: args.name, daemon_reload: false, no_block: false, ...(args.state ? { state: args.state } : {}), ...(args.enabled !== undefined ? { enabled: args.enabled } : {}) };
    const p = await probeSystemd(ctx, unit, { sleep: args.sleep });
    if (warnings.length === 0) return p;
    return { ...p, result: { ...(p.result ?? {}), warnings } };
  },
});
