// The checks made right before every action: the declared quorum groups' per-batch limit, the
// task's own guard conditions (reported as guard events), then the identity-based safety of the
// run (self-preemption, reboot without drain, the disruption budget, the datastore guard).
import { shellLine } from '../connection/command.js';
import type { Disruption } from '../cluster/disruption.js';
import type { Vars } from '../load/model.js';
import { groupsOfHost } from '../plan/quorum.js';
import { parseDuration } from '../shared/duration.js';
import type { BatchRunner } from './batch.js';
import type { QuorumTracker } from './disruptions.js';
import { disruptionsOf } from '../module.js';
import { evaluateGuard } from './guards.js';
import type { AdmitRequest } from './safety/index.js';
import { targetSpec, type BeforeActionRequest } from './task-env.js';
import type { VarScope } from './scope.js';
import { BOOT_ID, readBootId } from './resume-tasks.js';
import { CENSORED } from './record.js';

// Returns the refused result (msg and details) or undefined when the action may run.
export async function checkBeforeAction(br: BatchRunner, tracker: QuorumTracker, req: BeforeActionRequest): Promise<Vars | undefined> {
  // a halted run (lost lock, journal not writable) starts no new action, not even a loop's next item
  if (br.ctx.haltReason) return { msg: `not started: ${br.ctx.haltReason}`, halted: true };
  const disruptions = disruptionsOf(req.mod, req.args);
  for (const d of disruptions) {
    const quorum = tracker.admit(d.apiNode ?? req.target, d.what);
    if (quorum) return { msg: quorum, refused: 'quorum-serial' };
  }
  const tripped = await checkGuard(br, req);
  if (tripped) return tripped;
  for (const d of disruptions) {
    const refusal = await br.ctx.safety.admit(admitRequest(br, req, d));
    if (refusal) {
      br.ctx.guardTripped = true;
      return refusal;
    }
  }
  if (disruptions.length > 0 && !req.checkMode) return writeIntent(br, req, [...new Set(disruptions.map((d) => d.kind))]);
  return undefined;
}

// Write-ahead: the journal records that a disruptive action starts (with the target's boot id before
// a reboot) — or the action does not start, and the run halts.
async function writeIntent(br: BatchRunner, req: BeforeActionRequest, kinds: string[]): Promise<Vars | undefined> {
  const j = br.ctx.options.journal;
  if (!j || !req.key) return undefined;
  const bootCmd = typeof req.args['boot_time_command'] === 'string' ? req.args['boot_time_command'] : BOOT_ID;
  const boot = kinds.includes('reboot') ? await readBootId(br, req.target, req.host, req.scope, bootCmd) : undefined;
  try {
    await j.intent({ play: br.playNo, batch: br.batchNo, host: req.host, key: req.key, task: br.ctx.secrets.text(req.task.name ?? req.task.action), kinds, ...(req.target !== req.host ? { target: req.target } : {}), ...(boot ? { boot, boot_cmd: bootCmd } : {}) });
  } catch (e) {
    br.ctx.halt((e as Error).message);
    return { msg: `not started: ${(e as Error).message}`, halted: true };
  }
  br.disrupted.set(`${req.host}\0${req.key}`, kinds);
  return undefined;
}

// After the action: what the safety of the run must remember (a drain that succeeded).
export async function recordAfterAction(br: BatchRunner, req: BeforeActionRequest, result: Vars): Promise<void> {
  for (const d of disruptionsOf(req.mod, req.args)) await br.ctx.safety.record(admitRequest(br, req, d), result);
}

function seconds(scope: VarScope, name: string, dflt: number): number {
  const v = scope.get(name);
  const s = parseDuration(v);
  return s === undefined ? dflt : s;
}

function admitRequest(br: BatchRunner, req: BeforeActionRequest, d: Disruption): AdmitRequest {
  const spec = targetSpec(br, req.target, req.host, req.scope);
  const api = d.apiNode !== undefined ? req.mod.apiCluster?.(req.args) : undefined;
  const kc = req.scope.get('tsplay_kubeconfig');
  const cx = req.scope.get('tsplay_kube_context');
  const apiRef = { ...(typeof kc === 'string' && kc ? { kubeconfig: kc } : {}), ...(typeof cx === 'string' && cx ? { context: cx } : {}), ...api };
  return {
    host: req.host,
    target: req.target,
    localTarget: spec.transport === 'local',
    disruption: d,
    apiRef,
    batch: `${br.playNo}/${br.batchNo}`,
    checkMode: req.checkMode,
    signal: br.signal,
    budgetWaitS: seconds(req.scope, 'tsplay_budget_wait', 300),
    guardWaitS: seconds(req.scope, 'tsplay_datastore_guard_wait', 120),
    windowS: seconds(req.scope, 'tsplay_datastore_window', 300),
  };
}

// The task's `guard:` conditions; a tripped guard fails the host with the evidence.
async function checkGuard(br: BatchRunner, req: BeforeActionRequest): Promise<Vars | undefined> {
  const { task, host, target, scope } = req;
  if (!task.guard) return undefined;
  const name = task.name ?? task.action;
  const conn = () => br.ctx.pool.get(targetSpec(br, target, host, scope));
  const peers = groupsOfHost(br.ctx.quorumGroups, target).flatMap((g) =>
    g.members.filter((m) => m !== target).map((m) => ({
      host: m,
      group: g.name,
      ...(g.datastore ? { datastore: g.datastore } : {}),
      run: (cmd: string) => br.ctx.pool.get(targetSpec(br, m, m, br.vars.scope(br.rt, m))).exec(shellLine(cmd), req.exec),
    })),
  );
  const verdict = await evaluateGuard(task.guard.raw, {
    exec: (cmd, opts) => conn().exec(cmd, { ...req.exec, ...opts }),
    scope,
    host: target,
    signal: br.signal,
    peers,
    onWait: (condition, evidence, remaining) => br.ctx.emit({ type: 'guard', play: br.playNo, batch: br.batchNo, host, task: name, condition, status: 'waiting', evidence: req.noLog ? CENSORED : evidence, remaining_s: remaining }),
  });
  if (verdict.ok) {
    br.ctx.emit({ type: 'guard', play: br.playNo, batch: br.batchNo, host, task: name, condition: Object.keys(task.guard.raw).join(','), status: 'ok' });
    return undefined;
  }
  br.ctx.guardTripped = true;
  // under no_log the evidence (a guard command's line and its output) is censored like the result
  const evidence = req.noLog ? CENSORED : (verdict.evidence ?? '');
  br.ctx.emit({ type: 'guard', play: br.playNo, batch: br.batchNo, host, task: name, condition: verdict.condition ?? 'guard', status: 'tripped', evidence });
  return { msg: `guard tripped: ${verdict.condition}: ${evidence}`, guard: { condition: verdict.condition, evidence } };
}
