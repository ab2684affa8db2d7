// kubectl action=unstick, run before a drain (the upgrade chain's predrain_unstick): clears what no
// drain can. Pods of a PodDisruptionBudget that can never allow a disruption — every pod healthy and
// still none allowed (minAvailable equal to the replicas, maxUnavailable 0, one replica with
// minAvailable 1) — are deleted, not evicted, so their controller recreates them on another node;
// pods on the node stuck Terminating longer than stuck_after are force-deleted (grace period 0).
import type { KubeClient } from '../../engine/kube/index.js';
import type { ModuleResult, Probe } from '../../engine/module.js';
import { pdbsFor } from './kube-drain-plan.js';
import { controllerOf, isFinished, isMirrorPod, keyOf, type Obj } from './kube-objects.js';

// What unstick would delete, and why.
export interface UnstickPlan {
  deadlocked: { pod: string; pdb: string; why: string }[];
  stuck: { pod: string; terminating_s: number }[];
  /** deadlocked pods left alone: nothing would recreate them */
  unmanaged: string[];
}

// Why a PDB can never allow a disruption, or undefined when it can (or is only short of healthy pods now).
export function deadlockOf(pdb: Obj): string | undefined {
  const st = pdb['status'] ?? {};
  const allowed = Number(st.disruptionsAllowed ?? 0);
  const expected = Number(st.expectedPods ?? 0);
  const healthy = Number(st.currentHealthy ?? 0);
  const desired = Number(st.desiredHealthy ?? 0);
  if (allowed > 0 || expected === 0 || healthy < expected || desired < expected) return undefined;
  return `all ${expected} pod(s) healthy and still no disruption allowed (needs ${desired} healthy)`;
}

// Reads the node's pods and the PDBs and decides.
export async function planUnstick(client: KubeClient, node: string, stuckAfterS: number, now = Date.now()): Promise<UnstickPlan> {
  const pods = (await client.list('pods', { allNamespaces: true, fieldSelector: `spec.nodeName=${node}` })).items;
  const pdbs = (await client.list('poddisruptionbudgets', { allNamespaces: true })).items;
  const plan: UnstickPlan = { deadlocked: [], stuck: [], unmanaged: [] };
  for (const pod of pods) {
    const del = pod['metadata']?.deletionTimestamp as string | undefined;
    if (del) {
      const secs = Math.round((now - Date.parse(del)) / 1000);
      if (secs >= stuckAfterS) plan.stuck.push({ pod: keyOf(pod), terminating_s: secs });
      continue;
    }
    if (isMirrorPod(pod) || isFinished(pod) || controllerOf(pod)?.kind === 'DaemonSet') continue;
    const pdb = pdbsFor(pod, pdbs)[0];
    const why = pdb ? deadlockOf(pdb) : undefined;
    if (!pdb || !why) continue;
    if (!controllerOf(pod)) plan.unmanaged.push(keyOf(pod));
    else plan.deadlocked.push({ pod: keyOf(pod), pdb: keyOf(pdb), why });
  }
  return plan;
}

function summary(p: UnstickPlan, would: boolean): string {
  const parts = [];
  if (p.deadlocked.length) parts.push(`${would ? 'would delete' : 'deleted'} ${p.deadlocked.length} pod(s) of a deadlocked PodDisruptionBudget`);
  if (p.stuck.length) parts.push(`${would ? 'would force-delete' : 'force-deleted'} ${p.stuck.length} pod(s) stuck Terminating`);
  return parts.join(', ') || 'nothing stuck';
}

// The probe of action=unstick: what would be deleted; apply deletes it.
export async function unstickProbe(client: KubeClient, node: string, stuckAfterS: number): Promise<{ probe: Probe; plan: UnstickPlan }> {
  const plan = await planUnstick(client, node, stuckAfterS);
  const base = { node, deadlocked: plan.deadlocked, stuck: plan.stuck, unmanaged: plan.unmanaged, ...(plan.unmanaged.length ? { warnings: plan.unmanaged.map((p) => `pod ${p} is under a deadlocked PodDisruptionBudget but has no controller to recreate it: left alone`) } : {}) };
  const changed = plan.deadlocked.length + plan.stuck.length > 0;
  if (!changed) return { plan, probe: { changed: false, result: { changed: false, ...base, _tsplay_report: { summary: 'nothing stuck' } } } };
  const lines = [...plan.deadlocked.map((d) => `delete pod ${d.pod} (PodDisruptionBudget ${d.pdb}: ${d.why})`), ...plan.stuck.map((s) => `force-delete pod ${s.pod} (Terminating for ${s.terminating_s}s)`)];
  return {
    plan,
    probe: {
      changed: true,
      result: { changed: true, ...base },
      checkResult: { changed: true, ...base, msg: lines.join('; '), _tsplay_report: { summary: summary(plan, true), deadlocked: plan.deadlocked.map((d) => d.pod), stuck: plan.stuck.map((s) => s.pod) } },
      diff: [{ prepared: lines.join('\n') }],
    },
  };
}

// Deletes the deadlocked pods (their own grace period) and force-deletes the stuck ones.
export async function runUnstick(client: KubeClient, node: string, plan: UnstickPlan): Promise<ModuleResult> {
  const del = async (key: string, force: boolean) => {
    const [ns, name] = key.split('/') as [string, string];
    await client.delete('pods', name, { namespace: ns, ignoreNotFound: true, ...(force ? { gracePeriodSeconds: 0 } : {}) });
  };
  for (const d of plan.deadlocked) await del(d.pod, false);
  for (const s of plan.stuck) await del(s.pod, true);
  const report = { summary: summary(plan, false), deadlocked: plan.deadlocked.map((d) => d.pod), stuck: plan.stuck.map((s) => s.pod) };
  return { changed: true, node, deadlocked: plan.deadlocked, stuck: plan.stuck, unmanaged: plan.unmanaged, msg: report.summary, _tsplay_report: report };
}
