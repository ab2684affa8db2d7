// The linear strategy for one batch: every task runs on all live hosts of the batch (up
// to --forks / throttle at once) before the next one starts; blocks route failing hosts
// through rescue and always; results are counted, registered and notify handlers.
import pLimit from 'p-limit';
import { compileTemplate, renderToString, templateValue, hasTemplate } from '../expr/index.js';
import { readFile, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { Block, Node, Task, Vars } from '../load/model.js';
import type { RunContext } from './context.js';
import type { Status } from './events.js';
import { HostState } from './host-state.js';
import { allTags, displayName, enclosingSections, inherited } from '../load/inherit.js';
import type { VarScope } from './scope.js';
import { shouldRun } from '../plan/tags.js';
import { runTaskOnHost, type HostOutcome } from './task-host.js';
import { renderTaskName, sourceOf, truthy, type BeforeActionRequest, type TaskEnv } from './task-env.js';
import { QuorumTracker } from './safety.js';
import { checkBeforeAction } from './before-action.js';
import type { PlayRuntime, VarsBuilder } from './vars.js';
import { runMeta } from './meta.js';
import { runInclude } from './include.js';
import { flushHandlers, notify } from './handlers.js';
import { applyInventoryChange } from './inventory-changes.js';

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

export class BatchRunner implements TaskEnv {
  readonly signal: AbortSignal;
  readonly beforeAction;
  private readonly tracker: QuorumTracker;

  constructor(
    readonly ctx: RunContext,
    readonly vars: VarsBuilder,
    readonly rt: PlayRuntime,
    readonly playNo: number,
    readonly batchNo: number,
    readonly hosts: HostState[],
  ) {
    this.signal = ctx.options.signal ?? new AbortController().signal;
    this.beforeAction = ctx.options.beforeAction;
    this.tracker = new QuorumTracker(ctx.quorumGroups);
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
    return this.ctx.options.forceHandlers || this.rt.play.force_handlers === true;
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

  private async runBlock(block: Block, hosts: HostState[], handler: boolean): Promise<void> {
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
    for (const [h, f] of saved) if (h.failure === undefined && f) h.failure = f;
  }

  // The (rendered) tags of a task, for --tags/--skip-tags.
  tagsOf(task: Task, scope: VarScope): string[] {
    return allTags(task).flatMap((t) => {
      const v = typeof t === 'string' && hasTemplate(t) ? templateValue(t, scope) : t;
      return Array.isArray(v) ? v.map(String) : [String(v)];
    });
  }

  // Runs one task node on the hosts (tags, meta, includes, run_once, throttle).
  async runTaskNode(task: Task, hosts: HostState[], handler = false): Promise<void> {
    const first = hosts[0] as HostState;
    const scope0 = this.vars.scope(this.rt, first.name, task);
    if (!handler && !shouldRun(this.tagsOf(task, scope0), this.ctx.options.tags)) return;
    if (task.mod.construct === 'meta') return runMeta(this, task, hosts, handler);
    const name = displayName(task, renderTaskName(task, scope0));
    if (!(await this.askBefore(task, name, scope0))) return;
    if (task.mod.construct === 'include_tasks' || task.mod.construct === 'include_role') return runInclude(this, task, hosts, name, handler);
    const runOnce = truthy(inherited(task, 'run_once'), scope0);
    const bypass = task.mod.bypassHostLoop === true;
    const targets = runOnce || bypass ? [first] : hosts;
    this.ctx.emit({ type: 'task', play: this.playNo, batch: this.batchNo, name, handler, action: task.action, hosts: targets.map((h) => h.name), source: sourceOf(task) });
    const outcomes = await this.runOnHosts(task, targets, scope0);
    for (const o of outcomes) this.handleOutcome(task, o, handler, runOnce);
    this.checkThresholds(task, outcomes, runOnce || bypass, scope0);
  }

  // --step and `confirm:` questions; false skips the task (step) — a refused confirm stops the run.
  private async askBefore(task: Task, name: string, scope: VarScope): Promise<boolean> {
    const o = this.ctx.options;
    if (task.confirm !== undefined && task.confirm !== false) {
      const text = typeof task.confirm === 'string' ? this.renderString(task.confirm, scope) : `continue with '${name}'?`;
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
    return Promise.all(targets.map((h) => limit(() => runTaskOnHost(this, task, h.name))));
  }

  // Emits, counts, registers and notifies for one host's outcome.
  handleOutcome(task: Task, o: HostOutcome, handler: boolean, runOnce = false, counted = true): void {
    const h = this.ctx.host(o.host);
    const handled = o.failed ? enclosingSections(task).find((e) => e.section === 'block' && e.block.rescue.length > 0) : undefined;
    this.emitResult(task, o, handler);
    if (counted) {
      if (o.ignoredUnreachable) this.ctx.stats.countIgnoredUnreachable(o.host);
      else if (o.failed && handled) this.ctx.stats.rescued(o.host);
      else this.ctx.stats.count(o.host, o.status, o.changed);
    }
    const receivers = runOnce ? this.hosts.filter((x) => !x.unreachable) : [h];
    if (task.register) {
      const value = withoutInternalKeys(o.result);
      for (const r of receivers) r.hostVars[task.register] = value;
    }
    this.applyFacts(task, o, receivers);
    if (task.mod.changesInventory && !o.result['failed'] && o.status !== 'skipped') this.applyInventory(o);
    if (o.notify && task.kw.notify !== undefined) for (const r of runOnce ? receivers.filter((x) => x.live) : [h]) notify(this, task, r, o.host);
    if (o.unreachable) {
      h.unreachable = true;
      h.notified.clear();
      this.ctx.anyUnreachable = true;
      return;
    }
    if (!o.failed) return;
    const result = o.result;
    if (runOnce) {
      for (const x of this.hosts) if (!x.unreachable) this.failHost(x);
      return;
    }
    h.failure = { task, result, ...(handled ? { handledBy: handled.block } : {}) };
    if (!handled && !enclosingSections(task).some((e) => e.section !== 'always' && e.block.always.length > 0)) this.failHost(h);
  }

  // add_host / group_by results (also those of loop items) change the inventory.
  private applyInventory(o: HostOutcome): void {
    const results = Array.isArray(o.result['results']) ? (o.result['results'] as Vars[]) : [o.result];
    let changed = false;
    for (const r of results) if (!r['failed'] && !r['skipped']) changed = applyInventoryChange(this.ctx.inventory, o.host, r) || changed;
    if (changed) this.vars.inventoryChanged();
  }

  private applyFacts(task: Task, o: HostOutcome, receivers: HostState[]): void {
    const facts = o.result['ansible_facts'];
    if (!facts || typeof facts !== 'object' || o.result['failed'] === true || o.status === 'skipped' || task.mod.factsAs === 'none') return;
    for (const r of receivers) {
      const target = o.delegatedTo && truthy(inherited(task, 'delegate_facts'), this.vars.scope(this.rt, r.name)) ? this.ctx.host(o.delegatedTo) : r;
      if (task.mod.factsAs === 'hostvars') Object.assign(target.hostVars, facts);
      else if (task.mod.factsAs === 'include_vars') Object.assign(target.includeVars, facts);
      else for (const [k, v] of Object.entries(facts as Record<string, unknown>)) target.facts[k.startsWith('ansible_') ? k.slice(8) : k] = v;
    }
  }

  emitResult(task: Task, o: HostOutcome, handler: boolean): void {
    const r = o.result;
    const ev: Extract<import('./events.js').RunEvent, { type: 'result' }> = {
      type: 'result', play: this.playNo, batch: this.batchNo, host: o.host, task: o.name, handler, status: o.status, action: task.action, source: sourceOf(task), result: r,
    };
    fillResultFields(ev, task, r, o.status, o.noLog === true);
    if (o.delegatedTo) ev.delegated_to = o.delegatedTo;
    this.ctx.emit(ev);
  }

  // any_errors_fatal / max_fail_percentage / run_once failure checks after a task.
  private checkThresholds(task: Task, outcomes: HostOutcome[], runOnce: boolean, scope0: VarScope): void {
    const failedNow = outcomes.filter((o) => this.ctx.host(o.host).failed && o.failed);
    const unreachableNow = outcomes.filter((o) => o.unreachable);
    const aef = truthy(inherited(task, 'any_errors_fatal') ?? this.rt.play.scope.kw.any_errors_fatal, scope0) || runOnce;
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

  // TaskEnv: per-item results.
  emitItem(host: string, name: string, task: Task, status: Status, result: Vars, label: unknown, opts: { noLog?: boolean; delegatedTo?: string } = {}): void {
    const ev: Extract<import('./events.js').RunEvent, { type: 'item' }> = { type: 'item', play: this.playNo, batch: this.batchNo, host, task: name, handler: task.handler, status, item: opts.noLog ? null : label, action: task.action, result };
    fillResultFields(ev, task, result, status, opts.noLog === true);
    if (opts.delegatedTo) ev.delegated_to = opts.delegatedTo;
    this.ctx.emit(ev);
  }

  emitRetry(host: string, name: string, task: Task, result: Vars, attempt: number, retries: number): void {
    this.ctx.emit({ type: 'retry', play: this.playNo, batch: this.batchNo, host, task: name, handler: task.handler, status: 'failed', attempts: attempt, retries, action: task.action, result });
  }

  emitProgress(host: string, task: Task, msg: string, data?: Record<string, unknown>): void {
    this.ctx.emit({ type: 'progress', play: this.playNo, batch: this.batchNo, host, task: task.name ?? task.action, msg, ...(data ? { data } : {}) });
  }

  // The template module's renderer: handlebars with the task's variables.
  // The template module's file: handlebars (DESIGN.md); a `.j2` file — Ansible's convention for
  // Jinja2 templates — renders as Jinja2 like Ansible does (with its template_* variables), so
  // existing roles work unchanged.
  async renderFile(path: string, scope: VarScope): Promise<string> {
    const source = await readFile(path, 'utf8');
    if (!/\.(j2|jinja2?)$/.test(path)) {
      const { renderHandlebars } = await import('../template/handlebars.js');
      return renderHandlebars(source, scope.toObject(['inventory_hostname', 'group_names', 'groups', 'ansible_facts', 'ansible_play_hosts', 'ansible_play_batch', 'playbook_dir', 'ansible_check_mode']), path);
    }
    const st = await stat(path);
    const withVars = scope.with({ name: 'template', vars: { template_path: path, template_fullpath: resolvePath(path), template_host: hostname(), template_uid: userInfo().username, template_mtime: st.mtime.toISOString(), template_run_date: new Date().toISOString(), ansible_managed: 'Ansible managed' } });
    return hasTemplate(source) ? renderToString(compileTemplate(source), withVars) : source;
  }

  // A task name for banners, rendered with the first host's variables.
  bannerName(task: Task, host: HostState): string {
    return displayName(task, renderTaskName(task, this.vars.scope(this.rt, host.name, task)));
  }

  renderString(s: string, scope: VarScope): string {
    return hasTemplate(s) ? renderToString(compileTemplate(s), scope) : s;
  }

  // Handler flush for the given hosts (or every live host of the batch).
  flush(hosts?: HostState[]): Promise<void> {
    return flushHandlers(this, hosts);
  }
}

// Copies the result fields the event stream carries (rc, attempts, debug msg, skip_reason, error).
// A result as registered: Ansible's internal `_ansible_*` keys removed.
function withoutInternalKeys(r: Vars): Vars {
  if (!Object.keys(r).some((k) => k.startsWith('_ansible_'))) return r;
  return Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_ansible_')));
}

export const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export function fillResultFields(ev: { rc?: number; attempts?: number; msg?: unknown; skip_reason?: string; error?: string; diff?: import('../module.js').DiffEntry[]; result?: Vars; verbose_always?: boolean; include?: boolean }, task: Task, r: Vars, status: Status, noLog = false): void {
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
  if (Array.isArray(r['diff'])) ev.diff = r['diff'] as import('../module.js').DiffEntry[];
}
