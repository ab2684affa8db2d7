// The systemd units of a simulated node: microk8s snap services or kubeadm's kubelet and
// containerd, plus a few ordinary system services.
import type { Flavor } from './types.js';

// systemd's ActiveState.
export type UnitActive = 'active' | 'inactive' | 'activating' | 'deactivating' | 'failed';
// systemd's UnitFileState (the subset the lab uses).
export type UnitFileState = 'enabled' | 'disabled' | 'static' | 'masked';
// What a unit is to the simulation.
export type UnitRole = 'kubelet' | 'datastore' | 'runtime' | 'other';

// One unit's state.
export interface UnitState {
  id: string;
  description: string;
  active: UnitActive;
  fileState: UnitFileState;
  // The fileState to restore on unmask.
  unmaskedState: UnitFileState;
  fragment: string;
  ident: string;
  role: UnitRole;
  pid: number;
  since: number;
  // Whether `systemctl reboot`-time startup starts it (enabled units do).
  type: 'simple' | 'notify' | 'oneshot';
}

interface UnitSpec {
  name: string;
  description: string;
  ident: string;
  role: UnitRole;
  enabled: boolean;
  running: boolean;
  fragment?: string;
  fileState?: UnitFileState;
}

function snapUnit(daemon: string, role: UnitRole, running: boolean): UnitSpec {
  const name = `snap.microk8s.daemon-${daemon}`;
  return { name, description: `Service for snap application microk8s.daemon-${daemon}`, ident: `microk8s.daemon-${daemon}`, role, enabled: running, running, fragment: `/etc/systemd/system/${name}.service` };
}

const COMMON: UnitSpec[] = [
  { name: 'ssh', description: 'OpenBSD Secure Shell server', ident: 'sshd', role: 'other', enabled: true, running: true, fragment: '/usr/lib/systemd/system/ssh.service' },
  { name: 'snapd', description: 'Snap Daemon', ident: 'snapd', role: 'other', enabled: true, running: true, fragment: '/usr/lib/systemd/system/snapd.service' },
  { name: 'cron', description: 'Regular background program processing daemon', ident: 'cron', role: 'other', enabled: true, running: true, fragment: '/usr/lib/systemd/system/cron.service' },
  { name: 'unattended-upgrades', description: 'Unattended Upgrades Shutdown', ident: 'unattended-upgrade-shutdown', role: 'other', enabled: true, running: true, fragment: '/usr/lib/systemd/system/unattended-upgrades.service' },
  { name: 'systemd-journald', description: 'Journal Service', ident: 'systemd-journald', role: 'other', enabled: true, running: true, fragment: '/usr/lib/systemd/system/systemd-journald.service', fileState: 'static' },
];

const MICROK8S: UnitSpec[] = [
  snapUnit('kubelite', 'kubelet', true),
  snapUnit('k8s-dqlite', 'datastore', true),
  snapUnit('containerd', 'runtime', true),
  snapUnit('cluster-agent', 'other', true),
  snapUnit('apiserver-kicker', 'other', true),
  snapUnit('apiserver-proxy', 'other', false),
  snapUnit('etcd', 'other', false),
  snapUnit('flanneld', 'other', false),
];

const KUBEADM: UnitSpec[] = [
  { name: 'kubelet', description: 'kubelet: The Kubernetes Node Agent', ident: 'kubelet', role: 'kubelet', enabled: true, running: true, fragment: '/usr/lib/systemd/system/kubelet.service' },
  { name: 'containerd', description: 'containerd container runtime', ident: 'containerd', role: 'runtime', enabled: true, running: true, fragment: '/usr/lib/systemd/system/containerd.service' },
];

// `kubelet` → `kubelet.service`; names with a unit suffix stay as they are.
export function unitId(name: string): string {
  return /\.(service|socket|target|timer|mount|path|slice|scope|device|swap)$/.test(name) ? name : `${name}.service`;
}

// The units of a node of this flavor, all in their boot state at `since`.
export function makeUnits(flavor: Flavor, since: number, pid: () => number): Map<string, UnitState> {
  const out = new Map<string, UnitState>();
  for (const s of [...COMMON, ...(flavor === 'microk8s' ? MICROK8S : KUBEADM)]) {
    const fileState = s.fileState ?? (s.enabled ? 'enabled' : 'disabled');
    const id = unitId(s.name);
    out.set(id, {
      id,
      description: s.description,
      active: s.running ? 'active' : 'inactive',
      fileState,
      unmaskedState: fileState,
      fragment: s.fragment ?? `/usr/lib/systemd/system/${id}`,
      ident: s.ident,
      role: s.role,
      pid: s.running ? pid() : 0,
      since,
      type: s.role === 'other' ? 'simple' : 'notify',
    });
  }
  return out;
}

// The unit with this role on a node (kubelite / kubelet, k8s-dqlite, containerd).
export function unitByRole(units: Map<string, UnitState>, role: UnitRole): UnitState | undefined {
  return [...units.values()].find((u) => u.role === role);
}

// Whether the unit comes up at boot.
export function startsAtBoot(u: UnitState): boolean {
  return u.fileState === 'enabled' || u.fileState === 'static';
}
