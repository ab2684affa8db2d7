// One execution of a task on a host: the arguments templated, delegation, become and environment
// resolved, the module run once (or as an async job), until/retries/delay around it, and
// changed_when/failed_when judged with the registered result visible.
import { setTimeout as sleep } from 'node:timers/promises';
import { ExprRuntimeError, ExprSyntaxError, UndefinedVariableError, evaluate, compileExpression, evaluateCondition, isUndefined, templateValue, toPyStr } from '../expr/index.js';
import type { Task, Vars } from '../load/model.js';
import type { ModuleResult } from '../module.js';
import { runAction, type ActionRequest } from './action.js';
import { newJobId, resultsFile, writeJobStatus } from './async.js';
import { renderTemplateFile } from './render.js';
import { inherited } from '../load/inherit.js';
import { strictAnsibleBool } from '../shared/coerce.js';
import { notBoolean, timedOut } from './keyword-results.js';
import { LoopError } from './loops.js';
import { applyInventoryChange, inventoryWouldChange } from './inventory-changes.js';
import type { VarScope } from './scope.js';
import type { TaskEnv } from './task-env.js';
import { sourceOf, targetSpec } from './task-env.js';
import { actionRequest, templateArgs } from './task-args.js';
import { CENSORED } from './record.js';

// An error already worded as Ansible words it (a `when` that cannot be evaluated).
export class TaskError extends Error {}

/** one task on one host: what every step of its execution needs */
export interface Execution {
  env: TaskEnv;
  task: Task;
  host: string;
  /** the host's variables for the task (loop items add a layer) */
  scope: VarScope;
  searchPaths: string[];
  /** the rendered task name */
  name: string;
  noLog: boolean;
  key: string;
}

// Explains an exception the way Ansible reports task errors.
export function errorMessage(e: unknown, task: Task, what: 'args' | 'when' | 'plain' = 'plain', cond?: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (what === 'when') return `The conditional check '${toPyStr(cond)}' failed. The error was: error while evaluating conditional (${toPyStr(cond)}): ${m}`;
  if (what === 'args' && e instanceof UndefinedVariableError) return `The task includes an option with an undefined variable. The error was: ${m}. ${m}\n\nThe error appears to be in '${sourceOf(task)}'`;
  return m;
}

export function isExprError(e: unknown): boolean {
  return e instanceof UndefinedVariableError || e instanceof ExprRuntimeError || e instanceof ExprSyntaxError || e instanceof LoopError;
}

// Results of arguments that could not be templated: in a loop they fail the whole task.
export const templateFailures = new WeakSet<Vars>();

function templateFailure(r: Vars): Vars {
  templateFailures.add(r);
  return r;
}

// One execution with until/retries; changed_when/failed_when see the registered result.
export async function execute(ht: Execution, scope: VarScope): Promise<Vars> {
  const { env, task, host, name } = ht;
  const until = task.until;
  let retries = 1;
  if (until) {
    const n = task.retries === undefined ? 3 : Number(templateValue(task.retries, scope));
    retries = !Number.isFinite(n) || n <= 0 ? 1 : n + 1;
  }
  const delay = task.delay === undefined ? 5 : Number(templateValue(task.delay, scope));
  let result: Vars = {};
  for (let attempt = 1; attempt <= retries; attempt++) {
    result = timedOut(task, await runOnce(ht, scope), scope);
    if (result['unreachable'] === true) return result;
    // add_host / group_by: applied at once (a loop's next item sees it), changed only when the
    // inventory was (recording applies it again, which changes nothing, and refreshes the views)
    if (task.mod.changesInventory && result['failed'] !== true) {
      result['changed'] = inventoryWouldChange(env.ctx.inventory, host, result);
      applyInventoryChange(env.ctx.inventory, host, result);
    }
    const view = task.register ? scope.with({ name: 'register', vars: { [task.register]: result } }) : scope;
    const facts = result['ansible_facts'];
    const condScope = facts && typeof facts === 'object' && task.mod.factsAs !== 'none' ? view.with({ name: 'facts', vars: facts as Vars }) : view;
    if (result['failed'] === undefined) result['failed'] = result['rc'] !== undefined && result['rc'] !== 0 && result['rc'] !== '0';
    if (until) result['attempts'] = attempt;
    if (result['changed'] === undefined) result['changed'] = false;
    if (result['skipped'] === undefined) applyChangedFailedWhen(task, result, condScope);
    if (retries > 1 && until) {
      if (evaluateCondition(until, condScope)) break;
      if (attempt < retries) {
        env.record.retry(host, name, task, result, attempt, retries, ht.noLog);
        if (delay > 0) await sleep(delay * 1000, undefined, { signal: env.signal });
        continue;
      }
      result['attempts'] = retries - 1;
      result['failed'] = true;
    }
  }
  return result;
}

function applyChangedFailedWhen(task: Task, result: Vars, scope: VarScope): void {
  let which = 'changed';
  try {
    if (task.changed_when && task.changed_when.length > 0) result['changed'] = task.changed_when.every((c) => evaluateCondition(c, scope));
    which = 'failed';
    if (task.failed_when && task.failed_when.length > 0) {
      const f = task.failed_when.every((c) => evaluateCondition(c, scope));
      result['failed_when_result'] = f;
      result['failed'] = f;
    }
  } catch (e) {
    result['failed'] = true;
    result[`${which}_when_result`] = e instanceof Error ? e.message : String(e);
  }
}

// Templates the args, resolves delegation/become/environment and runs the module once.
async function runOnce({ env, task, host, searchPaths, key, noLog }: Execution, scope: VarScope): Promise<ModuleResult> {
  const mod = task.mod;
  let args: Vars;
  try {
    args = templateArgs(task, scope);
  } catch (e) {
    if (isExprError(e)) return templateFailure({ failed: true, changed: false, msg: errorMessage(e, task, 'args') });
    throw e;
  }
  const before = actionRequest(env, task, host, scope, args, { key, noLog });
  const { target, exec, checkMode } = before;
  const diff = inherited(task, 'diff');
  const diffMode = diff === undefined || diff === null ? env.ctx.options.diff : strictAnsibleBool(typeof diff === 'string' ? templateValue(diff, scope) : diff);
  if (diffMode === undefined) return { failed: true, changed: false, msg: notBoolean('diff', typeof diff === 'string' ? templateValue(diff, scope) : diff) };
  const refusal = await env.checkBeforeAction(before);
  if (refusal) return { failed: true, changed: false, ...refusal, ...(target !== host ? { _delegated_to: target } : {}) };
  const req: ActionRequest = {
    task, mod, host, target, args, exec, searchPaths,
    checkMode,
    diffMode,
    spec: () => targetSpec(env, target, host, scope),
    hostVar: (n) => {
      const v = scope.get(n);
      return isUndefined(v) ? undefined : v;
    },
    evaluate: (expr) => {
      const v = evaluate(compileExpression(expr), scope);
      if (isUndefined(v)) v.fail();
      return v;
    },
    render: (text) => {
      const v = templateValue(text, scope);
      if (isUndefined(v)) v.fail();
      return v;
    },
    condition: (c) => evaluateCondition(c, scope),
    renderTemplate: (path) => renderTemplateFile(path, scope, searchPaths),
    progress: (msg, data) => env.record.progress(host, task, noLog ? CENSORED : msg, noLog ? undefined : data),
    signal: env.signal,
  };
  const asyncS = task.async === undefined ? 0 : Number(templateValue(task.async, scope));
  const res = asyncS > 0 && !checkMode ? await runAsync(env, req, asyncS, task.poll === undefined ? 15 : Number(templateValue(task.poll, scope))) : await runAction(env.ctx, req);
  await env.afterAction(before, res);
  if (target !== host) res['_delegated_to'] = target;
  return res;
}

// `action: "{{ module }}"`: the module is known once the name renders for this host.
export function resolveDynamicAction(env: TaskEnv, task: Task, scope: VarScope): Task {
  const name = String(templateValue(task.dynamicAction, scope)).trim();
  const { modules, load } = env.ctx.options;
  let mod = modules.find(name);
  if (!mod) {
    const known = load?.ansibleModules?.resolve(name, { playbookDir: env.ctx.playbook.dir, ...(task.role ? { roleDir: task.role.path } : {}) });
    if (known) mod = modules.find(known.replace(/^ansible\.(builtin|legacy)\./, '')) ?? modules.unimplemented?.(known);
  }
  if (!mod) throw new TaskError(`couldn't resolve module/action '${name}'. This often indicates a misspelling, missing collection, or incorrect module path.`);
  const args = { ...task.args };
  const rawParams = args['_raw_params'];
  if (rawParams !== undefined && !mod.freeForm) {
    delete args['_raw_params'];
    if (typeof rawParams === 'string' && (rawParams.includes('{{') || rawParams.includes('{%'))) args['_variable_params'] = rawParams;
    else if (rawParams !== '') throw new TaskError(`this task '${name}' has extra params, which is only allowed in modules that take a free-form argument`);
  }
  const { dynamicAction: _d, ...rest } = task;
  return { ...rest, action: name, resolved: mod.name, mod, args };
}

// async/poll: poll > 0 waits (within `async` seconds) and reports the job like a normal task;
// poll 0 starts it and returns at once, the final result going to ~/.ansible_async/JID.
async function runAsync(env: TaskEnv, req: ActionRequest, seconds: number, poll: number): Promise<ModuleResult> {
  const jid = newJobId();
  const timeUp = new AbortController();
  const timer = setTimeout(() => timeUp.abort(), seconds * 1000);
  timer.unref();
  const spec = { jid, seconds, poll: Number.isFinite(poll) ? poll : 15, signal: timeUp.signal, detach: env.ctx.detachJobs.signal };
  const ids = { ansible_job_id: jid, results_file: resultsFile(jid), started: 1 };
  const timedOut = (): ModuleResult => ({ ...ids, failed: true, changed: false, finished: 0, msg: `async task did not complete within the requested time - ${seconds}s` });
  if (spec.poll > 0) {
    try {
      const res = await runAction(env.ctx, { ...req, async: spec });
      if (timeUp.signal.aborted) return timedOut();
      return { ...res, ...ids, finished: 1 };
    } finally {
      clearTimeout(timer);
    }
  }
  const conn = env.ctx.pool.get(req.spec());
  await writeJobStatus(conn, jid, { ...ids, finished: 0 }, req.exec);
  void runAction(env.ctx, { ...req, async: spec })
    .then((res) => (env.ctx.detachJobs.signal.aborted ? undefined : writeJobStatus(conn, jid, timeUp.signal.aborted ? timedOut() : { ...res, ...ids, finished: 1 }, req.exec)))
    .catch(() => undefined)
    .finally(() => clearTimeout(timer));
  return { ...ids, finished: 0, changed: true };
}
