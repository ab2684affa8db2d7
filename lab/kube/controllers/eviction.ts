// The pods/eviction subresource: delete a pod only if its PodDisruptionBudget allows it.
import { KubeStatusError, internalError, notFound } from '../errors.js';
import { mustResource } from '../resources.js';
import type { KubeStore } from '../store.js';
import { isPodReady, type KubeObject } from '../types.js';
import { pdbsForPod } from './pdb.js';

// Options of an eviction (policy/v1 Eviction.deleteOptions).
export interface EvictOptions {
  gracePeriodSeconds?: number | undefined;
  preconditions?: { uid?: string; resourceVersion?: string } | undefined;
  // dryRun=All: the same checks and answer, nothing deleted and the budget untouched.
  dryRun?: boolean | undefined;
}

// The apiserver's message for an eviction blocked by a disruption budget.
export const PDB_VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

function tooManyRequests(cause: string): KubeStatusError {
  return new KubeStatusError(429, 'TooManyRequests', PDB_VIOLATION_MESSAGE, { causes: [{ reason: 'DisruptionBudget', message: cause }] });
}

// Evict: 404 if the pod is missing, 500 if several PDBs match, 429 if the PDB allows no disruption;
// otherwise delete the pod (gracefully) and return it. Mirrors pkg/registry/core/pod/storage/eviction.go.
// A dry run makes the same decision and changes nothing.
export function evictPod(store: KubeStore, name: string, namespace: string, opts: EvictOptions = {}): KubeObject {
  const pod = store.peek('pods', name, namespace);
  if (!pod) throw notFound(mustResource('pods'), name);
  const del = { gracePeriodSeconds: opts.gracePeriodSeconds, preconditions: opts.preconditions, dryRun: opts.dryRun === true };
  const phase = pod.status?.phase;
  if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') {
    return store.delete('pods', name, namespace, del);
  }
  const pdbs = pdbsForPod(store, pod);
  if (pdbs.length > 1) throw internalError('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const pdb = pdbs[0];
  if (!pdb) return store.delete('pods', name, namespace, del);
  const st = pdb.status ?? {};
  if (st.observedGeneration === undefined || st.observedGeneration < (pdb.metadata.generation ?? 0)) {
    throw tooManyRequests(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
  }
  // An unready pod may go while the budget is met (unhealthyPodEvictionPolicy IfHealthyBudget, the default).
  const healthyBudget = (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0);
  if (!isPodReady(pod) && (healthyBudget || pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow')) {
    return store.delete('pods', name, namespace, del);
  }
  if ((st.disruptionsAllowed ?? 0) <= 0) {
    throw tooManyRequests(`The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
  }
  const disrupted = { ...(st.disruptedPods ?? {}), [name]: new Date().toISOString() };
  if (!del.dryRun) store.update('poddisruptionbudgets', { ...pdb, status: { ...st, disruptionsAllowed: st.disruptionsAllowed - 1, disruptedPods: disrupted } }, 'status');
  return store.delete('pods', name, namespace, del);
}
