// The drain verb end to end: the read-only plan (filters, PDB pre-flight; in check mode a dry-run
// eviction of every pod, so the API server itself says what it would refuse) for the probe, and the
// apply: cordon (annotated) → re-plan → evict → wait. On failure the node stays cordoned and the
// message names each pod still there and the budget blocking it. Results carry a `_tsplay_report`:
// the count in the plain log, the pod names in JSON.
import type { KubeClient } from '../../engine/kube/index.js';
import type { ModuleResult, Probe } from '../../engine/module.js';
import { cordonOwner, ensureCordoned, CORDONED_BY } from './kube-cordon.js';
import { evictPods, type DrainOutcome } from './kube-drain.js';
import { dryRunEvictions, refusalText } from './kube-drain-dryrun.js';
import { pdbsFor, planDrain, type Blocker, type DrainFlags, type DrainPlan } from './kube-drain-plan.js';
import { keyOf, type Obj } from './kube-objects.js';

// Everything the drain needs besides the client.
export interface DrainSpec {
  node: string;
  flags: DrainFlags;
  timeoutMs: number;
  retryDelayMs: number;
  gracePeriod?: number | undefined;
  /** seconds after which an evicted pod still Terminating is force-deleted; 0 = never */
  forceStuckAfter: number;
  runId: string;
}

function blockText(b: Blocker): string {
  return `pod ${b.pod} blocked by PodDisruptionBudget ${b.pdb} (disruptionsAllowed ${b.disruptions_allowed})`;
}

function podLines(plan: DrainPlan): string {
  return plan.evict.map((p) => `  ${keyOf(p)}\n`).join('');
}

// The probe: fails on filter errors (before anything changes), else what the drain would do. In
// check mode every eviction is also sent as a dry run: a pod the API server refuses now fails the
// check, as the real drain would fail after its timeout.
export async function drainProbe(client: KubeClient, node: Obj, s: DrainSpec, checkMode = false): Promise<Probe> {
  const plan = await planDrain(client, s.node, s.flags);
  const owner = cordonOwner(node);
  const base: ModuleResult = { node: s.node, cordoned: owner.cordoned, warnings: plan.warnings, skipped_pods: plan.skipped };
  if (plan.errors.length > 0) return { changed: false, result: { ...base, errors: plan.errors }, failed: `cannot drain node ${s.node}: ${plan.errors.join('; ')}` };
  const changed = !owner.cordoned || plan.evict.length > 0;
  if (!changed) return { changed: false, result: { changed: false, ...base, evicted: [], msg: `node ${s.node} already drained`, _tsplay_report: { summary: 'already drained, 0 pods to evict', evicted: [] } } };
  const wouldEvict = plan.evict.map(keyOf);
  const asked = checkMode && !s.flags.disableEviction && plan.evict.length > 0 ? await dryRunEvictions(client, plan.evict, s.gracePeriod) : undefined;
  // an API server without dry runs: the PodDisruptionBudgets' status decides instead
  const dry = asked && !asked.unsupported ? asked : undefined;
  const fromStatus = checkMode && !dry && plan.blocked.length ? { allowed: [], refused: plan.blocked.map((b) => ({ pod: b.pod, message: blockText(b).replace(/^pod \S+ /, '') })), gone: [], failed: [] } : undefined;
  const refused = dry || fromStatus ? refusalText(s.node, dry ?? fromStatus!, s.retryDelayMs / 1000, s.timeoutMs / 1000, !dry) : undefined;
  const report = { summary: `would evict ${wouldEvict.length} pod(s)${dry ? ` (dry run: ${dry.allowed.length} allowed, ${dry.refused.length + dry.failed.length} refused)` : ''}`, would_evict: wouldEvict, ...(dry ? { dry_run: dry } : {}) };
  if (refused) return { changed: false, result: { ...base, would_cordon: !owner.cordoned, would_evict: wouldEvict, blocked: dry ? [] : plan.blocked, ...(dry ? { dry_run: dry } : {}), _tsplay_report: report }, failed: refused };
  const blockMsg = !dry && plan.blocked.length ? `; ${plan.blocked.length} would be blocked now: ${plan.blocked.map(blockText).join('; ')}` : '';
  const checkResult: ModuleResult = {
    changed: true, ...base, would_cordon: !owner.cordoned, would_evict: wouldEvict, evicted: [], blocked: dry ? [] : plan.blocked, ...(dry ? { dry_run: dry } : {}),
    msg: `would ${owner.cordoned ? '' : `cordon node ${s.node} and `}evict ${wouldEvict.length} pod(s)${dry ? ' (every eviction allowed by the API server, dry run)' : ''}${blockMsg}`,
    _tsplay_report: report,
  };
  const before = `node/${s.node}: ${owner.cordoned ? 'cordoned' : 'schedulable'}\npods:\n${podLines(plan)}`;
  const after = `node/${s.node}: cordoned${owner.cordoned ? '' : ` (${CORDONED_BY}: ${s.runId})`}\npods:\n`;
  return { changed: true, result: { changed: true, ...base }, checkResult, diff: [{ before_header: `node/${s.node}`, after_header: `node/${s.node}`, before, after }] };
}

async function describeFailure(client: KubeClient, evicted: Obj[], out: DrainOutcome): Promise<{ blocked: Blocker[]; lines: string[] }> {
  const pdbs = out.blocked.length ? (await client.list('poddisruptionbudgets', { allNamespaces: true })).items : [];
  const blocked: Blocker[] = [];
  const lines: string[] = [];
  for (const b of out.blocked) {
    const pod = evicted.find((p) => keyOf(p) === b.pod);
    const pdb = pod ? pdbsFor(pod, pdbs)[0] : undefined;
    if (pdb) {
      const bl = { pod: b.pod, pdb: keyOf(pdb), disruptions_allowed: Number(pdb['status']?.disruptionsAllowed ?? 0) };
      blocked.push(bl);
      lines.push(blockText(bl));
    } else lines.push(`pod ${b.pod}: eviction refused: ${b.message}`);
  }
  for (const f of out.failed) lines.push(`pod ${f.pod}: eviction failed: ${f.message}`);
  for (const t of out.terminating) lines.push(`pod ${t} still terminating${out.forced.includes(t) ? ' after a forced delete' : ' (stuck? force_stuck_after force-deletes such pods)'}`);
  if (out.aborted) lines.push('interrupted');
  return { blocked, lines };
}

// The apply: cordon, re-plan on the cordoned node, evict and wait; the node stays cordoned on failure.
export async function runDrain(client: KubeClient, s: DrainSpec, signal: AbortSignal, progress: (m: string, d: Record<string, unknown>) => void): Promise<ModuleResult> {
  const start = Date.now();
  const cordonedNow = await ensureCordoned(client, s.node, s.runId);
  const plan = await planDrain(client, s.node, s.flags);
  const base: ModuleResult = { node: s.node, cordoned: true, cordoned_now: cordonedNow, warnings: plan.warnings, skipped_pods: plan.skipped };
  if (plan.errors.length > 0) return { changed: true, failed: true, ...base, errors: plan.errors, msg: `cannot drain node ${s.node}: ${plan.errors.join('; ')} (the node stays cordoned)` };
  for (const b of plan.blocked) progress(`draining ${s.node}: ${blockText(b)}; retrying every ${s.retryDelayMs / 1000}s`, { node: s.node, blocked: [b] });
  const out = await evictPods(client, s.node, plan.evict, {
    deadline: start + s.timeoutMs, retryDelayMs: s.retryDelayMs, gracePeriod: s.gracePeriod, disableEviction: s.flags.disableEviction,
    skipWaitForDeleteTimeout: s.flags.skipWaitForDeleteTimeout, forceStuckAfter: s.forceStuckAfter, signal, progress,
  });
  const ok = out.blocked.length === 0 && out.failed.length === 0 && out.terminating.length === 0 && !out.aborted;
  const verb = s.flags.disableEviction ? 'deleted' : 'evicted';
  const forced = out.forced.length ? `, ${out.forced.length} force-deleted after being stuck Terminating` : '';
  const report = { summary: `${out.evicted.length} pod(s) ${verb}${forced} in ${Math.round((Date.now() - start) / 1000)}s`, evicted: out.evicted, force_deleted: out.forced };
  if (ok) return { changed: true, ...base, evicted: out.evicted, force_deleted: out.forced, blocked: [], msg: `node ${s.node} drained (${out.evicted.length} pod(s) ${verb}${forced})`, _tsplay_report: report };
  const { blocked, lines } = await describeFailure(client, plan.evict, out);
  const secs = Math.round((Date.now() - start) / 1000);
  return {
    changed: true, failed: true, ...base, evicted: out.evicted.filter((p) => !out.terminating.includes(p)), blocked,
    failed_pods: out.failed, terminating: out.terminating, force_deleted: out.forced, _tsplay_report: report,
    msg: `drain of node ${s.node} ${out.aborted ? 'was interrupted' : `did not finish within ${s.timeoutMs / 1000}s`} (after ${secs}s; the node stays cordoned): ${lines.join('; ')}`,
  };
}
