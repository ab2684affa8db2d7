// The disruption controller: PodDisruptionBudget status from the Ready pods its selector matches.
import type { KubeStore } from '../store.js';
import { selectorMatches } from '../selectors.js';
import { isPodReady, jsonEqual, nowTimestamp, type KubeObject } from '../types.js';
import { isActivePod } from './replicas.js';

// The counts a PDB status carries.
export interface PdbCounts {
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

// An int-or-percent scaled against `total`, rounding up like intstr.GetScaledValueFromIntOrPercent(…, true).
export function scaledValue(v: unknown, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

// The pods a PDB selects in its namespace (a nil selector selects none, an empty one all).
export function pdbPods(store: KubeStore, pdb: KubeObject): KubeObject[] {
  return store.items('pods').filter((p) => p.metadata.namespace === pdb.metadata.namespace && selectorMatches(pdb.spec?.selector, p.metadata.labels));
}

// The PDBs in the pod's namespace whose selector matches it.
export function pdbsForPod(store: KubeStore, pod: KubeObject): KubeObject[] {
  return store.items('poddisruptionbudgets').filter((b) => b.metadata.namespace === pod.metadata.namespace && selectorMatches(b.spec?.selector, pod.metadata.labels));
}

// expectedPods, currentHealthy, desiredHealthy and disruptionsAllowed for a PDB spec and its pods.
export function computePdbCounts(spec: { minAvailable?: unknown; maxUnavailable?: unknown } | undefined, pods: KubeObject[]): PdbCounts {
  const active = pods.filter(isActivePod);
  const expectedPods = active.length;
  const currentHealthy = active.filter(isPodReady).length;
  let desiredHealthy = 0;
  if (spec?.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    desiredHealthy = Math.max(0, expectedPods - scaledValue(spec.maxUnavailable, expectedPods));
  } else if (spec?.minAvailable !== undefined && spec.minAvailable !== null) {
    desiredHealthy = scaledValue(spec.minAvailable, expectedPods);
  } else {
    desiredHealthy = expectedPods;
  }
  const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
  return { expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed };
}

// Recompute the status of every PDB (only writes when something changed).
export function syncPdbs(store: KubeStore): void {
  for (const pdb of store.items('poddisruptionbudgets')) {
    const counts = computePdbCounts(pdb.spec, pdbPods(store, pdb));
    const ok = counts.disruptionsAllowed > 0;
    const prev = (pdb.status?.conditions ?? []).find((c: { type?: string }) => c.type === 'DisruptionAllowed');
    const condStatus = ok ? 'True' : 'False';
    const condition = {
      type: 'DisruptionAllowed',
      status: condStatus,
      reason: ok ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: pdb.metadata.generation,
      lastTransitionTime: prev?.status === condStatus ? prev.lastTransitionTime : nowTimestamp(),
    };
    const status = { ...pdb.status, observedGeneration: pdb.metadata.generation, ...counts, conditions: [condition] };
    delete status.disruptedPods;
    if (!jsonEqual(status, pdb.status)) store.update('poddisruptionbudgets', { ...pdb, status }, 'status');
  }
}
