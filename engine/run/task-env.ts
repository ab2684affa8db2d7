// What a task execution needs from the batch it runs in, and small helpers shared by the
// executor: task-name rendering, source positions, become/environment/timeout options,
// and connection settings for a (possibly delegated) target.
import { compileTemplate, hasTemplate, isTruthy, isUndefined, renderToString, templateValue } from '../expr/index.js';
import type { BecomeSpec, ConnectionSpec, ExecOptions } from '../connection/types.js';
import { connectionSpec } from '../connection/pool.js';
import type { Task, Vars } from '../load/model.js';
import { formatPos } from '../source/position.js';
import type { RunContext } from './context.js';
import type { BatchRecord } from './record.js';
import { inherited, parents } from '../load/inherit.js';
import type { VarScope } from './scope.js';
import type { PlayRuntime, VarsBuilder } from './vars.js';

export interface TaskEnv {
  ctx: RunContext;
  vars: VarsBuilder;
  rt: PlayRuntime;
  signal: AbortSignal;
  /** events of loop items, retries and progress */
  record: Pick<BatchRecord, 'item' | 'retry' | 'progress'>;
  /** safety checks right before an action: self-preemption, quorum limit, guard; a result refuses it */
  checkBeforeAction(req: BeforeActionRequest): Promise<Vars | undefined>;
  /** what the run's safety must remember of an action that ran (a drain) */
  afterAction(req: BeforeActionRequest, result: Vars): Promise<void>;
  /** the key of the next run of a task on a host in this batch (--resume at task level) */
  taskKey(host: string, task: Task): string;
  /** the outcome restored from the run being resumed, or undefined to run the task */
  restoreTask(task: Task, host: string, key: string, scope: VarScope): Promise<import('./resume-tasks.js').Restored | undefined>;
}

export interface BeforeActionRequest {
  task: Task;
  mod: import('../module.js').ModuleDef;
  host: string;
  target: string;
  args: Vars;
  scope: VarScope;
  exec: ExecOptions;
  checkMode: boolean;
  /** the task's key in the batch (the journal's intent and checkpoint) */
  key?: string;
  /** the task's no_log: guard evidence is censored too */
  noLog?: boolean;
}

// Ansible boolean of a (possibly templated) keyword value.
export function truthy(v: unknown, scope: VarScope): boolean {
  if (v === undefined || v === null) return false;
  const r = typeof v === 'string' && hasTemplate(v) ? templateValue(v, scope) : v;
  if (typeof r === 'string') return ['yes', 'true', 'on', '1', 'y', 't'].includes(r.trim().toLowerCase());
  return isTruthy(r);
}

// The task name rendered with the host's variables; the raw name if it cannot render.
export function renderTaskName(task: Task, scope: VarScope): string | undefined {
  if (task.name === undefined) return undefined;
  if (!hasTemplate(task.name)) return task.name;
  try {
    return renderToString(compileTemplate(task.name), scope);
  } catch {
    return task.name;
  }
}

// `file:line:col` of a task.
export function sourceOf(task: Task): string {
  return formatPos(task.pos);
}

function rendered(v: unknown, scope: VarScope): unknown {
  const r = templateValue(v, scope);
  return isUndefined(r) ? undefined : r;
}

// become / environment / timeout for the task's commands; connection variables win over keywords.
export function taskExecOptions(env: TaskEnv, task: Task, scope: VarScope): ExecOptions {
  const opts: ExecOptions = { signal: env.signal };
  const v = (n: string) => {
    const x = scope.get(n);
    return isUndefined(x) ? undefined : x;
  };
  const becomeVar = v('ansible_become');
  const o = env.ctx.options;
  const kw = inherited(task, 'become');
  const become = becomeVar !== undefined ? truthy(becomeVar, scope) : kw === undefined || kw === null ? o.become === true : truthy(kw, scope);
  if (become) {
    const b: BecomeSpec = {
      user: String(v('ansible_become_user') ?? rendered(inherited(task, 'become_user'), scope) ?? o.becomeUser ?? 'root'),
      method: String(v('ansible_become_method') ?? rendered(inherited(task, 'become_method'), scope) ?? o.becomeMethod ?? 'sudo') as BecomeSpec['method'],
    };
    const pw = v('ansible_become_password') ?? v('ansible_become_pass');
    if (pw !== undefined && pw !== '') {
      b.password = String(pw);
      env.ctx.secrets.add(b.password);
    }
    const flags = v('ansible_become_flags') ?? rendered(inherited(task, 'become_flags'), scope);
    if (flags) b.flags = String(flags);
    opts.become = b;
  }
  const envs = taskEnvironment(task, scope);
  if (Object.keys(envs).length > 0) opts.env = envs;
  const timeout = inherited(task, 'timeout');
  if (timeout !== undefined && timeout !== null) {
    const n = Number(rendered(timeout, scope));
    if (n > 0) opts.timeoutMs = n * 1000;
  }
  return opts;
}

// The task's environment (play, blocks, task; inner keys win). Fact gathering leaves out the
// variables that need facts not gathered yet (ansible_env), as Ansible does.
function taskEnvironment(task: Task, scope: VarScope): Record<string, string> {
  const envs: Record<string, string> = {};
  for (const n of [...parents(task)].reverse().concat([task as never])) {
    const e = (n as { kw: { environment?: unknown } }).kw.environment;
    if (e === undefined || e === null) continue;
    if (task.mod.gathersFacts && typeof e === 'object' && !Array.isArray(e)) {
      for (const [k, val] of Object.entries(e as Vars)) {
        try {
          envs[k] = String(rendered(val, scope));
        } catch (err) {
          if (!(err instanceof Error && /ansible_env|ansible_facts\.env/.test(err.message))) throw err;
        }
      }
      continue;
    }
    const r = rendered(e, scope);
    if (r && typeof r === 'object' && !Array.isArray(r)) for (const [k, val] of Object.entries(r as Vars)) envs[k] = String(val);
  }
  return envs;
}

// Connection settings for the host a task runs on (its own or the delegate's variables).
export function targetSpec(env: { ctx: RunContext; vars: VarsBuilder; rt?: PlayRuntime }, target: string, host: string, scope: VarScope): ConnectionSpec {
  const o = env.ctx.options;
  const defaults = { ...(o.user ? { user: o.user } : {}), ...(o.privateKeyFile ? { privateKeyFile: o.privateKeyFile } : {}), ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}), ...(o.connection ? { connection: o.connection } : {}), ...(o.hostKeyChecking !== undefined ? { hostKeyChecking: o.hostKeyChecking } : {}) };
  const s = target === host ? scope : env.vars.scope(env.rt, target);
  const names = ['ansible_connection', 'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user', 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_become_password', 'ansible_host_key_checking', 'ansible_ssh_host_key_checking'];
  const vars: Record<string, unknown> = {};
  for (const n of names) {
    const val = s.get(n);
    if (!isUndefined(val) && val !== undefined && val !== null) vars[n] = val;
  }
  for (const n of ['ansible_password', 'ansible_ssh_pass', 'ansible_become_password']) env.ctx.secrets.add(vars[n]);
  return connectionSpec(target, vars, defaults);
}
