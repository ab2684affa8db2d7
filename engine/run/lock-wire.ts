// Which run lock a run takes and when: up front for a play on a declared quorum group (the
// cluster's Lease when the group names an API, else a lock file on its first host), or before a
// cluster's first disruption. Once held, it is confirmed before each task and afresh before each
// disruption; a lost lock halts the run before its next task.
import { isUndefined } from '../expr/index.js';
import { KubeClient, loadKubeconfig } from '../kube/index.js';
import type { QuorumGroup } from '../plan/quorum.js';
import type { RunContext } from './context.js';
import { LockError, lockOwner, lockTtlS, type HeldLock, type LockOptions, type LockOwner } from './lock.js';
import { fileLock } from './lock-file.js';
import { leaseLock } from './lock-lease.js';
import type { Cluster } from './safety/clusters.js';
import { targetSpec } from './task-env.js';
import type { PlayRuntime, VarsBuilder } from './vars.js';

export class RunLocks {
  held: HeldLock | undefined;

  constructor(private readonly ctx: RunContext, private readonly vars: VarsBuilder) {}

  private options(): LockOptions {
    const ctx = this.ctx;
    return {
      ...(ctx.options.breakLock !== undefined ? { breakLock: ctx.options.breakLock } : {}),
      ...(ctx.options.resume ? { resumedFrom: ctx.options.resume.from } : {}),
      ...(ctx.options.inCluster?.holderGone ? { holderGone: ctx.options.inCluster.holderGone } : {}),
      ttlS: lockTtlS(),
      note: (msg) => ctx.emit({ type: 'warning', msg: `run lock: ${msg}` }),
      onLost: (why) => {
        ctx.halt(`${why}; this run stops before its next task (continue it with --resume once the other run is done)`);
        ctx.emit({ type: 'lock', status: 'lost', where: this.held?.where ?? '?', run: ctx.runId, msg: why });
      },
    };
  }

  private took(l: HeldLock): HeldLock {
    this.held = l;
    this.ctx.lock = l;
    this.ctx.emit({ type: 'lock', status: 'taken', where: l.where, run: this.ctx.runId });
    return l;
  }

  // The lock of a quorum group: the Lease of the API its first member names, else a lock file there.
  async forGroup(group: QuorumGroup, rt: PlayRuntime): Promise<HeldLock> {
    const ctx = this.ctx;
    const first = group.members[0] as string;
    const scope = this.vars.scope(rt, first);
    const me = this.owner();
    const kc = scope.get('tsplay_kubeconfig');
    if (!isUndefined(kc) && kc) {
      const cx = scope.get('tsplay_kube_context');
      const target = loadKubeconfig({ path: String(kc), ...(!isUndefined(cx) && cx ? { context: String(cx) } : {}) });
      return this.took(await leaseLock(new KubeClient(target, { timeoutMs: 10_000 }), me, this.options()));
    }
    const rootVar = scope.get('tsplay_node_root');
    const root = isUndefined(rootVar) || !rootVar ? '' : String(rootVar);
    const conn = () => ctx.pool.get(targetSpec({ ctx, vars: this.vars, rt }, first, first, scope));
    return this.took(await fileLock((cmd) => conn().exec(cmd, { timeoutMs: 60_000 }), `${root}/var/tmp/tsplay-run.lock`, first, me, this.options()));
  }

  // Before a cluster's disruption: take its Lease the first time, afterwards confirm the lock held.
  async forCluster(c: Cluster): Promise<void> {
    if (this.held) {
      const lost = await this.held.confirm(true, this.ctx.options.stop ?? this.ctx.options.signal);
      if (lost) throw new LockError(lost);
      return;
    }
    this.took(await leaseLock(c.client, this.owner(), this.options()));
  }

  // This run as the lock's owner (with its Pod when it runs in the cluster).
  private owner(): LockOwner {
    const pod = this.ctx.options.inCluster?.pod;
    return { ...lockOwner(this.ctx.runId, this.ctx.playbook.file), ...(pod ? { pod } : {}) };
  }

  // The run handed off: the lock stays held for the successor, no longer renewed by this process.
  keep(): void {
    const l = this.held;
    this.held = undefined;
    this.ctx.lock = undefined;
    l?.keep?.();
  }

  // Releases the lock (if any) and reports truthfully what happened.
  async release(): Promise<void> {
    const l = this.held;
    if (!l) return;
    this.held = undefined;
    this.ctx.lock = undefined;
    const r = await l.release();
    if (r.released) this.ctx.emit({ type: 'lock', status: 'released', where: l.where, run: this.ctx.runId });
    else if (!l.lost) this.ctx.emit({ type: 'lock', status: 'not-released', where: l.where, run: this.ctx.runId, msg: r.msg });
  }
}
