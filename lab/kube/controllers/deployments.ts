// The Deployment controller, simplified: one ReplicaSet per pod template (named by its hash),
// older ReplicaSets scaled to zero (a Recreate-style rollout), status counted from the pods.
import type { KubeStore } from '../store.js';
import { stableHash } from '../names.js';
import { controllerOf, isPodReady, nowTimestamp, type KubeObject } from '../types.js';
import { controllerRef, isActivePod, podsOwnedBy } from './replicas.js';

function condition(type: string, ok: boolean, reason: string, message: string, prev: { type?: string; status?: string; lastTransitionTime?: string }[]): Record<string, string> {
  const status = ok ? 'True' : 'False';
  const old = prev.find((c) => c.type === type);
  const now = nowTimestamp();
  return { type, status, reason, message, lastUpdateTime: now, lastTransitionTime: old?.status === status ? (old.lastTransitionTime ?? now) : now };
}

function desiredReplicaSet(d: KubeObject, hash: string): KubeObject {
  const tpl = structuredClone(d.spec?.template ?? {});
  tpl.metadata = { ...(tpl.metadata ?? {}), labels: { ...(tpl.metadata?.labels ?? {}), 'pod-template-hash': hash } };
  const sel = d.spec?.selector ?? {};
  return {
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...(tpl.metadata.labels ?? {}) },
      annotations: { 'deployment.kubernetes.io/revision': String(d.metadata.generation ?? 1) },
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas: d.spec?.replicas ?? 1,
      selector: { ...sel, matchLabels: { ...(sel.matchLabels ?? {}), 'pod-template-hash': hash } },
      template: tpl,
    },
  };
}

// Reconcile each Deployment's ReplicaSets and status.
export function syncDeployments(store: KubeStore): void {
  for (const d of store.items('deployments')) {
    if (d.metadata.deletionTimestamp) continue;
    const ns = d.metadata.namespace;
    const hash = stableHash(d.spec?.template ?? {});
    const want = desiredReplicaSet(d, hash);
    const owned = store.items('replicasets').filter((rs) => rs.metadata.namespace === ns && controllerOf(rs)?.uid === d.metadata.uid);
    const current = owned.find((rs) => rs.metadata.name === want.metadata.name);
    if (!current) store.create('replicasets', want);
    else if (current.spec?.replicas !== want.spec.replicas) store.update('replicasets', { ...current, spec: { ...current.spec, replicas: want.spec.replicas } });
    for (const old of owned) {
      if (old.metadata.name !== want.metadata.name && old.spec?.replicas !== 0) store.update('replicasets', { ...old, spec: { ...old.spec, replicas: 0 } });
    }
    const sets = store.items('replicasets').filter((rs) => rs.metadata.namespace === ns && controllerOf(rs)?.uid === d.metadata.uid);
    const pods = sets.flatMap((rs) => podsOwnedBy(store, rs)).filter(isActivePod);
    const newRs = sets.find((rs) => rs.metadata.name === want.metadata.name);
    const updated = newRs ? podsOwnedBy(store, newRs).filter(isActivePod).length : 0;
    const ready = pods.filter(isPodReady).length;
    const replicas = Number(d.spec?.replicas ?? 1);
    const prev = d.status?.conditions ?? [];
    const status = {
      observedGeneration: d.metadata.generation,
      replicas: pods.length,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : {}),
      conditions: [
        condition('Available', ready >= replicas, ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', prev),
        condition('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${want.metadata.name}" has successfully progressed.`, prev),
      ],
    };
    const cur = store.peek('deployments', d.metadata.name ?? '', ns);
    if (cur && !sameCounts(cur.status, status)) store.update('deployments', { ...cur, status }, 'status');
  }
}

// Whether two deployment statuses agree on everything but condition timestamps.
function sameCounts(a: Record<string, unknown> | undefined, b: Record<string, unknown>): boolean {
  const strip = (s: Record<string, unknown> | undefined) => JSON.stringify({ ...s, conditions: ((s?.['conditions'] as { type: string; status: string }[] | undefined) ?? []).map((c) => [c.type, c.status]) });
  return strip(a) === strip(b);
}
