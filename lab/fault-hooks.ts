// Where faults meet the simulation: the after-reboot faults armed at boot, and the repairs noticed as
// they happen (a restarted kubelite, kube-scheduler or k8s-dqlite, a replaced pod, a deleted slice or
// PDB, upgraded addons). faults.ts turns faults on and off.
import { randomUUID } from 'node:crypto';
import { addonsCurrent } from './addons.js';
import { CALICO_LABELS } from './cluster-seed.js';
import type { NodeSim } from './node.js';
import { coreDnsStillDown, holdPods } from './pod-faults.js';
import { podsOn } from './pods.js';
import type { LabSim } from './sim.js';
import type { FaultName } from './types.js';
import type { UnitState } from './units.js';

const KUBE_PROXY = 'kube-proxy';

// The node a leader lease names (`k8s02_<uuid>` → k8s02).
export function leaseHolder(sim: LabSim, lease: string): string | undefined {
  return (sim.store.peek('leases', lease, 'kube-system')?.spec?.holderIdentity as string | undefined)?.split('_')[0];
}

// A fault cleared by a repair: its ticker stops and status says how.
function off(sim: LabSim, name: FaultName, note: string): void {
  const f = sim.faults.get(name);
  if (!f?.on) return;
  f.stop?.();
  sim.faults.set(name, { on: false, note });
}

function daemonPod(sim: LabSim, node: NodeSim, k8sApp: string) {
  return podsOn(sim, node).find((p) => p.metadata.labels?.['k8s-app'] === k8sApp);
}

// A node booted: arm the after-reboot faults.
export function onNodeBoot(sim: LabSim, node: NodeSim): void {
  if (sim.faultOn('calico-nat-missing-after-reboot')) {
    node.natMissing = true;
    node.calicoUidAtBoot = daemonPod(sim, node, CALICO_LABELS['k8s-app'])?.metadata.uid;
  }
  if (sim.faultOn('kube-proxy-nat-missing-after-reboot')) {
    node.kubeProxyNatMissing = true;
    node.kubeProxyUidAtBoot = daemonPod(sim, node, KUBE_PROXY)?.metadata.uid;
  }
}

// A unit started (a restart, or at boot): microk8s's kubelite runs kube-proxy, which reprograms its NAT
// chains; a restarted k8s-dqlite drops the connections that logged `context canceled`.
export function onUnitStarted(sim: LabSim, node: NodeSim, u: UnitState): void {
  if (u.role === 'kubelet' && sim.flavor === 'microk8s') node.kubeProxyNatMissing = false;
  const f = sim.faults.get('dqlite-context-canceled');
  if (u.role === 'datastore' && f?.on && f.nodes?.includes(node.name)) {
    f.nodes = f.nodes.filter((n) => n !== node.name);
    if (!f.nodes.length) off(sim, 'dqlite-context-canceled', `cleared: k8s-dqlite was restarted on ${node.name}`);
  }
}

// A node's kubelet (kubelite) stopped: a stalled scheduler or endpoint controller on it is gone, leases move.
export function onKubeletStopped(sim: LabSim, node: NodeSim): void {
  if (leaseHolder(sim, 'kube-scheduler') === node.name) off(sim, 'scheduler-stall', `cleared: the kube-scheduler on ${node.name} was restarted`);
  if (leaseHolder(sim, 'kube-controller-manager') === node.name && sim.faultOn('stale-endpointslice')) {
    for (const s of sim.store.items('endpointslices')) sim.store.freezeEndpointSlice(s.metadata.namespace ?? '', s.metadata.name ?? '', false);
    off(sim, 'stale-endpointslice', `cleared: the kube-controller-manager on ${node.name} was restarted and resynced`);
  }
  if (!sim.faultOn('scheduler-stall')) {
    sim.store.schedulerPaused = false;
    sim.store.reconcile();
  }
  const next = sim.nodes.find((n) => n !== node && n.role === 'control-plane' && n.kubeletUp);
  if (!next) return;
  for (const lease of ['kube-scheduler', 'kube-controller-manager']) {
    const cur = sim.store.get('leases', lease, 'kube-system');
    if (!cur || leaseHolder(sim, lease) !== node.name) continue;
    const now = new Date().toISOString().replace(/Z$/, '000Z');
    sim.store.update('leases', { ...cur, spec: { ...cur.spec, holderIdentity: `${next.name}_${randomUUID()}`, acquireTime: now, renewTime: now, leaseTransitions: (cur.spec?.leaseTransitions ?? 0) + 1 } });
  }
}

// A node's kubelet started: nothing to re-arm today (kept as the hook for after-start effects).
export function onKubeletStarted(_sim: LabSim, _node: NodeSim): void {}

// A DaemonSet pod on the node that replaced the one it booted with, Running.
function replaced(sim: LabSim, node: NodeSim, k8sApp: string, uidAtBoot: string | undefined): boolean {
  const pod = daemonPod(sim, node, k8sApp);
  return pod !== undefined && pod.metadata.uid !== uidAtBoot && pod.status?.phase === 'Running';
}

// After any store change: repairs the operator made through the API, and pods to hold on stuck nodes.
export function checkRepairs(sim: LabSim): void {
  for (const n of sim.nodes) {
    if (n.natMissing && replaced(sim, n, CALICO_LABELS['k8s-app'], n.calicoUidAtBoot)) n.natMissing = false;
    if (n.kubeProxyNatMissing && sim.flavor === 'kubeadm' && replaced(sim, n, KUBE_PROXY, n.kubeProxyUidAtBoot)) n.kubeProxyNatMissing = false;
  }
  const slice = sim.faults.get('stale-endpointslice')?.slice;
  if (sim.faultOn('stale-endpointslice') && slice && !sim.store.peek('endpointslices', slice, 'default')) off(sim, 'stale-endpointslice', `cleared: EndpointSlice default/${slice} was deleted and recreated`);
  if (sim.faultOn('pdb-blocks-drain') && !sim.store.peek('poddisruptionbudgets', 'critical', 'default')) off(sim, 'pdb-blocks-drain', 'cleared: PodDisruptionBudget default/critical was deleted');
  const stuck = sim.faults.get('pods-stuck-terminating');
  if (stuck?.on) holdPods(sim, stuck.nodes ?? []);
  const dns = sim.faults.get('coredns-replica-down');
  if (dns?.on && !coreDnsStillDown(sim, dns.pod)) off(sim, 'coredns-replica-down', 'cleared: the CoreDNS replica that was not Ready was replaced or restarted');
  if (sim.faultOn('addon-versions-too-old') && addonsCurrent(sim)) off(sim, 'addon-versions-too-old', 'cleared: every addon was upgraded');
}
