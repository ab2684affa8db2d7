// --resume at task level, inside the batch that did not finish: every run of a task on a host has a
// key (its source position and how many times it ran on that host in the batch before), the journal
// keeps each one's checkpoint, and a resumed run restores a completed task from it instead of
// running it again (registered value, facts and notifications included). A disruptive task is
// never run twice: one that completed is restored even when its value was not kept; one that was in
// flight when the run stopped is taken as done — unless it is a drain or cordon (which converge when
// run again) or a reboot whose boot id shows it never happened.
import { shellLine } from '../connection/command.js';
import type { Task, Vars } from '../load/model.js';
import type { TaskCheckpoint, TaskIntent } from './journal.js';
import type { RunContext, ResumePlan } from './context.js';
import type { Status } from './events.js';
import { sourceOf, targetSpec, type TaskEnv } from './task-env.js';
import type { VarScope } from './scope.js';

/** a task restored from the run being resumed */
export interface Restored {
  status: Status;
  result: Vars;
  /** the task's disruption kinds (the run's safety must know of a restored drain) */
  disruptive?: string[];
}

const DONE = new Set(['ok', 'changed', 'skipped', 'ignored']);
/** API actions on a node that converge when repeated */
const CONVERGING = new Set(['drain', 'cordon']);

export const BOOT_ID = 'cat /proc/sys/kernel/random/boot_id';

// Whether a task's outcome can be kept in the journal and restored (actions, not language constructs).
export function restorable(task: Task): boolean {
  return !task.mod.construct && !task.mod.gathersFacts;
}

export class TaskResume {
  private readonly runs = new Map<string, number>();

  constructor(private readonly ctx: RunContext, private readonly plan: ResumePlan | undefined, private readonly playNo: number, private readonly batchNo: number) {}

  // The key of the next run of `task` on `host` in this batch.
  key(host: string, task: Task): string {
    const src = sourceOf(task);
    const k = `${host}\0${src}`;
    const n = this.runs.get(k) ?? 0;
    this.runs.set(k, n + 1);
    return `${src}#${n}`;
  }

  // The restored outcome of a task that completed (or was in flight) in the run being resumed; undefined runs it.
  async restore(env: TaskEnv, task: Task, host: string, key: string, scope: VarScope): Promise<Restored | undefined> {
    if (!this.plan?.tasks || !restorable(task)) return undefined;
    const hk = `${this.playNo}/${this.batchNo}/${host}`;
    const cp = this.plan.tasks.get(hk)?.get(key);
    const from = this.plan.from;
    if (cp) {
      if (DONE.has(cp.status) && !cp.interrupted) {
        if (cp.value) return { status: cp.status as Status, result: { ...cp.value }, ...(cp.disruptive ? { disruptive: cp.disruptive } : {}) };
        // a no_log result (or one with a secret in it) was not kept: run it again unless it disrupted something
        if (cp.disruptive?.length) return { status: cp.status as Status, result: { changed: cp.status === 'changed', msg: `done in run ${from}; not run again (its result was not kept)` }, disruptive: cp.disruptive };
        return undefined;
      }
      if (cp.interrupted && cp.disruptive?.some((k) => !CONVERGING.has(k))) {
        const intent = this.plan.inflight?.get(hk)?.get(key) ?? { play: this.playNo, batch: this.batchNo, host, key, task: cp.task, kinds: cp.disruptive };
        return this.inFlight(env, task, host, scope, intent);
      }
      return undefined;
    }
    const intent = this.plan.inflight?.get(hk)?.get(key);
    return intent ? this.inFlight(env, task, host, scope, intent) : undefined;
  }

  // A disruptive action whose outcome is unknown (the run stopped while it ran): taken as done, warned about.
  private async inFlight(env: TaskEnv, task: Task, host: string, scope: VarScope, i: TaskIntent): Promise<Restored | undefined> {
    if (i.kinds.every((k) => CONVERGING.has(k))) return undefined;
    if (i.kinds.includes('reboot') && i.boot) {
      const now = await readBootId(env, i.target ?? host, host, scope, i.boot_cmd);
      if (now === i.boot) {
        this.ctx.emit({ type: 'warning', msg: `${host}: '${i.task}' was starting when run ${this.plan?.from} stopped, and the boot id is unchanged: it never rebooted, so it runs now` });
        return undefined;
      }
    }
    const why = i.kinds.includes('reboot') && i.boot ? 'the host has booted since' : 'its outcome is unknown';
    this.ctx.emit({ type: 'warning', msg: `${host}: '${i.task}' was in flight when run ${this.plan?.from} stopped; ${why}: it is taken as done and NOT run again (check ${host}, or resume with --redo-batch to run the whole batch again)` });
    return { status: 'changed', result: { changed: true, msg: `in flight when run ${this.plan?.from} stopped (${why}); not run again` }, disruptive: i.kinds };
  }
}

// The boot id of a task's target, or undefined when it cannot be read.
export async function readBootId(env: Pick<TaskEnv, 'ctx' | 'vars' | 'rt'>, target: string, host: string, scope: VarScope, cmd = BOOT_ID): Promise<string | undefined> {
  try {
    const r = await env.ctx.pool.get(targetSpec(env, target, host, scope)).exec(shellLine(cmd), { timeoutMs: 15_000 });
    return r.rc === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

// A checkpoint's value: the result as registered when it may be kept (not no_log, no secret in it, not huge), else undefined.
export function keptValue(ctx: RunContext, task: Task, result: Vars, noLog: boolean): Vars | undefined {
  if (noLog) return undefined;
  const needed = task.register !== undefined || result['ansible_facts'] !== undefined || task.mod.changesInventory === true;
  const value: Vars = needed ? result : pick(result, ['changed', 'failed', 'skipped', 'msg', 'rc', 'skip_reason', 'attempts']);
  const safe = ctx.redact(value);
  if (safe !== value && JSON.stringify(safe) !== JSON.stringify(value)) return undefined;
  return JSON.stringify(value).length > 256 * 1024 ? undefined : value;
}

function pick(r: Vars, keys: string[]): Vars {
  return Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
}

export type { TaskCheckpoint };
