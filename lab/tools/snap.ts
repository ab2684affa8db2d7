// The simulated `snap`: list, info, services, refresh (one minor at a time, via microk8s's
// pre-refresh hook), refresh --hold/--unhold, revert, start/stop/restart of microk8s services.
import { restartUnit, startUnit, stopUnit } from '../lifecycle.js';
import type { NodeSim } from '../node.js';
import type { LabSim } from '../sim.js';
import { minorNumber, minorOf, snapVersion, SNAP_REVISION, LATEST_PATCH } from '../versions.js';
import { fail, ok, parseOpts, tabwrite, text, type OptSpec, type ToolFn } from './util.js';

const SPECS: OptSpec[] = [
  { key: 'channel', long: ['channel'], arg: true }, { key: 'classic', long: ['classic'] }, { key: 'hold', long: ['hold'] }, { key: 'unhold', long: ['unhold'] },
  { key: 'disable', long: ['disable'] }, { key: 'enable', long: ['enable'] }, { key: 'stable', long: ['stable'] }, { key: 'all', long: ['all'] }, { key: 'list', long: ['list'] },
];
const DENIED = 'error: access denied (try with sudo)';
const previous = new WeakMap<NodeSim, { channel: string; version: string; revision: number }>();
const held = new WeakSet<NodeSim>();

function snapUnits(node: NodeSim) {
  return [...node.units.values()].filter((u) => u.id.startsWith('snap.microk8s.'));
}

function list(node: NodeSim, names: string[]): ReturnType<ToolFn> {
  const rows = [['Name', 'Version', 'Rev', 'Tracking', 'Publisher', 'Notes'], ['core20', '20240416', '2318', 'latest/stable', 'canonical**', 'base']];
  if (node.snap) rows.push(['microk8s', node.snap.version, String(node.snap.revision), node.snap.channel, 'canonical**', held.has(node) ? 'held,classic' : 'classic']);
  rows.push(['snapd', '2.63', '21759', 'latest/stable', 'canonical**', 'snapd']);
  const shown = names.length ? [rows[0] as string[], ...rows.slice(1).filter((r) => names.includes(r[0] as string))] : rows;
  if (shown.length === 1) return fail(1, names.length === 1 ? `error: no matching snaps installed` : 'No snaps are installed yet.');
  return ok(tabwrite(shown, 5, 2));
}

function info(node: NodeSim): string {
  const channels = Object.keys(LATEST_PATCH).sort((a, b) => minorNumber(b) - minorNumber(a)).map((t) => `  ${`${t}/stable:`.padEnd(17)} ${(snapVersion(t) ?? '').padEnd(9)} 2025-06-20 (${SNAP_REVISION[t]}) 172MB classic`);
  return text([
    'name:      microk8s', 'summary:   Kubernetes for workstations and appliances', 'publisher: Canonical**', 'store-url: https://snapcraft.io/microk8s', 'license:   Apache-2.0',
    'commands:', '  - microk8s', 'services:', ...snapUnits(node).map((u) => `  ${u.ident}: simple, ${u.fileState}, ${u.active}`),
    'snap-id:      EaXqgt1lyCaxKaQCU349mlodBkDCXRcg', ...(node.snap ? [`tracking:     ${node.snap.channel}`, 'refresh-date: today at 12:00 UTC'] : []),
    'channels:', ...channels, ...(node.snap ? [`installed:          ${node.snap.version.padEnd(9)}            (${node.snap.revision}) 172MB classic`] : []),
  ]);
}

// Restart every running microk8s service (what a refresh does).
function restartServices(sim: LabSim, node: NodeSim): void {
  for (const u of snapUnits(node)) if (u.active === 'active') restartUnit(sim, node, u);
}

function refresh(sim: LabSim, node: NodeSim, names: string[], channel: string | undefined, flags: { hold: boolean; unhold: boolean }, root: boolean): ReturnType<ToolFn> {
  if (!root) return fail(1, DENIED);
  if (flags.hold) {
    held.add(node);
    return ok(`General refreshes of ${names.map((n) => `"${n}"`).join(', ') || 'all snaps'} held indefinitely\n`);
  }
  if (flags.unhold) {
    held.delete(node);
    return ok(`Removed general refresh hold of ${names.map((n) => `"${n}"`).join(', ') || 'all snaps'}\n`);
  }
  if (!names.includes('microk8s')) return names.length ? ok('', `snap "${names[0]}" has no updates available\n`) : ok('', 'All snaps up to date.\n');
  if (!node.snap) return fail(1, 'error: snap "microk8s" is not installed');
  const want = channel ?? node.snap.channel;
  const track = /^latest(\/|$)/.test(want) ? Object.keys(LATEST_PATCH).sort((a, b) => minorNumber(b) - minorNumber(a))[0] ?? '' : minorOf(want);
  const version = snapVersion(track);
  if (!version || !/^(\d+\.\d+|latest)(\/(stable|candidate|beta|edge))?$/.test(want)) return fail(1, `error: requested channel "${want}" is not available (see 'snap info microk8s')`);
  if (version === node.snap.version) return ok('', `snap "microk8s" has no updates available\n`);
  const from = minorNumber(node.snap.version);
  const to = minorNumber(version);
  const hook = to < from ? `Downgrading MicroK8s from ${minorOf(node.snap.version)} to ${track} is not supported; use 'snap revert microk8s'` : to - from > 1 ? `Refreshing MicroK8s from ${minorOf(node.snap.version)} to ${track} skips a minor version; refresh one minor version at a time` : undefined;
  if (hook) return fail(1, `error: cannot perform the following tasks:\n- Run pre-refresh hook of "microk8s" snap if present (run hook "pre-refresh": ${hook})`);
  previous.set(node, { ...node.snap });
  node.snap = { channel: want.includes('/') ? want : `${want}/stable`, version, revision: SNAP_REVISION[track] ?? node.snap.revision + 1 };
  restartServices(sim, node);
  sim.refreshServerVersion();
  return ok(`microk8s (${node.snap.channel}) ${version} from Canonical** refreshed\n`);
}

function services(sim: LabSim, node: NodeSim, verb: string, targets: string[], root: boolean, flags: { enable: boolean; disable: boolean }): ReturnType<ToolFn> {
  if (!root) return fail(1, DENIED);
  const units = snapUnits(node).filter((u) => targets.some((t) => t === 'microk8s' ? u.active === 'active' || verb === 'start' : `snap.${t}.service` === u.id));
  if (units.length === 0) return fail(1, `error: snap "${targets[0] ?? ''}" has no services`);
  for (const u of units) {
    if (verb === 'stop') {
      stopUnit(sim, node, u);
      if (flags.disable) u.fileState = u.unmaskedState = 'disabled';
    } else if (verb === 'start') {
      if (flags.enable) u.fileState = u.unmaskedState = 'enabled';
      if (u.fileState === 'enabled' || targets.includes(`${u.ident}`)) startUnit(sim, node, u);
    } else restartUnit(sim, node, u);
  }
  return ok(`${verb === 'stop' ? 'Stopped' : verb === 'start' ? 'Started' : 'Restarted'}.\n`);
}

// The snap entry point.
export const snap: ToolFn = (sim, node, call) => {
  const [verb = '', ...rest] = call.args;
  const p = parseOpts(rest, SPECS);
  if (p.error) return fail(1, `error: ${p.error}`);
  const names = p.positionals;
  switch (verb) {
    case 'list':
      return list(node, names);
    case 'info':
      return names.includes('microk8s') ? ok(info(node)) : fail(1, `error: no snap found for "${names[0] ?? ''}"`);
    case 'services': {
      const rows = [['Service', 'Startup', 'Current', 'Notes'], ...snapUnits(node).sort((a, b) => a.ident.localeCompare(b.ident)).map((u) => [u.ident, u.fileState === 'enabled' ? 'enabled' : 'disabled', u.active === 'active' ? 'active' : 'inactive', '-'])];
      return rows.length > 1 ? ok(tabwrite(rows, 5, 2)) : ok('', 'There are no services provided by installed snaps.\n');
    }
    case 'refresh':
      return refresh(sim, node, names, p.opts.get('channel')?.pop() ?? (p.opts.has('stable') ? 'stable' : undefined), { hold: p.opts.has('hold'), unhold: p.opts.has('unhold') }, call.root);
    case 'revert': {
      if (!call.root) return fail(1, DENIED);
      const prev = previous.get(node);
      if (!node.snap || !prev) return fail(1, 'error: no revision to revert to for "microk8s"');
      previous.delete(node);
      node.snap = prev;
      restartServices(sim, node);
      sim.refreshServerVersion();
      return ok(`microk8s reverted to ${prev.version}\n`);
    }
    case 'start':
    case 'stop':
    case 'restart':
      return services(sim, node, verb, names, call.root, { enable: p.opts.has('enable'), disable: p.opts.has('disable') });
    case 'version':
      return ok('snap    2.63+24.04\nsnapd   2.63+24.04\nseries  16\nubuntu  24.04\nkernel  6.8.0-45-generic\n');
    case 'changes':
      return ok('ID   Status  Spawn               Ready               Summary\n');
    default:
      return fail(1, verb ? `error: unknown command "${verb}", see 'snap help'.` : 'error: missing command');
  }
};
