// Faults on pods: `pods-stuck-terminating` (a finalizer keeps the pods of chosen nodes Terminating once
// their deletion starts; seed 002's jiva pods) and `coredns-replica-down` (one CoreDNS replica failing
// its readiness probe).
import { isMirror, podsOn } from './pods.js';
import type { KubeObject } from './kube/index.js';
import type { NodeSim } from './node.js';
import type { LabSim } from './sim.js';

// The finalizer of the stuck pods: the stand-in for a storage driver waiting for the kubelet to confirm
// the termination; a forced deletion (grace period 0) confirms it, so the driver lets go.
export const STUCK_FINALIZER = 'lab.tsplay.dev/stuck-terminating';
// CoreDNS's pod label.
export const COREDNS_SELECTOR = 'k8s-app=kube-dns';

function isDaemon(p: KubeObject): boolean {
  return p.metadata.ownerReferences?.some((r) => r.controller && r.kind === 'DaemonSet') ?? false;
}

// Put the finalizer on the pods a drain would evict from these nodes (running ones, not yet deleting).
export function holdPods(sim: LabSim, nodes: string[]): void {
  for (const name of nodes) {
    const node = sim.node(name);
    if (!node) continue;
    for (const p of podsOn(sim, node)) {
      const fin = p.metadata.finalizers ?? [];
      if (isDaemon(p) || isMirror(p) || fin.includes(STUCK_FINALIZER)) continue;
      sim.store.update('pods', { ...p, metadata: { ...p.metadata, finalizers: [...fin, STUCK_FINALIZER] } });
    }
  }
  sim.store.forceReleased.add(STUCK_FINALIZER);
}

// Take the finalizer off every pod (the stuck ones go at once).
export function releasePods(sim: LabSim): void {
  for (const p of sim.store.list('pods').filter((x) => x.metadata.finalizers?.includes(STUCK_FINALIZER))) {
    const fin = (p.metadata.finalizers ?? []).filter((f) => f !== STUCK_FINALIZER);
    const cur = sim.store.get('pods', p.metadata.name ?? '', p.metadata.namespace);
    if (cur) sim.store.update('pods', { ...cur, metadata: { ...cur.metadata, finalizers: fin } });
  }
}

// The pods stuck Terminating on a node (deletion started, the finalizer still on).
export function stuckPods(sim: LabSim, node: NodeSim): KubeObject[] {
  return sim.store.list('pods', { fieldSelector: `spec.nodeName=${node.name}` }).filter((p) => p.metadata.deletionTimestamp && p.metadata.finalizers?.includes(STUCK_FINALIZER));
}

function setReady(sim: LabSim, pod: KubeObject, ready: boolean): void {
  const cur = sim.store.get('pods', pod.metadata.name ?? '', pod.metadata.namespace);
  if (!cur) return;
  const status = structuredClone(cur.status ?? {});
  for (const c of (status.conditions ?? []) as { type?: string; status?: string }[]) if (c.type === 'Ready' || c.type === 'ContainersReady') c.status = ready ? 'True' : 'False';
  for (const c of (status.containerStatuses ?? []) as { ready?: boolean }[]) c.ready = ready;
  sim.store.update('pods', { ...cur, status }, 'status');
}

// Make one CoreDNS replica fail its readiness probe (the one on `nodeName`, else the first); returns it.
export function breakCoreDns(sim: LabSim, nodeName?: string): KubeObject {
  const pods = sim.store.list('pods', { namespace: 'kube-system', labelSelector: COREDNS_SELECTOR }).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
  const pod = nodeName ? pods.find((p) => p.spec?.nodeName === nodeName) : pods[0];
  if (!pod) throw new Error(`no running CoreDNS pod${nodeName ? ` on ${nodeName}` : ''}`);
  setReady(sim, pod, false);
  sim.store.recordEvent({ involved: pod, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', type: 'Warning', component: 'kubelet' });
  return pod;
}

// The broken CoreDNS replica is Ready again (fault off).
export function healCoreDns(sim: LabSim, uid: string | undefined): void {
  const pod = sim.store.list('pods', { namespace: 'kube-system', labelSelector: COREDNS_SELECTOR }).find((p) => p.metadata.uid === uid);
  if (pod) setReady(sim, pod, true);
}

// Whether the broken replica is still there and not Ready (deleting it, or its restart, repairs the fault).
export function coreDnsStillDown(sim: LabSim, uid: string | undefined): boolean {
  const pod = sim.store.list('pods', { namespace: 'kube-system', labelSelector: COREDNS_SELECTOR }).find((p) => p.metadata.uid === uid);
  return pod !== undefined && !pod.metadata.deletionTimestamp && !(pod.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
}
