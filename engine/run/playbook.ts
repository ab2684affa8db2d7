// Runs a whole playbook: plays in order, the recap, and ansible-playbook's exit code
// (0 ok, 2 a host failed or a break-play abort, 4 a host unreachable, 1 runtime error, 99 interrupted).
import type { Inventory } from '../inventory/index.js';
import type { Play, Playbook } from '../load/model.js';
import { ExprRuntimeError, ExprSyntaxError, UndefinedVariableError } from '../expr/index.js';
import { SerialError } from '../load/serial.js';
import { formatPos } from '../source/position.js';
import { AbortRun, RunError } from './batch.js';
import { HaltRun, RunContext, type RunOptions } from './context.js';
import type { Listener } from './events.js';
import { plannedHosts, runPlay } from './play.js';
import { LockError } from './lock.js';
import { RunLocks } from './lock-wire.js';
import { createSafety } from './safety/wire.js';
import { clusterRefOf } from './safety/clusters.js';
import { VarsBuilder } from './vars.js';
import { quorumGroups } from '../plan/quorum.js';
import { PASSWORD_VARS } from './secrets.js';

export interface RunSummary {
  rc: number;
  runId: string;
  ctx: RunContext;
  /** the run stopped before its first task for this reason (the run lock, a resume that does not fit): nothing was done */
  refused?: string;
}

// Exit code from the run's outcome, as ansible-playbook computes it.
export function exitCode(ctx: RunContext): number {
  if (ctx.stopped === 'handed-off') return 0;
  if (ctx.stopped === 'halted') return 1;
  if (ctx.stopped === 'interrupted') return 99;
  if (ctx.runtimeError) return ctx.runtimeRc ?? 1;
  if (ctx.breakAbort) return 2;
  if (ctx.anyUnreachable) return 4;
  if (ctx.anyFailed) return 2;
  return 0;
}

// Takes the run lock when a play touches a quorum group (not in check mode).
async function takeLock(ctx: RunContext, vars: VarsBuilder, locks: RunLocks): Promise<void> {
  if (ctx.options.check || ctx.quorumGroups.length === 0) return;
  for (const { play, hosts } of plannedHosts(ctx, vars)) {
    const group = ctx.quorumGroups.find((g) => hosts.some((h) => g.members.includes(h)));
    if (!group) continue;
    await locks.forGroup(group, { play, allHosts: hosts, patternHosts: hosts, batch: [], varsFiles: {} });
    return;
  }
}

// Resolves, before the first task, every play host that belongs to a cluster the inventory
// names (tsplay_kubeconfig) or to a declared quorum group; others resolve when first disrupted.
async function resolveIdentities(ctx: RunContext, vars: VarsBuilder): Promise<void> {
  const hosts = new Set<string>();
  for (const { hosts: list } of plannedHosts(ctx, vars)) {
    for (const h of list) if (clusterRefOf(vars.scope(undefined, h)) || ctx.quorumGroups.some((g) => g.members.includes(h))) hosts.add(h);
  }
  if (hosts.size === 0) return;
  await ctx.safety.resolveAll([...hosts]);
  for (const h of hosts) {
    const id = await ctx.safety.identities.resolve(h);
    const msg = id.node ? `${h} is node ${id.node} of ${id.cluster?.name} (${id.via})` : id.unknownMember ?? `${h} is not a cluster node`;
    ctx.emit({ type: 'safety', check: 'identity', status: ctx.options.check ? 'info' : 'ok', host: h, ...(id.node ? { node: id.node } : {}), msg });
  }
}

// The connection and become passwords of the inventory's hosts are secrets of the run.
function addPasswords(ctx: RunContext, vars: VarsBuilder): void {
  for (const h of ctx.inventory.hosts.keys()) {
    const scope = vars.scope(undefined, h);
    for (const n of PASSWORD_VARS) {
      try {
        ctx.secrets.add(scope.get(n));
      } catch {
        /* a password that cannot be templated yet is added when a task uses it */
      }
    }
  }
}

// The message of an error that ended the run inside a play: expected ones (templating, serial)
// as their message, others as a bug in tsplay; both name the play and where it is.
function playError(e: unknown, play: Play | undefined): string {
  const where = play ? `play '${play.name}' (${formatPos(play.pos)})` : 'the run';
  const err = e instanceof Error ? e : new Error(String(e));
  const expected = err instanceof ExprRuntimeError || err instanceof UndefinedVariableError || err instanceof ExprSyntaxError || err instanceof SerialError;
  return expected ? `${where}: ${err.message}` : `internal error in tsplay in ${where} (a bug, please report it): ${err.name}: ${err.message}`;
}

// Runs the playbook against the inventory, sending every event to the listeners.
export async function runPlaybook(playbook: Playbook, inventory: Inventory, options: RunOptions, listeners: Listener[] = []): Promise<RunSummary> {
  const ctx = new RunContext(playbook, inventory, options);
  ctx.startAtPending = options.startAtTask !== undefined;
  for (const l of listeners) ctx.bus.on(l);
  const vars = new VarsBuilder(ctx);
  ctx.quorumGroups = quorumGroups(inventory, playbook.dir);
  if (options.journal) options.journal.onFailure = (msg) => ctx.halt(`${msg}; every host stops before its next task`);
  addPasswords(ctx, vars);
  const locks = new RunLocks(ctx, vars);
  ctx.safety = createSafety(ctx, vars, async (c) => {
    if (!ctx.options.check) await locks.forCluster(c);
  });
  ctx.emit({ type: 'start', run: ctx.runId, playbook: playbook.file, check: options.check, diff: options.diff, inventory: inventory.sources, ...(options.resume ? { resumed_from: options.resume.from } : {}), ...(options.planSummary ? { plan: options.planSummary } : {}) });
  for (const rule of options.allowUnsafe ?? []) ctx.emit({ type: 'safety', check: 'allow-unsafe', status: 'info', msg: `--allow-unsafe ${rule}: this built-in protection is OFF for this run` });
  let refused: string | undefined;
  let started = false;
  let current: Play | undefined;
  try {
    try {
      await takeLock(ctx, vars, locks);
    } catch (e) {
      if (e instanceof LockError) refused = e.message;
      throw e;
    }
    await resolveIdentities(ctx, vars);
    started = true;
    for (let i = 0; i < playbook.plays.length; i++) {
      if (ctx.aborted) {
        ctx.stopped = 'interrupted';
        break;
      }
      await ctx.checkRun();
      current = playbook.plays[i];
      const end = await runPlay(ctx, vars, playbook.plays[i] as (typeof playbook.plays)[number], i + 1);
      if (end === 'stop') break;
    }
  } catch (e) {
    if (e instanceof HaltRun && ctx.handedOff) {
      ctx.stopped = 'handed-off';
    } else if (e instanceof HaltRun) {
      ctx.stopped = 'halted';
      ctx.runtimeError = e.message;
      ctx.emit({ type: 'error', msg: `ERROR! ${e.message}` });
    } else if (e instanceof RunError) {
      ctx.runtimeError = e.message;
      ctx.emit({ type: 'error', msg: `ERROR! ${e.message}` });
    } else if (e instanceof AbortRun && ctx.aborted) {
      ctx.stopped = 'interrupted';
    } else if (e instanceof AbortRun) {
      ctx.runtimeError = e.message;
      ctx.runtimeRc = e.rc;
      if (!started || e.rc === 5) refused ??= e.message;
      ctx.emit({ type: 'error', msg: `ERROR! ${e.message}` });
    } else if (e instanceof LockError) {
      ctx.runtimeError = e.message;
      ctx.emit({ type: 'error', msg: `ERROR! ${e.message}` });
    } else {
      // anything else (a play keyword that cannot be templated, a bug) ends the run as a runtime
      // ERROR! naming the play, never as a stack trace
      ctx.runtimeError = playError(e, current);
      ctx.emit({ type: 'error', msg: `ERROR! ${ctx.runtimeError}` });
    }
  }
  // a run that handed off keeps its lock for the successor, which takes it over
  if (ctx.handedOff) locks.keep();
  else await locks.release().catch((e: Error) => ctx.emit({ type: 'lock', status: 'not-released', where: '?', run: ctx.runId, msg: e.message }));
  if (ctx.aborted && ctx.stopped !== 'halted' && ctx.stopped !== 'handed-off') ctx.stopped = 'interrupted';
  ctx.anyUnreachable = [...ctx.hosts.values()].some((h) => h.unreachable);
  ctx.detachJobs.abort();
  await ctx.pool.closeAll();
  const rc = exitCode(ctx);
  if (!ctx.runtimeError) ctx.emit({ type: 'recap', stats: ctx.stats.snapshot(), rc });
  if (ctx.startAtPending) ctx.emit({ type: 'error', msg: ` [ERROR]: No matching task "${options.startAtTask ?? ''}" found. Note: --start-at-task can only follow static includes.` });
  return { rc, runId: ctx.runId, ctx, ...(refused ? { refused } : {}) };
}
