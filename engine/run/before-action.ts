// The checks made right before every action: the self-preemption guard, the run-time
// quorum limit, and the task's guard conditions (reported as guard events).
import { shellLine } from '../connection/command.js';
import type { Vars } from '../load/model.js';
import { groupsOfHost } from '../plan/quorum.js';
import type { BatchRunner } from './batch.js';
import { evaluateGuard } from './guards.js';
import { disruptionOf, isSelfTarget, selfDrainRefusal, selfNodeName, touchesKubelet, type QuorumTracker } from './safety.js';
import { targetSpec, type BeforeActionRequest } from './task-env.js';

// Returns the refused result (msg and details) or undefined when the action may run.
export async function checkBeforeAction(br: BatchRunner, tracker: QuorumTracker, req: BeforeActionRequest): Promise<Vars | undefined> {
  const { task, host, target, args, scope } = req;
  const reason = disruptionOf(req.mod, args);
  if (reason) {
    const node = br.ctx.options.selfNode ?? selfNodeName();
    const apiNode = req.mod.apiNode?.(args);
    const drain = apiNode !== undefined ? selfDrainRefusal(apiNode, reason, node) : undefined;
    if (drain) return { msg: drain, refused: 'self-preemption' };
    if (touchesKubelet(reason) && isSelfTarget(targetSpec(br, target, host, scope), target, node)) {
      return { msg: `self-preemption guard: refusing ${reason} on '${target}': it is the node tsplay runs on (${node}); run tsplay from another machine`, refused: 'self-preemption' };
    }
    const affected = apiNode ?? target;
    const quorum = tracker.admit(affected, reason);
    if (quorum) return { msg: quorum, refused: 'quorum-serial' };
  }
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
    onWait: (condition, evidence, remaining) => br.ctx.emit({ type: 'guard', play: br.playNo, batch: br.batchNo, host, task: name, condition, status: 'waiting', evidence, remaining_s: remaining }),
  }, task);
  if (verdict.ok) {
    br.ctx.emit({ type: 'guard', play: br.playNo, batch: br.batchNo, host, task: name, condition: Object.keys(task.guard.raw).join(','), status: 'ok' });
    return undefined;
  }
  br.ctx.guardTripped = true;
  br.ctx.emit({ type: 'guard', play: br.playNo, batch: br.batchNo, host, task: name, condition: verdict.condition ?? 'guard', status: 'tripped', evidence: verdict.evidence ?? '' });
  return { msg: `guard tripped: ${verdict.condition}: ${verdict.evidence}`, guard: { condition: verdict.condition, evidence: verdict.evidence } };
}
