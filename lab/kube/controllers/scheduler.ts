// The scheduler and a minimal kubelet: place unscheduled pods on schedulable Ready nodes,
// start pods bound to a node (phase Running, Ready, a pod IP), and remove pods of deleted nodes.
import type { KubeStore } from '../store.js';
import { isNodeReady, nowTimestamp, type KubeObject } from '../types.js';

interface Taint { key?: string; value?: string; effect?: string }
interface Toleration { key?: string; operator?: string; value?: string; effect?: string }

const failedOnce = new WeakMap<KubeStore, Set<string>>();
const seenNodes = new WeakMap<KubeStore, Set<string>>();
const ipCursor = new WeakMap<KubeStore, number>();
const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const NOT_READY_TAINT: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };

function tolerates(tols: Toleration[], t: Taint): boolean {
  return tols.some((tol) => {
    if (tol.effect && tol.effect !== t.effect) return false;
    if (!tol.key) return tol.operator === 'Exists';
    if (tol.key !== t.key) return false;
    return tol.operator === 'Exists' || (tol.value ?? '') === (t.value ?? '');
  });
}

// Why a node cannot take the pod, or undefined when it can (filters of the default scheduler, simplified).
export function unfitReason(node: KubeObject, pod: KubeObject): string | undefined {
  const tols: Toleration[] = pod.spec?.tolerations ?? [];
  if (!isNodeReady(node) && !tolerates(tols, NOT_READY_TAINT)) return 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';
  if (node.spec?.unschedulable && !tolerates(tols, UNSCHEDULABLE_TAINT)) return 'node(s) were unschedulable';
  const taints: Taint[] = node.spec?.taints ?? [];
  const bad = taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tols, t));
  if (bad) return `node(s) had untolerated taint {${bad.key ?? ''}: ${bad.value ?? ''}}`;
  const sel: Record<string, string> = pod.spec?.nodeSelector ?? {};
  if (Object.entries(sel).some(([k, v]) => node.metadata.labels?.[k] !== v)) return "node(s) didn't match Pod's node affinity/selector";
  const terms: NodeSelectorTerm[] | undefined = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0 && !terms.some((t) => termMatches(node, t))) return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

interface Requirement { key?: string; operator?: string; values?: string[] }
interface NodeSelectorTerm { matchExpressions?: Requirement[]; matchFields?: Requirement[] }

function requirementHolds(value: string | undefined, r: Requirement): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt': return value !== undefined && Number(value) < Number(values[0]);
    default: return false;
  }
}

// A node selector term (its expressions and fields all hold); an empty term matches nothing.
function termMatches(node: KubeObject, t: NodeSelectorTerm): boolean {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => requirementHolds(node.metadata.labels?.[r.key ?? ''], r)) && fields.every((r) => requirementHolds(r.key === 'metadata.name' ? node.metadata.name : undefined, r));
}

// The weight of the preferred node affinity terms a node matches.
function preference(node: KubeObject, pod: KubeObject): number {
  const prefs: { weight?: number; preference?: NodeSelectorTerm }[] = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return prefs.reduce((sum, p) => sum + (p.preference && termMatches(node, p.preference) ? p.weight ?? 0 : 0), 0);
}

function controllerUid(pod: KubeObject): string | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
}

// The node the pod would be placed on (fewest pods, then name), or the FailedScheduling message.
export function pickNode(store: KubeStore, pod: KubeObject): { node: KubeObject } | { message: string } {
  const nodes = store.items('nodes');
  if (nodes.length === 0) return { message: 'no nodes available to schedule pods' };
  const counts = new Map<string, number>();
  const siblings = new Map<string, number>();
  const owner = controllerUid(pod);
  for (const p of store.items('pods')) {
    const n = p.spec?.nodeName ?? '';
    counts.set(n, (counts.get(n) ?? 0) + 1);
    if (owner && !p.metadata.deletionTimestamp && controllerUid(p) === owner) siblings.set(n, (siblings.get(n) ?? 0) + 1);
  }
  const fit: KubeObject[] = [];
  const reasons = new Map<string, number>();
  for (const n of nodes) {
    const why = unfitReason(n, pod);
    if (why === undefined) fit.push(n);
    else reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const by = (m: Map<string, number>, n: KubeObject) => m.get(n.metadata.name ?? '') ?? 0;
  // Spread pods of one controller first (the default scheduler's topology spreading), then balance.
  fit.sort((a, b) => preference(b, pod) - preference(a, pod) || by(siblings, a) - by(siblings, b) || by(counts, a) - by(counts, b) || String(a.metadata.name).localeCompare(String(b.metadata.name)));
  const best = fit[0];
  if (best) return { node: best };
  const parts = [...reasons.entries()].sort().map(([why, n]) => `${n} ${why}`);
  return { message: `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.` };
}

// A fresh pod IP from 10.1.0.0/16, not used by any current pod, advancing so replacements get new IPs.
export function allocatePodIp(store: KubeStore): string {
  const used = new Set(store.items('pods').map((p) => p.status?.podIP as string | undefined));
  const start = ipCursor.get(store) ?? 10;
  for (let step = 0; step < 65000; step++) {
    const i = ((start + step - 10) % 64990) + 10;
    const ip = `10.1.${i >> 8}.${i & 255}`;
    if ((i & 255) === 0 || (i & 255) === 255 || used.has(ip)) continue;
    ipCursor.set(store, i + 1);
    return ip;
  }
  throw new Error('pod IP pool 10.1.0.0/16 exhausted');
}

function nodeIp(node: KubeObject): string | undefined {
  const addrs: { type?: string; address?: string }[] = node.status?.addresses ?? [];
  return addrs.find((a) => a.type === 'InternalIP')?.address;
}

// The status of a pod that the kubelet has just started on `node`.
export function runningStatus(store: KubeStore, pod: KubeObject, node: KubeObject): Record<string, unknown> {
  const now = nowTimestamp();
  const ip = pod.spec?.hostNetwork ? nodeIp(node) : allocatePodIp(store);
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
  const containers: { name?: string; image?: string }[] = pod.spec?.containers ?? [];
  return {
    phase: 'Running',
    conditions: [cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
    hostIP: nodeIp(node),
    podIP: ip,
    podIPs: ip ? [{ ip }] : [],
    startTime: now,
    qosClass: 'BestEffort',
    containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
  };
}

// A pod the kubelet has not reported on yet: Pending with no conditions.
function isUnstarted(pod: KubeObject): boolean {
  return (pod.status?.phase ?? 'Pending') === 'Pending' && !(pod.status?.conditions ?? []).length;
}

// Place unscheduled pods; start bound pods that have no status yet; record FailedScheduling once per pod;
// delete pods bound to a node that existed and is gone (pod GC). Pods of a node not seen yet wait for it.
export function schedulePods(store: KubeStore): void {
  const failed = failedOnce.get(store) ?? new Set<string>();
  failedOnce.set(store, failed);
  const seen = seenNodes.get(store) ?? new Set<string>();
  seenNodes.set(store, seen);
  for (const n of store.items('nodes')) seen.add(n.metadata.name ?? '');
  for (const pod of store.items('pods')) {
    const { name, namespace, uid, deletionTimestamp } = pod.metadata;
    if (deletionTimestamp || !name) continue;
    if (pod.spec?.nodeName) {
      const node = store.peek('nodes', pod.spec.nodeName);
      if (!node) {
        if (seen.has(pod.spec.nodeName)) store.delete('pods', name, namespace, { gracePeriodSeconds: 0 });
      }
      else if (isUnstarted(pod) && isNodeReady(node)) store.update('pods', { ...pod, status: runningStatus(store, pod, node) });
      else if (pod.status?.phase === 'Running' && !pod.status.podIP) {
        const ip = pod.spec.hostNetwork ? nodeIp(node) : allocatePodIp(store);
        if (ip) store.update('pods', { ...pod, status: { ...pod.status, podIP: ip, podIPs: [{ ip }], hostIP: pod.status.hostIP ?? nodeIp(node) } });
      }
      continue;
    }
    if (pod.status?.phase && pod.status.phase !== 'Pending') continue;
    if (store.schedulerPaused) continue;
    const pick = pickNode(store, pod);
    if ('node' in pick) {
      failed.delete(uid ?? '');
      const bound = { ...pod, spec: { ...pod.spec, nodeName: pick.node.metadata.name } };
      store.update('pods', { ...bound, status: runningStatus(store, bound, pick.node) });
      continue;
    }
    const pending = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: pick.message, lastProbeTime: null, lastTransitionTime: pod.status?.conditions?.[0]?.lastTransitionTime ?? nowTimestamp() }] };
    store.update('pods', { ...pod, status: { ...pod.status, ...pending } });
    if (!failed.has(uid ?? '')) {
      failed.add(uid ?? '');
      store.recordEvent({ involved: pod, reason: 'FailedScheduling', message: pick.message, type: 'Warning', component: 'default-scheduler' });
    }
  }
}
