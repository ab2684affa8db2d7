// What one action of a task on a host is about to be: its templated arguments, target
// (delegate_to), become/environment, check mode — the request the run's safety checks before it
// runs, and the one a task restored by --resume reports to the safety (a restored drain).
import { isUndefined, templateValue } from '../expr/index.js';
import type { Task, Vars } from '../load/model.js';
import { inherited } from '../load/inherit.js';
import type { Restored } from './resume-tasks.js';
import type { VarScope } from './scope.js';
import { taskExecOptions, truthy, type BeforeActionRequest, type TaskEnv } from './task-env.js';
import { OMIT } from './vars.js';

// Templates a task's arguments (raw ones stay as written, omitted ones are dropped); throws expression errors.
export function templateArgs(task: Task, scope: VarScope): Vars {
  const raw = new Set(task.mod.rawArgs ?? []);
  const args: Vars = {};
  for (const [k, v] of Object.entries(task.args)) {
    if (k === 'apply') continue;
    const tv = raw.has(k) ? v : templateValue(v, scope);
    if (isUndefined(tv)) tv.fail();
    if (tv !== OMIT) args[k] = tv;
  }
  return args;
}

// The request for one action: target, become/environment, check mode.
export function actionRequest(env: TaskEnv, task: Task, host: string, scope: VarScope, args: Vars, extra: Pick<BeforeActionRequest, 'key' | 'noLog'>): BeforeActionRequest {
  const delegateRaw = inherited(task, 'delegate_to');
  const target = delegateRaw === undefined || delegateRaw === null ? host : String(templateValue(delegateRaw, scope));
  const check = inherited(task, 'check_mode');
  const checkMode = check === undefined || check === null ? env.ctx.options.check : truthy(check, scope);
  return { task, mod: task.mod, host, target, args, scope, exec: taskExecOptions(env, task, scope), checkMode, ...extra };
}

// A restored task that drained a node: the run's safety learns of the drain (a later reboot is allowed).
export async function reportRestored(env: TaskEnv, task: Task, host: string, scope: VarScope, r: Restored): Promise<void> {
  if (!r.disruptive?.includes('drain') || r.result['failed'] === true) return;
  try {
    await env.afterAction(actionRequest(env, task, host, scope, templateArgs(task, scope), {}), r.result);
  } catch {
    /* the reboot that follows is then refused as undrained: safe */
  }
}
