// ReplicaSet, StatefulSet and DaemonSet behaviour: keep ReplicaSets at their replica count, and
// replace deleted or evicted pods of workloads the store has no object for (the pod is the template).
import type { KubeStore } from '../store.js';
import { controllerOf, isPodReady, jsonEqual, type KubeObject, type OwnerReference } from '../types.js';

const ACTIVE_PHASES = new Set([undefined, 'Pending', 'Running', 'Unknown']);

// Whether the pod counts toward its controller's replicas (not terminating, not finished).
export function isActivePod(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && ACTIVE_PHASES.has(pod.status?.phase);
}

// The pods whose controller ownerReference points at `owner`.
export function podsOwnedBy(store: KubeStore, owner: KubeObject): KubeObject[] {
  return store.items('pods').filter((p) => p.metadata.namespace === owner.metadata.namespace && controllerOf(p)?.uid === owner.metadata.uid);
}

// An ownerReference to `owner` with controller: true.
export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion ?? 'v1', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

function ownerExists(store: KubeStore, pod: KubeObject, ref: OwnerReference): boolean {
  const resource = ref.kind === 'ReplicaSet' ? 'replicasets' : ref.kind === 'StatefulSet' ? 'statefulsets' : 'daemonsets';
  return store.peek(resource, ref.name, pod.metadata.namespace)?.metadata.uid === ref.uid;
}

function generateBase(pod: KubeObject): string {
  if (pod.metadata.generateName) return pod.metadata.generateName;
  const name = pod.metadata.name ?? 'pod';
  const cut = name.lastIndexOf('-');
  return cut > 0 ? name.slice(0, cut + 1) : `${name}-`;
}

// A new pod like `pod`: same labels, annotations, owner and spec; no node unless pinned; no status.
function clonePod(pod: KubeObject, opts: { name?: string; nodeName?: string }): KubeObject {
  const { nodeName: _n, ...spec } = pod.spec ?? {};
  const m = pod.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(opts.name ? { name: opts.name } : { generateName: generateBase(pod) }),
      namespace: m.namespace,
      ...(m.labels ? { labels: { ...m.labels } } : {}),
      ...(m.annotations ? { annotations: { ...m.annotations } } : {}),
      ...(m.ownerReferences ? { ownerReferences: m.ownerReferences.map((r) => ({ ...r })) } : {}),
    },
    spec: { ...structuredClone(spec), ...(opts.nodeName ? { nodeName: opts.nodeName } : {}) },
  };
}

// Replace pods from the store's queue of deleted/terminating pods, as their controllers would.
export function replaceGonePods(store: KubeStore): void {
  for (const { pod, final } of store.gone.splice(0)) {
    const ref = controllerOf(pod);
    if (!ref) continue;
    const ns = pod.metadata.namespace;
    if (ref.kind === 'ReplicaSet') {
      const firstNotice = !final || !pod.metadata.deletionTimestamp;
      if (firstNotice && !ownerExists(store, pod, ref)) store.create('pods', clonePod(pod, {}));
    } else if (ref.kind === 'StatefulSet' && final) {
      const name = pod.metadata.name ?? '';
      if (!store.peek('pods', name, ns)) store.create('pods', clonePod(pod, { name }));
    } else if (ref.kind === 'DaemonSet' && final) {
      const node = pod.spec?.nodeName as string | undefined;
      if (node && store.peek('nodes', node)) store.create('pods', clonePod(pod, { nodeName: node }));
    }
  }
}

// Scale each ReplicaSet's pods to spec.replicas (new pods from spec.template) and update its status.
export function syncReplicaSets(store: KubeStore): void {
  for (const rs of store.items('replicasets')) {
    if (rs.metadata.deletionTimestamp) continue;
    const ns = rs.metadata.namespace;
    const active = podsOwnedBy(store, rs).filter(isActivePod);
    const want = Number(rs.spec?.replicas ?? 1);
    for (let i = active.length; i < want; i++) {
      const tpl = rs.spec?.template ?? {};
      store.create('pods', {
        metadata: { generateName: `${rs.metadata.name}-`, namespace: ns, labels: { ...(tpl.metadata?.labels ?? {}) }, ...(tpl.metadata?.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}), ownerReferences: [controllerRef(rs)] },
        spec: structuredClone(tpl.spec ?? { containers: [] }),
      });
    }
    const extra = active.length - want;
    if (extra > 0) {
      const victims = [...active].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
      for (const v of victims.slice(0, extra)) store.delete('pods', v.metadata.name ?? '', ns);
    }
    const now = podsOwnedBy(store, rs).filter(isActivePod);
    const ready = now.filter(isPodReady).length;
    const status = { replicas: now.length, fullyLabeledReplicas: now.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation };
    const next = { ...rs.status, ...status };
    if (!jsonEqual(next, rs.status)) store.update('replicasets', { ...rs, status: next }, 'status');
  }
}

// A DaemonSet whose template images changed rolls them out to its pods (in place: the simplified rollout).
function rollDaemonSetImages(store: KubeStore, ds: KubeObject): void {
  const want = ((ds.spec?.template?.spec?.containers ?? []) as { image?: string }[]).map((c) => c.image);
  for (const pod of podsOwnedBy(store, ds).filter(isActivePod)) {
    const containers = (pod.spec?.containers ?? []) as { image?: string }[];
    if (containers.every((c, i) => want[i] === undefined || c.image === want[i])) continue;
    const cur = store.get('pods', pod.metadata.name ?? '', pod.metadata.namespace);
    if (!cur) continue;
    cur.spec.containers = containers.map((c, i) => ({ ...c, image: want[i] ?? c.image }));
    if (cur.status?.containerStatuses) cur.status.containerStatuses = (cur.status.containerStatuses as { image?: string }[]).map((c, i) => ({ ...c, image: want[i] ?? c.image }));
    store.update('pods', cur);
  }
}

// Keep DaemonSet and StatefulSet status counts in line with their pods (and DaemonSet pods on their template's images).
export function syncWorkloadStatus(store: KubeStore): void {
  for (const ds of store.items('daemonsets')) {
    rollDaemonSetImages(store, ds);
    const pods = podsOwnedBy(store, ds).filter(isActivePod);
    const ready = pods.filter(isPodReady).length;
    const status = { currentNumberScheduled: pods.length, desiredNumberScheduled: pods.length, numberMisscheduled: 0, numberReady: ready, numberAvailable: ready, updatedNumberScheduled: pods.length, observedGeneration: ds.metadata.generation };
    const next = { ...ds.status, ...status };
    if (!jsonEqual(next, ds.status)) store.update('daemonsets', { ...ds, status: next }, 'status');
  }
  for (const sts of store.items('statefulsets')) {
    const pods = podsOwnedBy(store, sts).filter(isActivePod);
    const ready = pods.filter(isPodReady).length;
    const status = { replicas: pods.length, readyReplicas: ready, availableReplicas: ready, currentReplicas: pods.length, updatedReplicas: pods.length, observedGeneration: sts.metadata.generation };
    const next = { ...sts.status, ...status };
    if (!jsonEqual(next, sts.status)) store.update('statefulsets', { ...sts, status: next }, 'status');
  }
}
