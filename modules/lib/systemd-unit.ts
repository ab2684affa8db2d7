// Reading a systemd unit's state in one `systemctl show` round trip, and knowing which units
// take a Kubernetes node or its datastore member out of service when stopped or restarted.
import { sh } from '../../engine/connection/command.js';
import type { HostReader } from '../../engine/module.js';

// The properties read for every unit (the module's `status` result).
export const SHOW_PROPERTIES = [
  'Id', 'Names', 'Description', 'LoadState', 'LoadError', 'ActiveState', 'SubState', 'UnitFileState',
  'NeedDaemonReload', 'CanReload', 'MainPID', 'ActiveEnterTimestamp', 'ExecMainStartTimestamp', 'FragmentPath',
] as const;

// A unit as systemd reports it (property name → value).
export type UnitStatus = Record<string, string>;

// Parses `systemctl show` output (Key=Value per line, values may contain '=').
export function parseShow(out: string): UnitStatus {
  const st: UnitStatus = {};
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) st[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return st;
}

// Runs `systemctl show NAME -p ...` once; throws when systemctl itself fails (no systemd, no bus).
export async function readUnit(host: HostReader, name: string): Promise<UnitStatus> {
  const props = SHOW_PROPERTIES.flatMap((p) => ['-p', p]);
  const r = await host.query(sh`systemctl show ${name} ${props}`);
  if (r.rc !== 0) throw new Error(`systemctl show ${name} failed (rc ${r.rc}): ${(r.stderr || r.stdout).trim()}`);
  return parseShow(r.stdout);
}

// Ansible's is_running_service: active or activating.
export function isRunning(st: UnitStatus): boolean {
  return st['ActiveState'] === 'active' || st['ActiveState'] === 'activating';
}

// Whether the unit is enabled (static, indirect, generated and alias units count as enabled, like `is-enabled`).
export function isEnabled(st: UnitStatus): boolean {
  return ['enabled', 'enabled-runtime', 'static', 'indirect', 'generated', 'alias', 'linked', 'linked-runtime'].includes(st['UnitFileState'] ?? '');
}

// Whether the unit is masked.
export function isMasked(st: UnitStatus): boolean {
  return st['LoadState'] === 'masked' || (st['UnitFileState'] ?? '').startsWith('masked');
}

// A one-line summary: `active (running), enabled`.
export function describeUnit(st: UnitStatus): string {
  return `${st['ActiveState'] ?? '?'} (${st['SubState'] ?? '?'}), ${st['UnitFileState'] || 'no unit file state'}`;
}
