// Runs one task on one host, with ansible-core's TaskExecutor rules: when (per item for loops),
// loops and the exact result shapes (skipped, loop summary); one execution of it (arguments,
// until/retries, changed_when/failed_when) is task-exec.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname } from 'node:path';
import { UndefinedVariableError, evaluateCondition, isUndefined, templateValue } from '../expr/index.js';
import { ConnectionError } from '../connection/types.js';
import type { Task, Vars } from '../load/model.js';
import type { ModuleDef } from '../module.js';
import { allWhen, displayName, inherited } from '../load/inherit.js';
import { loopItems, loopVars, renderedControl } from './loops.js';
import type { VarScope } from './scope.js';
import type { TaskEnv } from './task-env.js';
import { renderTaskName, sourceOf, truthy } from './task-env.js';
import type { Status } from './events.js';
import { reportRestored } from './task-args.js';
import { OMIT } from './vars.js';
import { errorMessage, execute, isExprError, resolveDynamicAction, TaskError, templateFailures, type Execution } from './task-exec.js';

export interface IncludeRequest {
  file: string;
  loopVars?: Vars;
  /** include_role: tasks_from, vars_from, defaults_from, handlers_from as rendered for this host */
  from?: Record<string, string>;
}

export interface HostOutcome {
  host: string;
  status: Status;
  result: Vars;
  changed: boolean;
  /** failed and not ignored */
  failed: boolean;
  /** unreachable and not ignored */
  unreachable: boolean;
  ignoredUnreachable: boolean;
  notify: boolean;
  name: string;
  includes?: IncludeRequest[];
  delegatedTo?: string;
  /** no_log: the result is censored in every output */
  noLog?: boolean;
  /** the task's key in the batch (its checkpoint in the journal) */
  key?: string;
  /** restored from the run being resumed, not run again */
  restored?: boolean;
  /** the module an `action: "{{ name }}"` task resolved to on this host */
  mod?: ModuleDef;
  /** the kinds of disruption a restored task caused */
  disruptive?: string[];
}

const SKIPPED: Vars = { changed: false, skip_reason: 'Conditional result was False', skipped: true };

// An exception nothing in the task's execution handled, as a failed result on this host only
// (Ansible's shape: failed, changed, msg) so that the other hosts finish the batch. A failure of
// the module's own work (a file it could not write) reads as its message; a JavaScript error
// (TypeError, RangeError, ...) is a bug in tsplay and says so, naming the task and where it is.
export function unexpectedFailure(task: Task, host: string, e: unknown, verbosity = 0, ignored = false): HostOutcome {
  const name = displayName(task);
  const err = e instanceof Error ? e : new Error(String(e));
  const bug = err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError || !(e instanceof Error);
  const msg = bug
    ? `internal error in tsplay while running task '${name}' at ${sourceOf(task)} (a bug, please report it): ${err.name}: ${err.message}`
    : err.message || `${err.name} while running task '${name}' at ${sourceOf(task)}`;
  const result: Vars = { failed: true, changed: false, msg };
  if (verbosity >= 3 && err.stack) result['exception'] = err.stack;
  return { host, status: ignored ? 'ignored' : 'failed', result, name, changed: false, failed: !ignored, unreachable: false, ignoredUnreachable: false, notify: false };
}

// Evaluates all (inherited) `when` conditions; throws with Ansible's message on error.
function whenHolds(task: Task, scope: VarScope): boolean {
  for (const c of allWhen(task)) {
    try {
      if (!evaluateCondition(c, scope)) return false;
    } catch (e) {
      throw new TaskError(errorMessage(e, task, 'when', c));
    }
  }
  return true;
}

/** one task on one host, with what its outcome needs */
interface HostTask extends Execution {
  ignoreErrors: boolean;
  out: (status: Status, result: Vars, extra?: Partial<HostOutcome>) => HostOutcome;
}

// Runs `task` for `host` and returns its outcome (item/retry events are emitted here).
export async function runTaskOnHost(env: TaskEnv, written: Task, host: string): Promise<HostOutcome> {
  let task = written;
  const scope = env.vars.scope(env.rt, host, task);
  const name = displayName(task, renderTaskName(task, scope));
  let noLog = false;
  try {
    noLog = truthy(inherited(task, 'no_log'), scope);
  } catch {
    noLog = true;
  }
  const key = env.taskKey(host, task);
  const out = (status: Status, result: Vars, extra: Partial<HostOutcome> = {}): HostOutcome => ({
    host, status, result, name, noLog, key,
    changed: result['changed'] === true,
    failed: status === 'failed',
    unreachable: status === 'unreachable' && !extra.ignoredUnreachable,
    ignoredUnreachable: false,
    notify: result['changed'] === true && result['failed'] !== true && status !== 'unreachable',
    ...extra,
  });
  const ignoreErrors = truthy(inherited(task, 'ignore_errors'), scope);
  const failedStatus = (): Status => (ignoreErrors ? 'ignored' : 'failed');
  const searchPaths = [...(task.role ? [task.role.path] : []), dirname(task.file), env.ctx.playbook.dir];
  const restored = await env.restoreTask(task, host, key, scope);
  if (restored) {
    await reportRestored(env, task, host, scope, restored);
    return out(restored.status, restored.result, { key, restored: true, ...(restored.disruptive ? { disruptive: restored.disruptive } : {}) });
  }
  if (task.dynamicAction !== undefined) {
    try {
      task = resolveDynamicAction(env, task, scope);
    } catch (e) {
      if (!(e instanceof TaskError) && !isExprError(e)) throw e;
      return out(failedStatus(), { failed: true, changed: false, msg: e instanceof TaskError ? e.message : errorMessage(e, task) });
    }
  }
  const resolvedMod = task.dynamicAction === undefined && written.dynamicAction !== undefined ? task.mod : undefined;
  const outAs = resolvedMod ? (status: Status, result: Vars, extra: Partial<HostOutcome> = {}) => out(status, result, { ...extra, mod: resolvedMod }) : out;
  const ht: HostTask = { env, task, host, scope, searchPaths, name, noLog, key, ignoreErrors, out: outAs };
  let items: unknown[] | undefined;
  let loopErr: unknown;
  if (task.loop) {
    try {
      items = loopItems(task.loop, scope, searchPaths);
    } catch (e) {
      if (!isExprError(e)) throw e;
      loopErr = e;
    }
  }
  try {
    if (!task.loop || loopErr !== undefined) {
      if (!whenHolds(task, scope)) return out('skipped', { ...SKIPPED });
      // ansible-core's result for loop items that cannot be made: no `changed`, an undefined name told twice
      if (loopErr !== undefined) return out(failedStatus(), { failed: true, msg: loopErr instanceof UndefinedVariableError ? `${loopErr.message}. ${loopErr.message}` : errorMessage(loopErr, task) });
      if (task.mod.construct === 'include_tasks' || task.mod.construct === 'include_role') return includeOutcome(out, task, scope, [undefined]);
      return finish(ht, await execute(ht, scope));
    }
    const list = items ?? [];
    if (list.length === 0) return out('skipped', { results: [], skipped: true, changed: false, skipped_reason: 'No items in the list' });
    if (task.mod.construct === 'include_tasks' || task.mod.construct === 'include_role') {
      const control = renderedControl(task.loop_control, scope);
      const vars = list.map((_, i) => loopVars(list, i, control));
      const active = vars.filter((v) => whenHolds(task, scope.with({ name: 'loop', vars: v })));
      if (active.length === 0) return out('skipped', { ...SKIPPED });
      return includeOutcome(out, task, scope, active);
    }
    return await runLoop(ht, list);
  } catch (e) {
    if (e instanceof ConnectionError) return out('unreachable', { unreachable: true, changed: false, msg: e.message }, ignoreUnreachable(task, scope));
    if (e instanceof TaskError || isExprError(e)) return out(failedStatus(), { failed: true, changed: false, msg: e instanceof TaskError ? e.message : errorMessage(e, task) });
    if (abortedBy(e, env)) return out('failed', { failed: true, changed: false, msg: 'interrupted: the action in flight was aborted (Ctrl-C twice)' });
    throw e;
  }
}

// An action that gave up because the run was aborted (a module's wait throws AbortError): a failure, not a bug.
function abortedBy(e: unknown, env: TaskEnv): boolean {
  return env.signal.aborted && e instanceof Error && (e.name === 'AbortError' || (e as NodeJS.ErrnoException).code === 'ABORT_ERR');
}

function ignoreUnreachable(task: Task, scope: VarScope): Partial<HostOutcome> {
  return truthy(inherited(task, 'ignore_unreachable'), scope) ? { ignoredUnreachable: true } : {};
}

const ROLE_FROM = ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'rolespec_validate'] as const;

function includeOutcome(out: (s: Status, r: Vars, x?: Partial<HostOutcome>) => HostOutcome, task: Task, scope: VarScope, items: (Vars | undefined)[]): HostOutcome {
  const includes = items.map((lv) => {
    const s = lv ? scope.with({ name: 'loop', vars: lv }) : scope;
    const file = String(templateValue(task.args['_raw_params'] ?? task.args['file'] ?? task.args['name'] ?? '', s));
    const from: Record<string, string> = {};
    if (task.mod.construct === 'include_role') {
      for (const k of ROLE_FROM) {
        const v = task.args[k] === undefined ? undefined : templateValue(task.args[k], s);
        if (isUndefined(v)) v.fail();
        if (v !== undefined && v !== null && v !== OMIT) from[k] = String(v);
      }
    }
    return { file, ...(lv ? { loopVars: lv } : {}), ...(Object.keys(from).length ? { from } : {}) };
  });
  return out('ok', { changed: false, include: includes.map((i) => i.file) }, { includes });
}

// Applies ignore_errors/unreachable rules and builds the outcome of a finished execution.
function finish({ out, ignoreErrors, task, scope }: HostTask, r: Vars): HostOutcome {
  const delegated = r['_delegated_to'] as string | undefined;
  delete r['_delegated_to'];
  const extra: Partial<HostOutcome> = delegated ? { delegatedTo: delegated } : {};
  if (r['unreachable'] === true) return out('unreachable', r, { ...extra, ...ignoreUnreachable(task, scope) });
  if (isFailedResult(r)) return out(ignoreErrors ? 'ignored' : 'failed', r, extra);
  if (r['skipped'] === true) return out('skipped', r, extra);
  return out(r['changed'] === true ? 'changed' : 'ok', r, extra);
}

// Runs the task once per loop item and builds Ansible's loop result (results, msg, skipped).
async function runLoop(ht: HostTask, list: unknown[]): Promise<HostOutcome> {
  const { env, task, host, scope, name, out, ignoreErrors, noLog } = ht;
  const results: Vars[] = [];
  const control = renderedControl(task.loop_control, scope);
  const pause = Number(control?.['pause'] ?? 0);
  // set_fact / include_vars in a loop: each item sees the variables the items before it set
  const factsSoFar: Vars = {};
  const keepsFacts = task.mod.factsAs === 'hostvars' || task.mod.factsAs === 'include_vars';
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && pause > 0) await sleep(pause * 1000, undefined, { signal: env.signal });
    const lv = loopVars(list, i, control);
    const base = Object.keys(factsSoFar).length > 0 ? scope.with({ name: 'loop-facts', vars: { ...factsSoFar } }) : scope;
    const iscope = base.with({ name: 'loop', vars: lv });
    const label = task.loop_control?.['label'] !== undefined ? templateValue(task.loop_control['label'], iscope) : list[i];
    let r: Vars;
    try {
      r = whenHolds(task, iscope) ? await execute(ht, iscope) : { ...SKIPPED };
    } catch (e) {
      if (e instanceof ConnectionError) return out('unreachable', { unreachable: true, changed: false, msg: e.message }, ignoreUnreachable(task, scope));
      if (abortedBy(e, env)) return out('failed', { failed: true, changed: false, msg: 'interrupted: the action in flight was aborted (Ctrl-C twice)' });
      if (!(e instanceof TaskError) && !isExprError(e)) throw e;
      // a template that fails for an item fails the whole task (Ansible's loop stops there), the
      // items before it reported as they ran
      return out(ignoreErrors ? 'ignored' : 'failed', { failed: true, changed: false, msg: e instanceof TaskError ? e.message : errorMessage(e, task) });
    }
    if (r['unreachable'] === true) return out('unreachable', r, ignoreUnreachable(task, scope));
    // arguments that do not template fail the task itself, the items before reported as they ran
    if (templateFailures.has(r)) return out(ignoreErrors ? 'ignored' : 'failed', { failed: true, changed: false, msg: r['msg'] });
    const facts = r['ansible_facts'];
    if (keepsFacts && facts && typeof facts === 'object' && r['failed'] !== true) Object.assign(factsSoFar, facts);
    const delegated = r['_delegated_to'] as string | undefined;
    delete r['_delegated_to'];
    const loopVar = String(lv['ansible_loop_var']);
    const item: Vars = { ...r, [loopVar]: list[i], ansible_loop_var: loopVar };
    if (lv['ansible_index_var'] !== undefined) {
      item[String(lv['ansible_index_var'])] = i;
      item['ansible_index_var'] = lv['ansible_index_var'];
    }
    results.push(item);
    const status: Status = isFailedResult(r) ? 'failed' : r['skipped'] === true ? 'skipped' : r['changed'] === true ? 'changed' : 'ok';
    env.record.item(host, name, task, status, item, label, { noLog, ...(delegated ? { delegatedTo: delegated } : {}) });
  }
  const res: Vars = { results, changed: results.some((r) => r['changed'] === true) };
  const failed = results.some((r) => r['failed'] === true);
  const allSkipped = results.every((r) => r['skipped'] === true);
  if (failed) {
    res['failed'] = true;
    res['msg'] = 'One or more items failed';
  } else res['msg'] = allSkipped ? 'All items skipped' : 'All items completed';
  res['skipped'] = allSkipped;
  if (isFailedResult(res)) return out(ignoreErrors ? 'ignored' : 'failed', res);
  if (allSkipped) return out('skipped', res);
  return out(res['changed'] ? 'changed' : 'ok', res);
}

// Whether a result fails its task: failed_when's verdict where there is one (even when until ran
// out of retries and set `failed`), as ansible-core's TaskResult.is_failed.
function isFailedResult(r: Vars): boolean {
  if ('failed_when_result' in r) return r['failed_when_result'] === true;
  const items = Array.isArray(r['results']) ? (r['results'] as Vars[]) : [];
  if (items.some((x) => x && typeof x === 'object' && 'failed_when_result' in x)) return items.some((x) => x?.['failed_when_result'] === true);
  return r['failed'] === true;
}
