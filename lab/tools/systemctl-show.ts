// `systemctl show` and `systemctl status` of simulated units (systemd 255 property names and formats).
import type { NodeSim } from '../node.js';
import { unitId, type UnitState } from '../units.js';
import { systemdTime } from './util.js';

// The properties `systemctl show` prints without -p, in systemd's order (service first, then unit).
const ORDER = [
  'Type', 'Restart', 'NotifyAccess', 'RestartUSec', 'TimeoutStartUSec', 'TimeoutStopUSec', 'MainPID', 'ControlPID', 'StatusErrno', 'Result',
  'ExecMainStartTimestamp', 'ExecMainExitTimestamp', 'ExecMainPID', 'ExecMainCode', 'ExecMainStatus', 'NRestarts', 'KillMode', 'KillSignal',
  'Id', 'Names', 'Description', 'LoadState', 'ActiveState', 'FreezerState', 'SubState', 'FragmentPath', 'UnitFileState', 'UnitFilePreset',
  'StateChangeTimestamp', 'ActiveEnterTimestamp', 'ActiveExitTimestamp', 'InactiveEnterTimestamp', 'InactiveExitTimestamp',
  'CanStart', 'CanStop', 'CanReload', 'CanIsolate', 'NeedDaemonReload', 'LoadError', 'Transient', 'Perpetual',
];

function subState(u: UnitState): string {
  if (u.active === 'active') return 'running';
  if (u.active === 'activating') return 'start';
  if (u.active === 'deactivating') return 'stop-sigterm';
  if (u.active === 'failed') return 'failed';
  return 'dead';
}

// Every property of a known unit.
function knownProps(u: UnitState): Record<string, string> {
  const active = u.active === 'active' || u.active === 'activating';
  const masked = u.fileState === 'masked';
  return {
    Type: u.type, Restart: u.role === 'other' ? 'on-failure' : 'always', NotifyAccess: u.type === 'notify' ? 'main' : 'none', RestartUSec: '100ms',
    TimeoutStartUSec: '1min 30s', TimeoutStopUSec: '1min 30s', MainPID: String(active ? u.pid : 0), ControlPID: '0', StatusErrno: '0', Result: u.active === 'failed' ? 'exit-code' : 'success',
    ExecMainStartTimestamp: active ? systemdTime(u.since) : '', ExecMainExitTimestamp: active ? '' : systemdTime(u.since), ExecMainPID: String(u.pid), ExecMainCode: active ? '0' : '1', ExecMainStatus: '0',
    NRestarts: '0', KillMode: 'control-group', KillSignal: '15',
    Id: u.id, Names: u.id, Description: u.description, LoadState: masked ? 'masked' : 'loaded', ActiveState: u.active, FreezerState: 'running', SubState: subState(u),
    FragmentPath: masked ? '' : u.fragment, UnitFileState: u.fileState, UnitFilePreset: 'enabled',
    StateChangeTimestamp: systemdTime(u.since), ActiveEnterTimestamp: active ? systemdTime(u.since) : '', ActiveExitTimestamp: active ? '' : systemdTime(u.since),
    InactiveEnterTimestamp: active ? '' : systemdTime(u.since), InactiveExitTimestamp: active ? systemdTime(u.since) : '',
    CanStart: masked ? 'no' : 'yes', CanStop: 'yes', CanReload: u.id === 'ssh.service' || u.id === 'cron.service' ? 'yes' : 'no', CanIsolate: 'no',
    NeedDaemonReload: 'no', LoadError: masked ? `org.freedesktop.systemd1.UnitMasked "Unit ${u.id} is masked."` : '', Transient: 'no', Perpetual: 'no',
  };
}

// The properties of a unit systemd does not know.
function missingProps(id: string): Record<string, string> {
  return {
    Type: 'simple', Restart: 'no', MainPID: '0', ControlPID: '0', Result: 'success', ExecMainStartTimestamp: '', ExecMainPID: '0', NRestarts: '0',
    Id: id, Names: id, Description: id, LoadState: 'not-found', ActiveState: 'inactive', FreezerState: 'running', SubState: 'dead', FragmentPath: '',
    UnitFileState: '', UnitFilePreset: '', StateChangeTimestamp: '', ActiveEnterTimestamp: '', ActiveExitTimestamp: '', InactiveEnterTimestamp: '', InactiveExitTimestamp: '',
    CanStart: 'no', CanStop: 'no', CanReload: 'no', CanIsolate: 'no', NeedDaemonReload: 'no', LoadError: `org.freedesktop.systemd1.NoSuchUnit "Unit ${id} not found."`, Transient: 'no', Perpetual: 'no',
  };
}

// `systemctl show [-p P]... [--value] UNIT...`: one Key=Value block per unit, blank line between blocks.
export function showUnits(node: NodeSim, names: string[], props: string[], valueOnly: boolean, all: boolean): string {
  const blocks = names.map((n) => {
    const id = unitId(n);
    const u = node.units.get(id);
    const values = u ? knownProps(u) : missingProps(id);
    const keys = props.length ? ORDER.filter((k) => props.includes(k)).concat(props.filter((p) => !ORDER.includes(p))) : ORDER;
    return keys
      .filter((k) => props.length > 0 || all || (values[k] ?? '') !== '')
      .map((k) => (valueOnly ? (values[k] ?? '') : `${k}=${values[k] ?? ''}`))
      .join('\n');
  });
  return blocks.map((b) => `${b}\n`).join('\n');
}

// `systemctl status UNIT`: the summary block and the last journal lines; rc 0 active, 3 inactive, 4 unknown.
export function statusUnit(node: NodeSim, name: string, lines = 10): { out: string; rc: number } {
  const id = unitId(name);
  const u = node.units.get(id);
  if (!u) return { out: '', rc: 4 };
  const dot = u.active === 'active' ? '●' : u.active === 'failed' ? '×' : '○';
  const since = systemdTime(u.since);
  const head = [
    `${dot} ${u.id} - ${u.description}`,
    `     Loaded: ${u.fileState === 'masked' ? 'masked (Reason: Unit ' + u.id + ' is masked.)' : `loaded (${u.fragment}; ${u.fileState}; preset: enabled)`}`,
    `     Active: ${u.active} (${subState(u)}) since ${since}`,
    ...(u.active === 'active' ? [`   Main PID: ${u.pid} (${u.ident.split('.').pop() ?? u.ident})`] : []),
  ];
  const tail = node.journal.query({ units: [u.id], lines }).map((e) => {
    const d = new Date(e.ts);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${node.name} ${e.ident}[${e.pid}]: ${e.msg}`;
  });
  return { out: `${[...head, ...(tail.length ? ['', ...tail] : [])].join('\n')}\n`, rc: u.active === 'active' ? 0 : 3 };
}
