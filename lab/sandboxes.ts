// containerd pod sandboxes of each node, kept in line with the pods the API binds there (the
// kubelet's part), changed by crictl, and the stale "name is reserved" state after a reboot.
import { randomBytes } from 'node:crypto';
import { klog } from './journal.js';
import { cloneJson, type KubeObject } from './kube/types.js';
import type { NodeSim, Sandbox } from './node.js';
import { failPodStart, podsOn, podsOnStored, restartPodInPlace } from './pods.js';
import type { LabSim } from './sim.js';

// A fresh 64-hex sandbox id.
export function sandboxId(): string {
  return randomBytes(32).toString('hex');
}

// containerd's sandbox name: `<pod>_<namespace>_<uid>_<attempt>`.
export function sandboxName(s: { podName: string; namespace: string; podUid: string; attempt: number }): string {
  return `${s.podName}_${s.namespace}_${s.podUid}_${s.attempt}`;
}

function newSandbox(node: NodeSim, pod: KubeObject): Sandbox {
  const uid = pod.metadata.uid ?? '';
  const attempt = node.sandboxes.filter((s) => s.podUid === uid).length;
  return { id: sandboxId(), podUid: uid, podName: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default', attempt, created: Date.now(), ready: true, labels: { ...(pod.metadata.labels ?? {}), 'io.kubernetes.pod.name': pod.metadata.name ?? '', 'io.kubernetes.pod.namespace': pod.metadata.namespace ?? '', 'io.kubernetes.pod.uid': uid } };
}

// The stale sandbox that blocks this pod from starting on the node, if any.
export function staleBlocker(node: NodeSim, uid: string): Sandbox | undefined {
  return node.staleSandboxes ? node.sandboxes.find((s) => s.stale && s.podUid === uid) : undefined;
}

function reservedMessage(pod: KubeObject, blocker: Sandbox): string {
  const name = sandboxName({ podName: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', podUid: pod.metadata.uid ?? '', attempt: blocker.attempt });
  return `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to reserve sandbox name "${name}": name "${name}" is reserved for "${blocker.id}"`;
}

// When each node last failed to start each pod (by uid): the kubelet retries a failed sandbox
// creation on its next sync, not on every change of the cluster (the failure's own event is one).
const failedStarts = new WeakMap<NodeSim, Map<string, number>>();

// Start (in a new sandbox) a pod the kubelet finds without one; a stale reservation makes it fail instead.
function startPod(sim: LabSim, node: NodeSim, pod: KubeObject, restart: boolean, now: number): void {
  const uid = pod.metadata.uid ?? '';
  const blocker = staleBlocker(node, uid);
  if (blocker) {
    const failed = failedStarts.get(node) ?? new Map<string, number>();
    failedStarts.set(node, failed);
    const last = failed.get(uid);
    if (last !== undefined && now - last < sim.timings.kubeletSyncMs) return;
    failed.set(uid, now);
    const msg = reservedMessage(pod, blocker);
    failPodStart(sim, pod, msg);
    const err = msg.replace(/^Failed to create pod sandbox: /, '');
    sim.log(node, sim.unit(node, 'kubelet'), klog('E', sim.unit(node, 'kubelet')?.pid ?? 0, 'kuberuntime_manager.go:1166', `"CreatePodSandbox for pod failed" err=${JSON.stringify(err)} pod="${pod.metadata.namespace}/${pod.metadata.name}"`));
    return;
  }
  node.sandboxes.push(newSandbox(node, pod));
  if (restart) restartPodInPlace(sim, node, pod);
}

// The kubelet's sync: sandboxes for pods bound here, cleanup of sandboxes of pods that are gone, and
// restarts of pods whose sandbox crictl stopped (after one sync period) or whose start had failed.
export function syncSandboxes(sim: LabSim, node: NodeSim, now = Date.now()): void {
  if (!sim.kubeletActive(node)) return;
  const pods = podsOnStored(sim, node).filter((p) => p.status?.phase === 'Running');
  const live = new Set(pods.map((p) => p.metadata.uid ?? ''));
  node.sandboxes = node.sandboxes.filter((s) => live.has(s.podUid) || (s.stale && node.staleSandboxes));
  for (const pod of pods) {
    const uid = pod.metadata.uid ?? '';
    if (node.sandboxes.some((s) => s.podUid === uid && s.ready)) continue;
    const touched = node.crictlTouched.get(uid);
    if (touched !== undefined && now - touched < sim.timings.kubeletSyncMs) continue;
    const hadOne = touched !== undefined || node.sandboxes.some((s) => s.podUid === uid) || !isReady(pod);
    startPod(sim, node, cloneJson(pod), hadOne, now);
  }
}

function isReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
}

// At boot: old sandboxes are kept as stale (NotReady, names reserved) under the fault, else cleaned up.
export function bootSandboxes(node: NodeSim, staleFault: boolean): void {
  const stale = staleFault && node.sandboxes.length > 0 && !node.drainedSinceBoot;
  node.sandboxes = stale ? node.sandboxes.map((s) => ({ ...s, ready: false, stale: true })) : [];
  node.staleSandboxes = stale;
  node.drainedSinceBoot = false;
  node.crictlTouched.clear();
  failedStarts.delete(node);
}

// containerd or kubelite restarted: stale reservations are flushed.
export function flushStale(node: NodeSim): void {
  if (!node.staleSandboxes) return;
  node.sandboxes = node.sandboxes.filter((s) => !s.stale);
  node.staleSandboxes = false;
}

// Find a sandbox by full id or unique prefix.
export function findSandbox(node: NodeSim, id: string): Sandbox | undefined | 'ambiguous' {
  const hits = node.sandboxes.filter((s) => s.id === id || (id.length > 0 && s.id.startsWith(id)));
  if (hits.length > 1 && !hits.some((s) => s.id === id)) return 'ambiguous';
  return hits.find((s) => s.id === id) ?? hits[0];
}

// crictl stopp: the sandbox stops; its pod goes not ready (the kubelet restarts it after a sync period).
export function stopSandbox(sim: LabSim, node: NodeSim, s: Sandbox): void {
  if (!s.ready) return;
  s.ready = false;
  node.crictlTouched.set(s.podUid, Date.now());
  const pod = podsOn(sim, node).find((p) => p.metadata.uid === s.podUid);
  if (pod && sim.kubeletActive(node)) failNotReady(sim, pod);
}

function failNotReady(sim: LabSim, pod: KubeObject): void {
  const cur = sim.store.get('pods', pod.metadata.name ?? '', pod.metadata.namespace);
  if (!cur) return;
  const conds = (cur.status?.conditions ?? []).map((c: { type?: string }) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c));
  sim.store.update('pods', { ...cur, status: { ...cur.status, conditions: conds } }, 'status');
}

// crictl rmp: the sandbox is removed; removing the last one counts as a drain.
export function removeSandbox(node: NodeSim, s: Sandbox): void {
  node.sandboxes = node.sandboxes.filter((x) => x !== s);
  node.crictlTouched.set(s.podUid, Date.now());
  if (node.staleSandboxes && !node.sandboxes.some((x) => x.stale)) node.staleSandboxes = false;
  if (node.sandboxes.length === 0) node.drainedSinceBoot = true;
}
