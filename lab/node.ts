// The state of one simulated node: boot, units, packages, snap, containerd sandboxes, journal.
import { randomUUID } from 'node:crypto';
import { Journal } from './journal.js';
import type { LogLine } from './kube/index.js';
import type { Flavor } from './types.js';
import { makeUnits, type UnitState } from './units.js';
import { debVersion, snapVersion, SNAP_REVISION, START_MINOR, START_PATCH } from './versions.js';

// An installed (or once installed) Debian package.
export interface AptPackage {
  name: string;
  installed?: string;
  held: boolean;
  // Removed but its configuration files are left (dpkg status "deinstall ok config-files").
  configOnly?: boolean;
}

// A containerd pod sandbox.
export interface Sandbox {
  id: string;
  podUid: string;
  podName: string;
  namespace: string;
  attempt: number;
  created: number;
  ready: boolean;
  labels: Record<string, string>;
  // Left over from before a reboot (its name stays reserved under stale-sandbox-after-reboot).
  stale?: boolean;
}

// The installed microk8s snap.
export interface SnapState {
  channel: string;
  version: string;
  revision: number;
}

// One node of the lab.
export interface NodeSim {
  name: string;
  index: number;
  ip: string;
  role: 'control-plane' | 'worker';
  // The node's directory (tsplay_node_root, HOME and cwd of its shells).
  dir: string;
  sshPort: number;
  up: boolean;
  bootId: string;
  bootedAt: number;
  // The kubelet (kubelite) is running and has reported the node Ready.
  kubeletUp: boolean;
  // A reboot was requested and has not completed.
  rebootPending: boolean;
  units: Map<string, UnitState>;
  packages: Map<string, AptPackage>;
  // Minors of pkgs.k8s.io whose package lists the last `apt-get update` fetched.
  aptMinors: string[];
  snap?: SnapState;
  // The version the running kubelet (kubelite) reports.
  kubeletVersion: string;
  // The version `kubeadm upgrade node` / `apply` last configured this node for.
  kubeadmConfigured?: string;
  journal: Journal;
  // kubeadm control planes: the etcd-NODE static pod's container log (etcd's JSON lines), oldest first.
  etcdLog: LogLine[];
  sandboxes: Sandbox[];
  // Pod uid → when crictl last stopped or removed its sandbox (the kubelet waits a sync period before recreating).
  crictlTouched: Map<string, number>;
  // Every sandbox was removed with crictl since boot (so no stale containerd state survives a reboot).
  drainedSinceBoot: boolean;
  // stale-sandbox-after-reboot is in effect: old sandbox names are still reserved.
  staleSandboxes: boolean;
  // calico-nat-missing-after-reboot is in effect; cleared when this calico-node pod is replaced.
  natMissing: boolean;
  calicoUidAtBoot?: string;
  // kube-proxy-nat-missing-after-reboot is in effect; cleared when this kube-proxy pod is replaced
  // (kubeadm) or kubelite restarts (microk8s, whose kubelite runs kube-proxy).
  kubeProxyNatMissing: boolean;
  kubeProxyUidAtBoot?: string;
  // A newer kernel was installed (/var/run/reboot-required exists).
  rebootRequired: boolean;
  // The running kernel (`uname -r`); a reboot switches to the installed linux-image-generic.
  kernel: string;
  nextPid: number;
}

// The Debian packages of a fresh node.
function initialPackages(flavor: Flavor): Map<string, AptPackage> {
  const pkgs: AptPackage[] = [
    { name: 'linux-image-generic', installed: '6.8.0-45.45', held: false },
    { name: 'openssh-server', installed: '1:9.6p1-3ubuntu13.5', held: false },
    { name: 'snapd', installed: '2.63+24.04', held: false },
  ];
  if (flavor === 'kubeadm') {
    const v = debVersion(START_MINOR, START_PATCH);
    pkgs.push(
      { name: 'kubeadm', installed: v, held: true },
      { name: 'kubelet', installed: v, held: true },
      { name: 'kubectl', installed: v, held: true },
      { name: 'kubernetes-cni', installed: '1.3.0-1.1', held: false },
      { name: 'cri-tools', installed: `${START_MINOR}.0-1.1`, held: false },
      { name: 'containerd', installed: '1.7.12-0ubuntu4.1', held: false },
    );
  }
  return new Map(pkgs.map((p) => [p.name, p]));
}

// A node in its first boot state (booted three hours before `now`); kubeadm: the first
// `controlPlanes` nodes are control planes, the others workers (microk8s nodes are all control planes).
export function makeNode(flavor: Flavor, index: number, dir: string, now = Date.now(), controlPlanes = 1): NodeSim {
  const name = `k8s${String(index + 1).padStart(2, '0')}`;
  let pid = 1000 + index * 7919;
  const nextPid = () => (pid += 1 + Math.floor(Math.random() * 300));
  const bootedAt = now - 3 * 3_600_000;
  const node: NodeSim = {
    name,
    index,
    ip: `192.168.56.${11 + index}`,
    role: flavor === 'kubeadm' && index >= controlPlanes ? 'worker' : 'control-plane',
    dir,
    sshPort: 0,
    up: true,
    bootId: randomUUID(),
    bootedAt,
    kubeletUp: true,
    rebootPending: false,
    units: makeUnits(flavor, bootedAt, nextPid),
    packages: initialPackages(flavor),
    aptMinors: flavor === 'kubeadm' ? [START_MINOR, nextMinor(START_MINOR)] : [],
    kubeletVersion: flavor === 'kubeadm' ? `v${START_MINOR}.${START_PATCH}` : (snapVersion(START_MINOR) ?? ''),
    journal: new Journal(name),
    etcdLog: [],
    sandboxes: [],
    crictlTouched: new Map(),
    drainedSinceBoot: false,
    staleSandboxes: false,
    natMissing: false,
    kubeProxyNatMissing: false,
    rebootRequired: false,
    kernel: '6.8.0-45-generic',
    nextPid: pid,
  };
  if (flavor === 'microk8s') node.snap = { channel: `${START_MINOR}/stable`, version: snapVersion(START_MINOR) ?? '', revision: SNAP_REVISION[START_MINOR] ?? 1 };
  else node.kubeadmConfigured = node.kubeletVersion;
  return node;
}

// The next process id on the node.
export function newPid(node: NodeSim): number {
  node.nextPid += 1 + Math.floor(Math.random() * 500);
  if (node.nextPid > 4_000_000) node.nextPid = 2000;
  return node.nextPid;
}

// The kernel release a linux-image-generic version boots (`6.8.0-49.49` → `6.8.0-49-generic`).
export function kernelRelease(imageVersion: string): string {
  return `${imageVersion.replace(/\.\d+$/, '')}-generic`;
}

// `1.30` after `1.29`.
export function nextMinor(minor: string): string {
  const [maj, min] = minor.split('.');
  return `${maj}.${Number(min) + 1}`;
}
