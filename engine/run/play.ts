// Runs one play: resolves its hosts (pattern, --limit, order, hosts that failed earlier
// are left out), cuts serial batches, and runs each batch through pre_tasks, roles+tasks
// and post_tasks with a handler flush after each section.
import { playHoldsStart } from './start-at.js';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { isUndefined, templateValue } from '../expr/index.js';
import { limitHosts, resolvePattern } from '../inventory/index.js';
import type { Play, Task, Vars } from '../load/model.js';
import { newId } from '../load/model.js';
import { readYaml } from '../source/yaml-file.js';
import { makeBatches } from '../plan/batches.js';
import { AbortRun, BatchRunner, EndBatch, EndPlay } from './batch.js';
import type { RunContext } from './context.js';
import { shouldRun } from '../plan/tags.js';
import { parseDuration } from '../shared/duration.js';
import type { VarScope } from './scope.js';
import { truthy } from './task-env.js';
import { OMIT, type PlayRuntime, type VarsBuilder } from './vars.js';

export type PlayEnd = 'continue' | 'stop';

// The hosts a play targets, in order, before batching (failed/unreachable hosts removed).
export function playHosts(ctx: RunContext, vars: VarsBuilder, play: Play): { hosts: string[]; matched: string[] } {
  let pattern: string;
  try {
    pattern = String(templateValue(play.hosts, vars.scope(undefined, 'localhost')));
  } catch (e) {
    throw new AbortRun(`The field 'hosts' has an invalid value, which includes an undefined variable. The error was: ${(e as Error).message}`, 4);
  }
  const r = resolvePattern(ctx.inventory, pattern);
  if (!r.ok) throw new AbortRun(r.diagnostics.map((d) => d.message).join('; '));
  let hosts = r.value;
  if (ctx.options.limit) {
    const l = limitHosts(ctx.inventory, hosts, ctx.options.limit);
    if (!l.ok) throw new AbortRun(l.diagnostics.map((d) => d.message).join('; '));
    hosts = l.value;
  }
  const order = play.order === undefined ? undefined : String(templateValue(play.order, vars.scope({ play, allHosts: [], patternHosts: [], batch: [], varsFiles: {} }, 'localhost')));
  const matched = orderHosts(hosts, order);
  const live = matched.filter((h) => {
    const s = ctx.hosts.get(h);
    return !s || (!s.failed && !s.unreachable);
  });
  return { hosts: live, matched };
}

// Each play with the hosts it targets as the run starts (plays whose pattern cannot be resolved
// yet are left out: they resolve, or fail, when they run).
export function plannedHosts(ctx: RunContext, vars: VarsBuilder): { play: Play; hosts: string[] }[] {
  return ctx.playbook.plays.flatMap((play) => {
    try {
      return [{ play, hosts: playHosts(ctx, vars, play).hosts }];
    } catch {
      return [];
    }
  });
}

// Applies the play's `order:`.
export function orderHosts(hosts: string[], order: string | undefined): string[] {
  switch (order ?? 'inventory') {
    case 'inventory':
      return hosts;
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle':
      return [...hosts].sort(() => Math.random() - 0.5);
    default:
      throw new AbortRun(`Invalid 'order' specified for the play: ${order}`);
  }
}

function loadVarsFiles(ctx: RunContext, vars: VarsBuilder, play: Play): Vars {
  const out: Vars = {};
  const scope = vars.scope({ play, allHosts: [], patternHosts: [], batch: [], varsFiles: {} }, 'localhost');
  for (const entry of play.vars_files) {
    const candidates = (Array.isArray(entry) ? entry : [entry]).map((e) => String(templateValue(e, scope)));
    const path = candidates.map((c) => resolvePath(ctx.playbook.dir, c)).find((p) => existsSync(p));
    if (!path) throw new AbortRun(`vars file ${candidates.join(' / ')} was not found`);
    const { file, diagnostics } = readYaml(path);
    if (!file || diagnostics.length) throw new AbortRun(`cannot read vars file ${path}: ${diagnostics[0]?.message ?? ''}`);
    if (file.value && typeof file.value === 'object') Object.assign(out, file.value);
  }
  return out;
}

// vars_prompt: each value is asked on a terminal; without one (or for a name given with -e) it is
// the default (or null), as ansible-playbook does with stdin not a terminal.
async function promptVars(ctx: RunContext, play: Play): Promise<Vars> {
  const out: Vars = {};
  for (const entry of play.vars_prompt ?? []) {
    const name = entry['name'];
    if (typeof name !== 'string' || name in ctx.options.extraVars) continue;
    const dflt = entry['default'];
    const answer = ctx.options.prompt ? await ctx.options.prompt(String(entry['prompt'] ?? name), { private: entry['private'] !== false, ...(dflt !== undefined && dflt !== null ? { default: String(dflt) } : {}) }) : undefined;
    out[name] = answer === undefined || answer === '' ? (dflt ?? null) : answer;
  }
  return out;
}

// The implicit "Gathering Facts" task, run by the module that declares it gathers facts.
function factsTask(ctx: RunContext, play: Play): Task | undefined {
  const mod = ctx.options.modules.all().find((m) => m.gathersFacts);
  if (!mod) return undefined;
  return {
    kind: 'task', id: newId(), name: 'Gathering Facts', action: 'gather_facts', resolved: mod.name, mod, args: {},
    kw: { tags: play.scope.kw.tags ? [] : ['always'] }, handler: false, pos: play.pos, src: play.src, file: play.file, parent: play.scope,
  };
}

// Runs a play; returns 'stop' when the run must not continue (whole batch failed or aborted).
export async function runPlay(ctx: RunContext, vars: VarsBuilder, play: Play, playNo: number): Promise<PlayEnd> {
  const { hosts, matched } = playHosts(ctx, vars, play);
  ctx.emit({ type: 'play', play: playNo, name: play.name, hosts });
  if (hosts.length === 0) {
    ctx.emit({ type: 'no_hosts', play: playNo });
    return 'continue';
  }
  // --start-at-task: a play before the one holding the start runs nothing
  if (ctx.startAtPending && !playHoldsStart(play, ctx.options.startAtTask ?? '')) return 'continue';
  for (const h of hosts) ctx.host(h).startPlay();
  if (play.confirm !== undefined && play.confirm !== false) {
    const text = typeof play.confirm === 'string' ? play.confirm : `start play '${play.name}' on ${hosts.join(', ')}?`;
    const a = ctx.options.confirm ? await ctx.options.confirm(text, 'confirm') : 'no';
    if (a === 'no') throw new AbortRun(`not confirmed: ${text}`);
  }
  const rt: PlayRuntime = { play, allHosts: hosts, patternHosts: matched, batch: [], varsFiles: {} };
  rt.varsFiles = { ...(await promptVars(ctx, play)), ...loadVarsFiles(ctx, vars, play) };
  const serialScope = vars.scope(rt, hosts[0] as string);
  const playScope = vars.scope(rt, 'localhost');
  rt.forceHandlers = play.force_handlers === undefined ? ctx.options.forceHandlers : truthy(play.force_handlers, playScope);
  const gatherFacts = truthy(play.gather_facts, playScope);
  const serial = play.serial === undefined ? undefined : templateValue(play.serial, serialScope);
  const batches = makeBatches(hosts, isUndefined(serial) || serial === OMIT ? undefined : serial);
  const resume = ctx.options.resume;
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b] as string[];
    const done = resume?.completed.get(playNo)?.get(b + 1);
    if (done) {
      if (done.join(',') !== batch.join(',')) throw new AbortRun(`cannot resume run ${resume?.from}: play ${playNo} batch ${b + 1} held ${done.join(', ')} then but holds ${batch.join(', ')} now (inventory, --limit or serial changed)`, 5);
      ctx.emit({ type: 'resume_skip', play: playNo, batch: b + 1, hosts: batch });
      continue;
    }
    await ctx.checkRun();
    rt.batch = batch;
    const finished = resume?.okHosts.get(`${playNo}/${b + 1}`);
    const states = batch.map((h) => ctx.host(h)).filter((s) => !s.failed && !s.unreachable && !finished?.has(s.name));
    if (states.length === 0) continue;
    ctx.emit({ type: 'batch', play: playNo, batch: b + 1, hosts: states.map((s) => s.name), batches: batches.length });
    const br = new BatchRunner(ctx, vars, rt, playNo, b + 1, states);
    carryPendingHandlers(ctx, play, br, resume?.pendingHandlers?.get(`${playNo}/${b + 1}`));
    const before = new Map(states.map((s) => [s.name, s.failed || s.unreachable]));
    try {
      if (gatherFacts) {
        const ft = factsTask(ctx, play);
        if (ft && shouldRun(br.tagsOf(ft, vars.scope(rt, batch[0] as string)), ctx.options.tags)) await br.runSection([ft]);
      }
      await br.runSection(play.pre_tasks);
      await br.flush();
      await br.runSection([...play.roles, ...play.tasks]);
      await br.flush();
      await br.runSection(play.post_tasks);
      await br.flush();
    } catch (e) {
      if (e instanceof EndBatch) {
        if (await gateFailed(ctx, vars.scope(rt, batch[0] as string), playNo, b + 1)) return finishPlay(ctx, hosts, 'stop');
        continue;
      }
      if (e instanceof EndPlay) return finishPlay(ctx, hosts, 'continue');
      // a break (any_errors_fatal, an interruption) ends the play; one with an exit code of its
      // own (an included file that does not parse) is the run's ERROR!
      if (e instanceof AbortRun && e.rc === undefined) {
        finishPlay(ctx, hosts, 'stop');
        return 'stop';
      }
      throw e;
    }
    if (await gateFailed(ctx, vars.scope(rt, batch[0] as string), playNo, b + 1)) return finishPlay(ctx, hosts, 'stop');
    if (ctx.guardTripped) {
      ctx.stopped = 'guard-tripped';
      ctx.emit({ type: 'no_hosts_remaining', play: playNo, batch: b + 1, reason: 'a guard tripped: no further batch starts' });
      return finishPlay(ctx, hosts, 'stop');
    }
    const newlyOut = states.filter((s) => (s.failed || s.unreachable) && !before.get(s.name)).length;
    if (newlyOut === batch.length) {
      ctx.stopped = 'batch-failed';
      return finishPlay(ctx, hosts, 'stop');
    }
  }
  return finishPlay(ctx, hosts, 'continue');
}

// The health gate after a batch: what it disrupted must be healthy before anything else starts.
async function gateFailed(ctx: RunContext, scope: VarScope, playNo: number, batchNo: number): Promise<boolean> {
  const timeoutS = parseDuration(scope.get('tsplay_health_timeout')) ?? 600;
  const err = await ctx.safety.gate(`${playNo}/${batchNo}`, { timeoutS, signal: ctx.options.signal ?? new AbortController().signal, checkMode: ctx.options.check });
  if (!err) return false;
  ctx.stopped = 'guard-tripped';
  ctx.breakAbort = true;
  ctx.emit({ type: 'safety', check: 'health-gate', status: 'refused', msg: err });
  ctx.emit({ type: 'no_hosts_remaining', play: playNo, batch: batchNo, reason: err });
  return true;
}

function finishPlay(ctx: RunContext, hosts: string[], end: PlayEnd): PlayEnd {
  for (const h of hosts) if (ctx.host(h).failed) ctx.anyFailed = true;
  return end;
}

// --resume: the handlers a host was notified of in the run being resumed, and had not run when it
// stopped (the change that notified them happened; a guard may have refused them), are owed again.
function carryPendingHandlers(ctx: RunContext, play: Play, br: BatchRunner, owed: Map<string, string[]> | undefined): void {
  if (!owed) return;
  for (const h of br.hosts) {
    const names = owed.get(h.name) ?? [];
    const handlers = play.handlers.filter((t) => names.includes(t.name ?? t.action));
    if (handlers.length === 0) continue;
    for (const t of handlers) h.notified.add(t);
    ctx.emit({ type: 'notify', play: br.playNo, batch: br.batchNo, host: h.name, handlers: handlers.map((t) => t.name ?? t.action), resumed: true });
  }
}
