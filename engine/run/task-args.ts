// What one action of a task on a host is about to be: its templated arguments, target
// (delegate_to), become/environment, check mode — the request the run's safety checks before it
// runs, and the one a task restored by --resume reports to the safety (a restored drain).
import { ExprRuntimeError, isUndefined, templateValue, toPyStr } from '../expr/index.js';
import type { Task, Vars } from '../load/model.js';
import { inherited, parents } from '../load/inherit.js';
import type { Restored } from './resume-tasks.js';
import { needsTemplating, type VarScope } from './scope.js';
import { taskExecOptions, truthy, type BeforeActionRequest, type TaskEnv } from './task-env.js';
import { OMIT } from './vars.js';

// Templates a task's arguments (raw ones stay as written, omitted ones are dropped); throws expression
// errors. `_variable_params` (a template given as the whole argument string or as `args:`) must
// render a mapping, under which the written arguments are merged. module_defaults fill the rest.
export function templateArgs(task: Task, scope: VarScope): Vars {
  const raw = new Set(task.mod.rawArgs ?? []);
  const args: Vars = {};
  for (const [k, v] of Object.entries(task.args)) {
    if (k === 'apply' || k === '_variable_params') continue;
    // a raw argument is still templated, as ansible-core templates every argument (its failure fails
    // the task), and then given as written
    const rendered = raw.has(k) && !needsTemplating(v) ? v : templateValue(v, scope);
    if (isUndefined(rendered)) rendered.fail();
    const tv = raw.has(k) ? v : rendered;
    // keys are templated too (`set_fact: {"key_{{ x }}": 1}`), as Ansible templates the whole mapping
    const key = k.includes('{{') || k.includes('{%') ? templateValue(k, scope) : k;
    if (isUndefined(key)) key.fail();
    if (tv !== OMIT) args[toPyStr(key)] = tv;
  }
  const variable = task.args['_variable_params'];
  let merged = args;
  if (variable !== undefined) {
    const tv = templateValue(variable, scope);
    if (isUndefined(tv)) tv.fail();
    if (!tv || typeof tv !== 'object' || Array.isArray(tv)) throw new ExprRuntimeError(`invalid or malformed argument: '${toPyStr(variable)}'`);
    merged = { ...(tv as Vars), ...args };
  }
  return withModuleDefaults(task, merged, scope);
}

// module_defaults (play, role, block, task; innermost wins) for the task's module, under its arguments.
function withModuleDefaults(task: Task, args: Vars, scope: VarScope): Vars {
  const chain = [task, ...parents(task)].reverse();
  const names = new Set([task.action, task.resolved, task.mod.name, ...(task.mod.aliases ?? [])]);
  for (const n of [...names]) {
    const short = n.replace(/^ansible\.(builtin|legacy)\./, '');
    names.add(short).add(`ansible.builtin.${short}`).add(`ansible.legacy.${short}`);
  }
  let defaults: Vars | undefined;
  for (const node of chain) {
    const md = node.kw.module_defaults;
    if (md === undefined || md === null) continue;
    const rendered = templateValue(md, scope);
    for (const entry of Array.isArray(rendered) ? rendered : [rendered]) {
      if (!entry || typeof entry !== 'object') continue;
      for (const [k, v] of Object.entries(entry as Vars)) {
        if (names.has(k) && v && typeof v === 'object' && !Array.isArray(v)) defaults = { ...(defaults ?? {}), ...(v as Vars) };
      }
    }
  }
  return defaults ? { ...defaults, ...args } : args;
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
