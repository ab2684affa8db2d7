// snap: installs, removes, enables or disables snaps and sets their options, compatible with
// community.general.snap: name is a list, present installs missing snaps (classic, channel) and
// refreshes an installed snap whose tracked channel differs from an explicitly given one.
// Refreshing or removing microk8s is a cluster disruption (the run's safety admits it).
import { sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type HostReader, type ModuleResult, type Probe } from '../engine/module.js';
import { packageRole } from '../engine/cluster/units.js';

// The snap arguments (community.general.snap's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    name: { type: ['array', 'string'], items: { type: 'string' }, description: 'the snaps' },
    state: { enum: ['absent', 'present', 'enabled', 'disabled'], default: 'present', description: 'installed (present), removed, enabled or disabled' },
    classic: { type: 'boolean', default: false, description: 'install with --classic (one snap at a time)' },
    channel: { type: 'string', description: 'the channel to install from, e.g. 1.29/stable (default stable); an installed snap tracking another channel is refreshed to it' },
    options: { type: 'array', items: { type: 'string' }, description: 'configuration, KEY=VALUE (all snaps) or SNAP:KEY=VALUE' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

/** an installed snap from `snap list` */
interface Installed {
  tracking: string;
  disabled: boolean;
}

// Parses `snap list` (Name Version Rev Tracking Publisher Notes).
export function parseSnapList(out: string): Map<string, Installed> {
  const snaps = new Map<string, Installed>();
  for (const line of out.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 4 && f[0]) snaps.set(f[0], { tracking: f[3] ?? '', disabled: (f[5] ?? '').split(',').includes('disabled') });
  }
  return snaps;
}

// `stable` and `latest/stable` are one channel.
const sameChannel = (a: string, b: string) => a.replace(/^latest\//, '') === b.replace(/^latest\//, '');

function namesOf(v: string | string[]): string[] {
  return (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);
}

export default defineModule({
  name: 'snap',
  aliases: ['community.general.snap'],
  summary: 'Install, refresh to a channel, remove, enable or disable snaps, and set their options',
  schema,
  freeForm: 'kv',
  checkMode: 'reads snap list and snap get; reports what would be installed, refreshed, removed or set',
  example: '- snap:\n    name: microk8s\n    classic: true\n    channel: 1.29/stable',
  disruptive(args) {
    const hit = namesOf(args.name).find((n) => packageRole(n) !== undefined);
    if (!hit || (args.state === 'present' && args.channel === undefined) || args.state === 'enabled') return undefined;
    return { kind: 'packages', what: `snap ${args.state === 'present' ? `refresh --channel=${args.channel}` : args.state} ${hit}`, datastore: packageRole(hit) === 'datastore' };
  },
  async probe(ctx, args): Promise<Probe> {
    const names = namesOf(args.name);
    if (args.classic && names.length > 1 && args.state === 'present') return { changed: false, failed: 'Snaps with classic confinement can only be installed one at a time' };
    const list = await ctx.host_.query(sh`snap list ${names} 2>/dev/null; true`);
    const installed = parseSnapList(list.stdout);
    const channel = args.channel ?? 'stable';
    const cmds: ShellCommand[] = [];
    const done: string[] = [];
    for (const n of names) {
      const have = installed.get(n);
      if (args.state === 'present' && !have) cmds.push(sh`snap install ${n}${args.classic ? sh` --classic` : sh``} ${`--channel=${channel}`}`);
      else if (args.state === 'present' && have && args.channel !== undefined && !sameChannel(have.tracking, args.channel)) cmds.push(sh`snap refresh ${n} ${`--channel=${args.channel}`}`);
      else if (args.state === 'absent' && have) cmds.push(sh`snap remove ${n}`);
      else if (args.state === 'enabled' && have?.disabled) cmds.push(sh`snap enable ${n}`);
      else if (args.state === 'disabled' && have && !have.disabled) cmds.push(sh`snap disable ${n}`);
      else if ((args.state === 'enabled' || args.state === 'disabled') && !have) return { changed: false, failed: `snap ${n} is not installed` };
      else continue;
      done.push(n);
    }
    const opts = await optionCommands(ctx.host_, names, args.options ?? [], args.state);
    if (typeof opts === 'string') return { changed: false, failed: opts };
    const all = [...cmds, ...opts.cmds];
    const key = args.state === 'present' ? 'snaps_installed' : args.state === 'absent' ? 'snaps_removed' : `snaps_${args.state}`;
    const result: ModuleResult = { [key]: done, ...(opts.set.length ? { options_changed: opts.set } : {}) };
    if (all.length === 0) return { changed: false, result: { changed: false } };
    return {
      changed: true,
      result,
      diff: [{ prepared: all.map((c) => c.display).join('; ') }],
      apply: async (actx) => {
        for (const c of all) {
          const r = await actx.host_.run(c, actx.execDefaults);
          if (r.rc !== 0) return { ...result, changed: false, failed: true, rc: r.rc, stdout: r.stdout, stderr: r.stderr, cmd: c.display, msg: `Ooops! Snap operation failed while executing '${c.display}', please examine logs and error output for more details.` };
        }
        return { ...result, changed: true };
      },
    };
  },
});

// `snap set` for options whose current value differs (read with `snap get`).
async function optionCommands(host: HostReader, names: string[], options: string[], state: string): Promise<{ cmds: ShellCommand[]; set: string[] } | string> {
  const cmds: ShellCommand[] = [];
  const set: string[] = [];
  if (options.length === 0 || state === 'absent') return { cmds, set };
  for (const n of names) {
    for (const o of options) {
      const m = /^(?:([^:=]+):)?([^=]+)=(.*)$/.exec(o);
      if (!m) return `Option '${o}' is not a KEY=VALUE or SNAP:KEY=VALUE`;
      if (m[1] !== undefined && m[1] !== n) continue;
      const cur = await host.query(sh`snap get ${n} ${m[2]}`);
      if (cur.rc === 0 && cur.stdout.trim() === m[3]) continue;
      cmds.push(sh`snap set ${n} ${`${m[2]}=${m[3]}`}`);
      set.push(`${n}:${m[2]}=${m[3]}`);
    }
  }
  return { cmds, set };
}
