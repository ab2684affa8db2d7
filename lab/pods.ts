// What happens to a node's pods when the node or its kubelet goes away and comes back:
// readiness, in-place restarts with new IPs, replacement of controller-owned pods, failed starts.
import { allocatePodIp } from './kube/controllers/scheduler.js';
import { cloneJson, nowTimestamp, type KubeObject } from './kube/types.js';
import type { NodeSim } from './node.js';
import type { LabSim } from './sim.js';

// Pods bound to the node that are not terminating (copies; podsOnStored: the stored objects, read-only).
export function podsOn(sim: LabSim, node: NodeSim): KubeObject[] {
  return podsOnStored(sim, node).map((p) => cloneJson(p));
}

export function podsOnStored(sim: LabSim, node: NodeSim): readonly KubeObject[] {
  return sim.store.select('pods', { fieldSelector: `spec.nodeName=${node.name}` }).filter((p) => !p.metadata.deletionTimestamp);
}

function controllerKind(pod: KubeObject): string | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller)?.kind;
}

function isMirror(pod: KubeObject): boolean {
  return pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
}

function withConditions(pod: KubeObject, ready: boolean): Record<string, unknown>[] {
  const now = nowTimestamp();
  const conds: Record<string, unknown>[] = structuredClone(pod.status?.conditions ?? []);
  for (const type of ['Ready', 'ContainersReady']) {
    const c = conds.find((x) => x['type'] === type);
    const status = ready ? 'True' : 'False';
    if (c) {
      if (c['status'] !== status) c['lastTransitionTime'] = now;
      c['status'] = status;
    } else conds.push({ type, status, lastProbeTime: null, lastTransitionTime: now });
  }
  return conds;
}

function update(sim: LabSim, pod: KubeObject, status: Record<string, unknown>): void {
  const cur = sim.store.get('pods', pod.metadata.name ?? '', pod.metadata.namespace);
  if (!cur || cur.metadata.uid !== pod.metadata.uid) return;
  sim.store.update('pods', { ...cur, status }, 'status');
}

// Mark the node's pods not ready (the node controller does this when a node stops reporting).
export function markPodsNotReady(sim: LabSim, node: NodeSim): void {
  for (const pod of podsOn(sim, node)) {
    const containers = (pod.status?.containerStatuses ?? []).map((c: Record<string, unknown>) => ({ ...c, ready: false }));
    update(sim, pod, { ...pod.status, conditions: withConditions(pod, false), containerStatuses: containers });
  }
}

// Delete the node's ReplicaSet/StatefulSet pods at once so their controllers replace them on other nodes
// (what taint-based eviction does to pods of a node that went away).
export function evictControllerPods(sim: LabSim, node: NodeSim): void {
  for (const pod of podsOn(sim, node)) {
    const kind = controllerKind(pod);
    if (kind === 'ReplicaSet' || kind === 'StatefulSet') sim.store.delete('pods', pod.metadata.name ?? '', pod.metadata.namespace, { gracePeriodSeconds: 0 });
  }
}

// Restart a pod's containers in a new sandbox: a new IP (unless hostNetwork), restartCount + 1, Ready.
export function restartPodInPlace(sim: LabSim, node: NodeSim, pod: KubeObject): void {
  const now = nowTimestamp();
  const ip = pod.spec?.hostNetwork ? node.ip : allocatePodIp(sim.store);
  const containers = ((pod.spec?.containers ?? []) as { name?: string; image?: string }[]).map((c) => {
    const old = ((pod.status?.containerStatuses ?? []) as { name?: string; restartCount?: number }[]).find((s) => s.name === c.name);
    return { name: c.name, image: c.image, imageID: '', ready: true, started: true, restartCount: (old?.restartCount ?? 0) + 1, state: { running: { startedAt: now } } };
  });
  update(sim, pod, { ...pod.status, phase: 'Running', conditions: withConditions(pod, true), hostIP: node.ip, podIP: ip, podIPs: [{ ip }], containerStatuses: containers });
}

// A pod whose sandbox cannot be created: not ready, containers waiting in ContainerCreating, no IP.
export function failPodStart(sim: LabSim, pod: KubeObject, message: string): void {
  const containers = ((pod.spec?.containers ?? []) as { name?: string; image?: string }[]).map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }));
  const status: Record<string, unknown> = { ...pod.status, conditions: withConditions(pod, false), containerStatuses: containers };
  if (!pod.spec?.hostNetwork) {
    delete status['podIP'];
    status['podIPs'] = [];
  }
  update(sim, pod, status);
  sim.store.recordEvent({ involved: pod, reason: 'FailedCreatePodSandBox', message, type: 'Warning', component: 'kubelet' });
}

// Whether the pod should count as running on the node now (Running and Ready).
export function podRunningReady(pod: KubeObject): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
}

// Whether the pod is a mirror of a static pod (drain skips it; it has no controller).
export { isMirror };
