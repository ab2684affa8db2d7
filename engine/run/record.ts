// The bookkeeping of a batch, apart from its strategy: every host outcome is emitted as an event,
// counted in the stats, registered, turned into facts and inventory changes, and its
// notifications recorded; a failure is marked on the host for the strategy to route.
import { markUnsafe } from './scope.js';
import type { Task, Vars } from '../load/model.js';
import type { DiffEntry } from '../module.js';
import { failurePath, inherited } from '../load/inherit.js';
import type { RunContext } from './context.js';
import type { RunEvent, Status } from './events.js';
import type { HostState } from './host-state.js';
import { applyInventoryChange } from './inventory-changes.js';
import type { HostOutcome } from './task-host.js';
import { sourceOf, truthy } from './task-env.js';
import type { PlayRuntime, VarsBuilder } from './vars.js';
import { keptValue, restorable } from './resume-tasks.js';

export const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** where a batch's events go and how its hosts are looked up */
export interface RecordScope {
  ctx: RunContext;
  vars: VarsBuilder;
  rt: PlayRuntime;
  playNo: number;
  batchNo: number;
  /** the batch's hosts (a run_once result is applied to all of them) */
  hosts: HostState[];
  /** marks a host failed for the rest of the run */
  failHost(h: HostState): void;
  /** throws when a changed task notifies a handler that does not exist */
  checkNotify(task: Task, forHost: string): void;
  /** records a notification of a changed task for a host (resumed: re-applied from a restored task) */
  notify(task: Task, receiver: HostState, forHost: string, resumed?: boolean): void;
  /** `host\0key` → the kinds of disruption a task's action caused */
  disrupted: Map<string, string[]>;
}

/** what the recorder needs to know about an outcome beyond the outcome itself */
export interface RecordOptions {
  handler: boolean;
  runOnce?: boolean;
  /** false: the outcome is emitted but not counted (an include's failed evaluation is counted later) */
  counted?: boolean;
  /** a failure whose effect on the host comes later (travel): an include that did not load */
  pending?: boolean;
}

export class BatchRecord {
  constructor(private readonly b: RecordScope) {}

  // Emits, counts, registers and notifies for one host's outcome; marks a failure on the host.
  outcome(task: Task, o: HostOutcome, opts: RecordOptions): void {
    const { ctx } = this.b;
    // a task the run handed off to its successor (self-deferral) did not run: nothing to record
    if (o.result['deferred'] === true) return;
    const h = ctx.host(o.host);
    const path = o.failed ? failurePath(task) : { caught: false };
    if (o.notify && inherited(task, 'notify') !== undefined) this.b.checkNotify(task, o.host);
    // an `action: "{{ name }}"` task is shown and applied as the module it resolved to on this host
    const ran = o.mod ? { ...task, mod: o.mod } : task;
    this.result(ran, o, opts.handler);
    this.checkpoint(task, o, opts.handler);
    if (opts.counted !== false) {
      if (o.ignoredUnreachable) ctx.stats.countIgnoredUnreachable(o.host);
      else if (o.failed && path.rescuedBy && !opts.pending) ctx.stats.rescued(o.host);
      else ctx.stats.count(o.host, o.status, o.changed);
    }
    const receivers = opts.runOnce ? this.b.hosts.filter((x) => !x.unreachable) : [h];
    if (task.register) {
      const value = withoutInternalKeys(o.result);
      // a registered result is data: what it holds is never templated (ansible-core: unsafe)
      markUnsafe(value);
      for (const r of receivers) r.hostVars[task.register] = value;
    }
    this.facts(ran, o, receivers);
    if (ran.mod.changesInventory && !o.result['failed'] && o.status !== 'skipped') this.inventory(o);
    if (o.notify && inherited(task, 'notify') !== undefined) for (const r of opts.runOnce ? receivers.filter((x) => x.live) : [h]) this.b.notify(task, r, o.host, o.restored === true);
    if (o.unreachable) {
      h.unreachable = true;
      h.notified.clear();
      ctx.anyUnreachable = true;
      return;
    }
    if (!o.failed || opts.pending) return;
    // the failure travels up to a rescue or an always section; without one the host has failed
    // (a run_once failure is every host's)
    for (const x of opts.runOnce ? this.b.hosts.filter((y) => !y.unreachable && !y.failed) : [h]) {
      x.failure = { task, result: o.result, ...(path.rescuedBy ? { handledBy: path.rescuedBy } : {}) };
      if (!path.caught) this.b.failHost(x);
    }
  }

  // A failure found after the task's own result (an included file that does not load): it
  // travels to a rescue or always section like the task's own, else the host has failed.
  travel(task: Task, h: HostState, result: Vars): void {
    if (h.unreachable || h.failed || h.failure) return;
    const path = failurePath(task);
    h.failure = { task, result, ...(path.rescuedBy ? { handledBy: path.rescuedBy } : {}) };
    if (!path.caught) this.b.failHost(h);
  }

  // The task's checkpoint in the journal: what --resume needs to restore it instead of running it again.
  private checkpoint(task: Task, o: HostOutcome, handler: boolean): void {
    const { ctx } = this.b;
    const j = ctx.options.journal;
    if (!j || !o.key || !restorable(task)) return;
    const kinds = this.b.disrupted.get(`${o.host}\0${o.key}`) ?? o.disruptive;
    const value = keptValue(ctx, task, o.result, o.noLog === true);
    j.checkpoint({
      play: this.b.playNo, batch: this.b.batchNo, host: o.host, key: o.key, task: ctx.secrets.text(o.name), status: o.status,
      ...(handler ? { handler: true } : {}), ...(value ? { value } : {}), ...(kinds?.length ? { disruptive: kinds } : {}), ...(o.noLog ? { no_log: true } : {}),
      ...(ctx.options.signal?.aborted && !o.restored ? { interrupted: true } : {}), ...(o.restored ? { restored: true } : {}),
    });
  }

  // add_host / group_by results (also those of loop items) change the inventory.
  private inventory(o: HostOutcome): void {
    const results = Array.isArray(o.result['results']) ? (o.result['results'] as Vars[]) : [o.result];
    let changed = false;
    for (const r of results) {
      if (r['failed'] || r['skipped'] || !applyInventoryChange(this.b.ctx.inventory, o.host, r)) continue;
      this.b.ctx.inventoryChanges.push({ host: o.host, result: r });
      changed = true;
    }
    if (changed) this.b.vars.inventoryChanged();
  }

  // `ansible_facts` of a result become host facts, host vars (set_fact) or include_vars.
  private facts(task: Task, o: HostOutcome, receivers: HostState[]): void {
    // a failed task sets no facts, not even those of a loop's items that worked
    if (o.status === 'skipped' || task.mod.factsAs === 'none' || o.result['failed'] === true) return;
    // a loop's facts are its items', in order (set_fact in a loop keeps the last value of each)
    const items = Array.isArray(o.result['results']) ? (o.result['results'] as Vars[]).filter((r) => r && r['failed'] !== true && r['skipped'] !== true) : [o.result];
    const merged: Vars = {};
    for (const r of items) if (r['ansible_facts'] && typeof r['ansible_facts'] === 'object') Object.assign(merged, r['ansible_facts']);
    const facts = Array.isArray(o.result['results']) ? (Object.keys(merged).length > 0 ? merged : undefined) : o.result['ansible_facts'];
    if (!facts || typeof facts !== 'object') return;
    for (const r of receivers) {
      const target = o.delegatedTo && truthy(inherited(task, 'delegate_facts'), this.b.vars.scope(this.b.rt, r.name)) ? this.b.ctx.host(o.delegatedTo) : r;
      if (task.mod.factsAs === 'hostvars') Object.assign(target.hostVars, facts);
      else if (task.mod.factsAs === 'include_vars') Object.assign(target.includeVars, facts);
      else for (const [k, v] of Object.entries(facts as Record<string, unknown>)) target.facts[k.startsWith('ansible_') ? k.slice(8) : k] = v;
    }
  }

  // The result event of one host's outcome.
  result(task: Task, o: HostOutcome, handler: boolean): void {
    const r = o.result;
    const ev: Extract<RunEvent, { type: 'result' }> = {
      type: 'result', play: this.b.playNo, batch: this.b.batchNo, host: o.host, task: o.name, handler, status: o.status, action: task.action, source: sourceOf(task), result: r,
    };
    fillResultFields(ev, task, r, o.status, o.noLog === true);
    if (o.delegatedTo) ev.delegated_to = o.delegatedTo;
    if (o.restored) ev.resumed = true;
    this.b.ctx.emit(ev);
  }

  // The event of one loop item.
  item(host: string, name: string, task: Task, status: Status, result: Vars, label: unknown, opts: { noLog?: boolean; delegatedTo?: string } = {}): void {
    const ev: Extract<RunEvent, { type: 'item' }> = { type: 'item', play: this.b.playNo, batch: this.b.batchNo, host, task: name, handler: task.handler, status, item: opts.noLog ? null : label, action: task.action, result };
    fillResultFields(ev, task, result, status, opts.noLog === true);
    if (opts.delegatedTo) ev.delegated_to = opts.delegatedTo;
    this.b.ctx.emit(ev);
  }

  // The event of one failed until-attempt.
  retry(host: string, name: string, task: Task, result: Vars, attempt: number, retries: number, noLog = false): void {
    const shown = noLog ? { censored: CENSORED, changed: result['changed'] === true } : result;
    this.b.ctx.emit({ type: 'retry', play: this.b.playNo, batch: this.b.batchNo, host, task: name, handler: task.handler, status: 'failed', attempts: attempt, retries, action: task.action, result: shown });
  }

  // A progress line of a long action (drain, reboot) for the live views.
  progress(host: string, task: Task, msg: string, data?: Record<string, unknown>): void {
    this.b.ctx.emit({ type: 'progress', play: this.b.playNo, batch: this.b.batchNo, host, task: task.name ?? task.action, msg, ...(data ? { data } : {}) });
  }
}

// A result as registered: internal `_ansible_*` and `_tsplay_*` keys removed.
function withoutInternalKeys(r: Vars): Vars {
  const internal = (k: string) => k.startsWith('_ansible_') || k.startsWith('_tsplay_');
  if (!Object.keys(r).some(internal)) return r;
  return Object.fromEntries(Object.entries(r).filter(([k]) => !internal(k)));
}

type ResultEventFields = { rc?: number; attempts?: number; msg?: unknown; skip_reason?: string; error?: string; diff?: DiffEntry[]; result?: Vars; verbose_always?: boolean; include?: boolean; report?: Record<string, unknown> };

// Copies the result fields the event stream carries (rc, attempts, debug msg, skip_reason, error,
// a module's `_tsplay_report`);
// under no_log only a censored stub.
export function fillResultFields(ev: ResultEventFields, task: Task, r: Vars, status: Status, noLog = false): void {
  if (task.mod.alwaysShowsResult) ev.verbose_always = true;
  if (task.mod.construct === 'include_tasks' || task.mod.construct === 'include_role') ev.include = true;
  if (noLog) {
    ev.result = { censored: CENSORED, changed: r['changed'] === true, ...(r['failed'] ? { failed: true } : {}), ...(r['skipped'] ? { skipped: true } : {}) };
    if (typeof r['attempts'] === 'number') ev.attempts = r['attempts'];
    if (status === 'failed' || status === 'ignored' || status === 'unreachable') ev.error = CENSORED;
    return;
  }
  if (typeof r['rc'] === 'number') ev.rc = r['rc'];
  if (typeof r['attempts'] === 'number') ev.attempts = r['attempts'];
  if (task.mod.alwaysShowsResult && r['msg'] !== undefined) ev.msg = r['msg'];
  if (typeof r['skip_reason'] === 'string') ev.skip_reason = r['skip_reason'];
  if ((status === 'failed' || status === 'ignored' || status === 'unreachable') && r['msg'] !== undefined) ev.error = String(r['msg']);
  if (Array.isArray(r['diff']) && r['_ansible_diff_hidden'] !== true) ev.diff = r['diff'] as DiffEntry[];
  const report = r['_tsplay_report'];
  if (report !== null && typeof report === 'object' && !Array.isArray(report)) ev.report = report as Record<string, unknown>;
}
