// The linear strategy for one batch: every task runs on all live hosts of the batch (up
// to --forks / throttle at once) before the next one starts; blocks route failing hosts
// through rescue and always; any_errors_fatal and max_fail_percentage stop the play. The
// bookkeeping of each outcome (events, stats, register, notify) is in record.ts.
import pLimit from 'p-limit';
import { hasTemplate, templateValue } from '../expr/index.js';
import type { Block, Node, Task, Vars } from '../load/model.js';
import { HaltRun, type RunContext } from './context.js';
import type { HostState } from './host-state.js';
import { allTags, displayName, inherited } from '../load/inherit.js';
import type { VarScope } from './scope.js';
import { shouldRun } from '../plan/tags.js';
import { runTaskOnHost, unexpectedFailure, type HostOutcome } from './task-host.js';
import { renderTaskName, sourceOf, truthy, type BeforeActionRequest, type TaskEnv } from './task-env.js';
import { QuorumTracker } from './disruptions.js';
import { checkBeforeAction, recordAfterAction } from './before-action.js';
import type { PlayRuntime, VarsBuilder } from './vars.js';
import { runMeta } from './meta.js';
import { isImplicitFacts, startsAt } from './start-at.js';
import { runInclude } from './include.js';
import { checkNotify, flushHandlers, notify } from './handlers.js';
import { BatchRecord, type RecordScope } from './record.js';
import { renderText } from './render.js';
import { TaskResume, type Restored } from './resume-tasks.js';
import { LockError } from './lock.js';

/** stops the batch (meta end_batch) */
export class EndBatch extends Error {}
/** stops the play (meta end_play) */
export class EndPlay extends Error {}
/** stops the whole run (any_errors_fatal, max_fail_percentage, run_once failure) */
export class AbortRun extends Error {
  constructor(message: string, readonly rc?: number) {
    super(message);
  }
}
/** a runtime ERROR! (missing handler): rc 1 */
export class RunError extends Error {}

export class BatchRunner implements TaskEnv, RecordScope {
  readonly signal: AbortSignal;
  /** the bookkeeping: events, stats, register, facts, inventory, notifications */
  readonly record: BatchRecord;
  private readonly tracker: QuorumTracker;
  /** task keys and --resume at task level */
  private readonly resume: TaskResume;
  /** `host/key` → the kinds of disruption a task's action caused (for its checkpoint) */
  readonly disrupted = new Map<string, string[]>();

  constructor(
    readonly ctx: RunContext,
    readonly vars: VarsBuilder,
    readonly rt: PlayRuntime,
    readonly playNo: number,
    readonly batchNo: number,
    readonly hosts: HostState[],
  ) {
    this.signal = ctx.options.signal ?? new AbortController().signal;
    this.tracker = new QuorumTracker(ctx.quorumGroups);
    this.record = new BatchRecord(this);
    this.resume = new TaskResume(ctx, ctx.options.resume, playNo, batchNo);
  }

  // TaskEnv: the key of the next run of a task on a host in this batch.
  taskKey(host: string, task: Task): string {
    return this.resume.key(host, task);
  }

  // TaskEnv: the outcome restored from the run being resumed, or undefined to run the task.
  restoreTask(task: Task, host: string, key: string, scope: VarScope): Promise<Restored | undefined> {
    return this.resume.restore(this, task, host, key, scope);
  }

  // Runs a section (pre_tasks, roles+tasks, post_tasks); failures left pending become final.
  async runSection(nodes: Node[], handler = false): Promise<void> {
    await this.runNodes(nodes, this.hosts.filter((h) => h.active), handler);
    for (const h of this.hosts) if (h.failure && !h.unreachable) this.failHost(h);
  }

  // Marks a host failed for the rest of the run.
  failHost(h: HostState): void {
    h.failure = undefined;
    h.failed = true;
    if (!this.forceHandlers) h.notified.clear();
  }

  // --force-handlers / force_handlers: failed hosts still run their notified handlers.
  get forceHandlers(): boolean {
    return this.rt.forceHandlers ?? this.ctx.options.forceHandlers;
  }

  async runNodes(nodes: Node[], hosts: HostState[], handler = false): Promise<void> {
    for (const node of nodes) {
      if (this.ctx.aborted) throw new AbortRun('interrupted');
      const active = hosts.filter((h) => h.active);
      if (active.length === 0) return;
      if (node.kind === 'block') await this.runBlock(node, active, handler);
      else await this.runTaskNode(node, active, handler);
    }
  }

  private async runBlock(block: Block, allHosts: HostState[], handler: boolean): Promise<void> {
    if (block.repeatedRole) return;
    const hosts = this.notRunYet(block, allHosts);
    if (hosts.length === 0) return;
    await this.runNodes(block.block, hosts, handler);
    const rescue = hosts.filter((h) => h.failure?.handledBy === block && !h.unreachable && !h.ended);
    if (block.rescue.length > 0 && rescue.length > 0) {
      for (const h of rescue) {
        const f = h.failure;
        h.failure = undefined;
        h.rescueVars = { ansible_failed_task: { name: f?.task.name ?? f?.task.action, action: f?.task.action }, ansible_failed_result: f?.result };
      }
      await this.runNodes(block.rescue, rescue, handler);
    }
    if (block.always.length === 0) return;
    const always = hosts.filter((h) => !h.unreachable && !h.ended && !h.failed);
    const saved = new Map(always.map((h) => [h, h.failure]));
    for (const h of always) h.failure = undefined;
    await this.runNodes(block.always, always, handler);
    for (const [h, f] of saved) {
      if (h.errorsCleared) h.errorsCleared = false;
      else if (h.failure === undefined && f) h.failure = f;
    }
  }

  // A role (its identity) runs once per host and play: the hosts that have not run it yet, now
  // marked as having run it, as Ansible's role has_run skips it.
  private notRunYet(block: Block, hosts: HostState[]): HostState[] {
    if (block.roleKey === undefined) return hosts;
    const runs = (this.rt.rolesRun ??= new Map());
    const ran = runs.get(block.roleKey) ?? new Set<string>();
    runs.set(block.roleKey, ran);
    const fresh = hosts.filter((h) => !ran.has(h.name));
    for (const h of fresh) ran.add(h.name);
    return fresh;
  }

  // The (rendered) tags of a task, for --tags/--skip-tags.
  tagsOf(task: Task, scope: VarScope): string[] {
    return allTags(task).flatMap((t) => {
      const v = typeof t === 'string' && hasTemplate(t) ? templateValue(t, scope) : t;
      return Array.isArray(v) ? v.map(String) : [String(v)];
    });
  }

  // Runs one task node on the hosts (tags, meta, includes, run_once, throttle). An error in what
  // is evaluated once for the task (tags, run_once, throttle: a bad template) fails the task on
  // its hosts instead of escaping the run.
  async runTaskNode(task: Task, hosts: HostState[], handler = false): Promise<void> {
    await this.ctx.checkRun();
    if (this.ctx.aborted) throw new AbortRun('interrupted');
    const state = { phase: 'before' as 'before' | 'running' | 'recorded' };
    try {
      await this.runTaskNodeIn(task, hosts, handler, state);
    } catch (e) {
      if (e instanceof AbortRun || e instanceof EndBatch || e instanceof EndPlay || e instanceof RunError || e instanceof LockError || e instanceof HaltRun) throw e;
      if (this.ctx.aborted) throw new AbortRun('interrupted');
      if (state.phase === 'recorded') throw new RunError(`${displayName(task)} (${sourceOf(task)}): ${e instanceof Error ? e.message : String(e)}`);
      if (state.phase === 'before') this.ctx.emit({ type: 'task', play: this.playNo, batch: this.batchNo, name: displayName(task), handler, action: task.action, hosts: hosts.map((h) => h.name), source: sourceOf(task) });
      for (const h of hosts) this.record.outcome(task, unexpectedFailure(task, h.name, e, this.ctx.options.verbosity), { handler, runOnce: false });
    }
  }

  private async runTaskNodeIn(task: Task, hosts: HostState[], handler: boolean, state: { phase: 'before' | 'running' | 'recorded' }): Promise<void> {
    const first = hosts[0] as HostState;
    const scope0 = this.vars.scope(this.rt, first.name, task);
    if (!handler && !shouldRun(this.tagsOf(task, scope0), this.ctx.options.tags)) return;
    if (!handler && this.ctx.startAtPending && !isImplicitFacts(task)) {
      if (!startsAt(task, this.ctx.options.startAtTask ?? '')) return;
      this.ctx.startAtPending = false;
    }
    if (task.mod.construct === 'meta') return runMeta(this, task, hosts, handler);
    const name = displayName(task, renderTaskName(task, scope0));
    if (!(await this.askBefore(task, name, scope0))) return;
    if (task.mod.construct === 'include_tasks' || task.mod.construct === 'include_role') {
      state.phase = 'recorded';
      return runInclude(this, task, hosts, name, handler);
    }
    const runOnce = truthy(inherited(task, 'run_once'), scope0);
    const bypass = task.mod.bypassHostLoop === true;
    const targets = runOnce || bypass ? [first] : hosts;
    this.ctx.emit({ type: 'task', play: this.playNo, batch: this.batchNo, name, handler, action: task.action, hosts: targets.map((h) => h.name), source: sourceOf(task) });
    state.phase = 'running';
    const outcomes = await this.runOnHosts(task, targets, scope0);
    state.phase = 'recorded';
    for (const o of outcomes) this.record.outcome(task, o, { handler, runOnce });
    this.checkThresholds(task, outcomes, runOnce || bypass, scope0);
  }

  // --step and `confirm:` questions; false skips the task (step) — a refused confirm stops the run.
  private async askBefore(task: Task, name: string, scope: VarScope): Promise<boolean> {
    const o = this.ctx.options;
    if (task.confirm !== undefined && task.confirm !== false) {
      const text = typeof task.confirm === 'string' ? renderText(task.confirm, scope) : `continue with '${name}'?`;
      const a = o.confirm ? await o.confirm(text, 'confirm') : 'no';
      if (a === 'no') throw new AbortRun(`not confirmed: ${text}`);
    }
    if (o.step && o.confirm) {
      const a = await o.confirm(`Perform task: TASK: ${name} (N)o/(y)es/(c)ontinue:`, 'step');
      if (a === 'continue') o.step = false;
      return a !== 'no';
    }
    return true;
  }

  // Runs the task on every target, at most forks (or throttle) at a time.
  async runOnHosts(task: Task, targets: HostState[], scope0: VarScope): Promise<HostOutcome[]> {
    const throttle = Number(templateValue(inherited(task, 'throttle') ?? 0, scope0)) || 0;
    const width = Math.max(1, Math.min(this.ctx.options.forks, throttle > 0 ? throttle : Infinity));
    const limit = pLimit(width);
    return Promise.all(targets.map((h) => limit(() => runTaskOnHost(this, task, h.name).catch((e: unknown) => this.unexpected(task, h.name, e)))));
  }

  // An exception no step of the task handled on one host: the run's own control flow passes
  // through, an interruption stops the run, anything else fails the task on that host only.
  private unexpected(task: Task, host: string, e: unknown): HostOutcome {
    if (e instanceof AbortRun || e instanceof EndBatch || e instanceof EndPlay || e instanceof RunError || e instanceof LockError) throw e;
    if (this.ctx.aborted || (e instanceof Error && e.name === 'AbortError')) throw new AbortRun('interrupted');
    let ignored = false;
    try {
      ignored = truthy(inherited(task, 'ignore_errors'), this.vars.scope(this.rt, host, task));
    } catch {
      // ignore_errors itself cannot be templated: the failure stands
    }
    return unexpectedFailure(task, host, e, this.ctx.options.verbosity, ignored);
  }

  // Whether a failure of the task stops the play (any_errors_fatal of the task or the play).
  anyErrorsFatal(task: Task, scope0: VarScope): boolean {
    return truthy(inherited(task, 'any_errors_fatal') ?? this.rt.play.scope.kw.any_errors_fatal, scope0);
  }

  // any_errors_fatal / max_fail_percentage / run_once failure checks after a task.
  checkThresholds(task: Task, outcomes: HostOutcome[], runOnce: boolean, scope0: VarScope): void {
    const failedNow = outcomes.filter((o) => this.ctx.host(o.host).failed && o.failed);
    const unreachableNow = outcomes.filter((o) => o.unreachable);
    const aef = this.anyErrorsFatal(task, scope0) || runOnce;
    if (aef && !truthy(inherited(task, 'ignore_errors'), scope0) && (failedNow.length > 0 || unreachableNow.length > 0)) {
      for (const h of this.hosts) if (!h.unreachable && h.failure === undefined) h.failed = true;
      this.abort(runOnce ? 'a run_once task failed' : `any_errors_fatal: ${task.name ?? task.action} failed`);
    }
    const mfp = this.rt.play.max_fail_percentage;
    if (mfp !== undefined && mfp !== null && outcomes.length > 0) {
      const pct = Number(templateValue(mfp, scope0));
      const failed = this.hosts.filter((h) => h.failed && !h.unreachable).length;
      if (failed / this.hosts.length > pct / 100) {
        for (const h of this.hosts) if (!h.unreachable) h.failed = true;
        this.abort(`max_fail_percentage ${pct}% exceeded (${failed}/${this.hosts.length} failed)`);
      }
    }
  }

  abort(reason: string): never {
    this.ctx.breakAbort = true;
    this.ctx.emit({ type: 'no_hosts_remaining', play: this.playNo, batch: this.batchNo, reason });
    throw new AbortRun(reason);
  }

  // TaskEnv: safety checks before an action (self-preemption, quorum limit, guard).
  checkBeforeAction(req: BeforeActionRequest): Promise<Vars | undefined> {
    return checkBeforeAction(this, this.tracker, req);
  }

  // TaskEnv: what the safety of the run remembers of an action that ran.
  afterAction(req: BeforeActionRequest, result: Vars): Promise<void> {
    return recordAfterAction(this, req, result);
  }

  // RecordScope: a changed task notifies its handlers for a host (resumed: a restored task's notification).
  notify(task: Task, receiver: HostState, forHost: string, resumed = false): void {
    notify(this, task, receiver, forHost, resumed);
  }

  // RecordScope: a changed task notifying a handler that does not exist is a runtime error.
  checkNotify(task: Task, forHost: string): void {
    checkNotify(this, task, forHost);
  }

  // Handler flush for the given hosts (or every live host of the batch).
  flush(hosts?: HostState[], from?: Task): Promise<void> {
    return flushHandlers(this, hosts, from);
  }
}

