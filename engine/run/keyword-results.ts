// ansible-core's task results for its keywords' own failures: an action the `timeout` keyword
// terminated, a boolean keyword whose value is not a boolean.
import type { Task, Vars } from '../load/model.js';
import { inherited } from '../load/inherit.js';
import { templateValue, toPyStr } from '../expr/index.js';
import { isTimedOut } from '../module.js';
import type { VarScope } from './scope.js';

// ansible-core's error for a boolean keyword whose value is none of its boolean words.
export function notBoolean(field: string, v: unknown): string {
  const why = `The value '${toPyStr(v)}' is not a valid boolean.  Valid booleans include: 0, 1, 'no', 'false', 'true', 'n', 'f', 'off', 'yes', 't', 'on', '1', 'y', '0'`;
  return `the field '${field}' has an invalid value (${toPyStr(v)}), and could not be converted to an bool.The error was: ${why}. ${why}`;
}

// A command the task's `timeout` keyword stopped: ansible-core's result for an action it terminated.
export function timedOut(task: Task, result: Vars, scope: VarScope): Vars {
  const t = inherited(task, 'timeout');
  if (t === undefined || t === null || !isTimedOut(result)) return result;
  const n = Number(templateValue(t, scope));
  return { failed: true, changed: false, msg: `The ${task.action} action failed to execute in the expected time frame (${n}) and was terminated` };
}
