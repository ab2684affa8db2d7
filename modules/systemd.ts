// systemd: start, stop, restart, reload, enable, mask a unit (snap units such as
// snap.microk8s.daemon-kubelite included), probing its state with one `systemctl show`.
import { sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type ArgsOf, type ModuleResult, type Probe, type ProbeContext } from '../engine/module.js';
import { describeUnit, isEnabled, isMasked, isRunning, readUnit, type UnitStatus } from './lib/systemd-unit.js';
import { unitRole } from '../engine/cluster/units.js';
import type { Disruption } from '../engine/cluster/disruption.js';

// The systemd arguments (validation, `tsplay modules systemd` and the argument type).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', aliases: ['service', 'unit'], description: 'the unit, e.g. kubelet or snap.microk8s.daemon-k8s-dqlite' },
    state: { enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped are idempotent; restarted and reloaded always act (reloaded starts a stopped unit)' },
    enabled: { type: 'boolean', description: 'whether the unit starts at boot' },
    masked: { type: 'boolean', description: 'whether the unit is masked (cannot be started at all)' },
    daemon_reload: { type: 'boolean', default: false, aliases: ['daemon-reload'], description: 'run systemctl daemon-reload first (runs when there is no name, when the unit needs it, or when anything else changes)' },
    no_block: { type: 'boolean', default: false, description: 'do not wait for the start/stop job to finish (--no-block)' },
    scope: { enum: ['system'], description: 'only the system manager is supported' },
  },
  additionalProperties: false,
} as const;

// The arguments as the module receives them (aliases renamed, defaults applied by the engine).
export type SystemdArgs = ArgsOf<typeof schema>;
type State = NonNullable<SystemdArgs['state']>;

// The systemctl verb for a state, or undefined when the unit is already there (Ansible's rules).
function stateVerb(state: State | undefined, st: UnitStatus): 'start' | 'stop' | 'restart' | 'reload' | undefined {
  if (state === 'started') return isRunning(st) ? undefined : 'start';
  if (state === 'stopped') return isRunning(st) || st['ActiveState'] === 'deactivating' ? 'stop' : undefined;
  if (state === 'restarted') return 'restart';
  if (state === 'reloaded') return isRunning(st) ? 'reload' : 'start';
  return undefined;
}

function stateWord(st: UnitStatus): string {
  return `${isRunning(st) ? 'started' : 'stopped'} (${st['ActiveState'] ?? '?'}/${st['SubState'] ?? '?'})`;
}

async function systemctl(actx: ApplyContext, cmd: ShellCommand, what: string): Promise<string | undefined> {
  const r = await actx.host_.run(cmd, actx.execDefaults);
  if (r.rc === 0) return undefined;
  return `Unable to ${what}: ${(r.stderr || r.stdout).trim()}`;
}

// A stop or restart of a unit that runs a cluster component (systemd and service).
export function unitDisruption(name: string | undefined, state: string | undefined): Disruption | undefined {
  if (!name || (state !== 'stopped' && state !== 'restarted')) return undefined;
  const role = unitRole(name);
  return role ? { kind: 'service', what: `${state === 'stopped' ? 'stop' : 'restart'} of ${name}`, datastore: role === 'datastore' } : undefined;
}

export default defineModule({
  name: 'systemd',
  aliases: ['systemd_service'],
  summary: 'Manage a systemd unit: state, enabled, masked, daemon-reload (snap units included)',
  schema,
  freeForm: 'kv',
  checkMode: 'reads the unit with systemctl show and reports the state/enabled/masked changes as a diff; runs nothing',
  example: '- systemd:\n    name: snap.microk8s.daemon-kubelite\n    state: restarted',
  disruptive: (args) => unitDisruption(args.name, args.state),
  probe: (ctx, args) => probeSystemd(ctx, args),
});

/** what the service module adds: seconds between the stop and the start of a restart */
export interface RestartOptions {
  sleep?: number | undefined;
}

// The systemd probe, shared with the service module (which may restart as stop, sleep, start).
export async function probeSystemd(ctx: ProbeContext, args: SystemdArgs, opts: RestartOptions = {}): Promise<Probe> {
  const name = args.name;
  const reload = args.daemon_reload;
  if (!name) {
    if (args.state !== undefined || args.enabled !== undefined || args.masked !== undefined) return { changed: false, failed: 'name is required with state, enabled or masked' };
    if (!reload) return { changed: false, failed: 'one of name or daemon_reload is required' };
    return { changed: true, result: { name: null }, apply: async (actx) => {
      const err = await systemctl(actx, sh`systemctl daemon-reload`, 'run daemon-reload');
      return err ? { changed: false, failed: true, msg: err } : { changed: true, name: null };
    } };
  }
  let st: UnitStatus;
  try {
    st = await readUnit(ctx.host_, name);
  } catch (e) {
    return { changed: false, failed: e instanceof Error ? e.message : String(e) };
  }
  const base: ModuleResult = { name, status: st };
  if (args.state !== undefined) base['state'] = args.state;
  if (args.enabled !== undefined) base['enabled'] = args.enabled;
  if (st['LoadState'] === 'not-found' && (args.state !== undefined || args.enabled !== undefined || args.masked === true)) {
    return { changed: false, result: base, failed: `Could not find the requested service ${name}: host` };
  }
  if (args.masked === true && args.state !== undefined && args.state !== 'stopped') {
    return { changed: false, result: base, failed: `Unable to ${args.state} service ${name}: masked: true contradicts state: ${args.state}` };
  }
  const verb = stateVerb(args.state, st);
  const mask = args.masked !== undefined && args.masked !== isMasked(st) ? (args.masked ? 'mask' : 'unmask') : undefined;
  const enable = args.enabled !== undefined && args.enabled !== isEnabled(st) ? (args.enabled ? 'enable' : 'disable') : undefined;
  const needReload = reload && (st['NeedDaemonReload'] === 'yes' || Boolean(mask || enable || verb));
  const changed = Boolean(mask || enable || verb || needReload);
  const before = [`state: ${stateWord(st)}`, `enabled: ${isEnabled(st)} (${st['UnitFileState'] || 'none'})`, `masked: ${isMasked(st)}`];
  const after = [
    `state: ${verb === 'restart' ? 'restarted' : verb === 'reload' ? 'reloaded' : verb === 'start' ? 'started' : verb === 'stop' ? 'stopped' : stateWord(st)}`,
    `enabled: ${enable ? args.enabled : isEnabled(st)}${enable ? '' : ` (${st['UnitFileState'] || 'none'})`}`,
    `masked: ${mask ? args.masked : isMasked(st)}`,
  ];
  if (needReload) {
    before.unshift('daemon-reload: pending');
    after.unshift('daemon-reload: done');
  }
  const diff = [{ before_header: `${name} (${describeUnit(st)})`, after_header: name, before: before.join('\n') + '\n', after: after.join('\n') + '\n' }];
  return {
    changed,
    result: { ...base, changed },
    diff,
    apply: async (actx) => {
      const noBlock = args.no_block ? sh`--no-block ` : sh``;
      const steps: [ShellCommand, string][] = [];
      if (needReload) steps.push([sh`systemctl daemon-reload`, 'run daemon-reload']);
      if (mask) steps.push([sh`systemctl ${mask} ${name}`, `${mask} service ${name}`]);
      if (enable) steps.push([sh`systemctl ${enable} ${name}`, `${enable} service ${name}`]);
      const sleep = verb === 'restart' && opts.sleep ? opts.sleep : 0;
      if (sleep) steps.push([sh`systemctl ${noBlock}stop ${name}`, `stop service ${name}`], [sh`systemctl ${noBlock}start ${name}`, `start service ${name}`]);
      else if (verb) steps.push([sh`systemctl ${noBlock}${verb} ${name}`, `${verb} service ${name}`]);
      for (const [cmd, what] of steps) {
        if (sleep && what.startsWith('start ')) await delay(sleep * 1000, actx.signal);
        const err = await systemctl(actx, cmd, what);
        if (err) return { ...base, changed: true, failed: true, msg: err };
      }
      return { ...base, changed: true };
    },
  };
}

// Waits ms (the service module's sleep), cut short by an interrupt.
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
