// Runs one module once for one host: controller actions directly, host modules through
// probe → (check mode stops here) → apply over the host's connection. Returns the
// Ansible-shaped result; a ConnectionError propagates (the caller marks UNREACHABLE).
import type { ShellCommand } from '../connection/command.js';
import type { Connection, ConnectionSpec, ExecOptions } from '../connection/types.js';
import type { Task, Vars } from '../load/model.js';
import type { ActionContext, ApplyContext, DiffEntry, ModuleDef, ModuleEnv, ModuleResult, ProbeContext } from '../module.js';
import { normalizeModuleArgs } from '../validate/module-args.js';
import type { RunContext } from './context.js';
import { runInBackground, type AsyncSpec } from './async.js';

export interface ActionRequest {
  task: Task;
  mod: ModuleDef;
  host: string;
  target: string;
  args: Vars;
  checkMode: boolean;
  diffMode: boolean;
  exec: ExecOptions;
  searchPaths: string[];
  spec: () => ConnectionSpec;
  hostVar: (name: string) => unknown;
  evaluate: (expr: string) => unknown;
  /** a string with {{ }} rendered with the task's variables */
  render: (text: string) => unknown;
  condition: (c: unknown) => boolean;
  renderTemplate: (path: string) => Promise<string>;
  progress: (msg: string, data?: Record<string, unknown>) => void;
  signal: AbortSignal;
  /** async: the commands that change the host run in the background there, polled */
  async?: AsyncSpec;
}

// Executes the module; the result always has `changed`, and `failed` when it failed. What the
// module throws propagates: a lost connection makes the host unreachable, anything else fails the
// task on that host only (the batch runner's unexpected-failure path: the error's message, or
// "internal error in tsplay" for a JavaScript bug), never the run.
export async function runAction(ctx: RunContext, req: ActionRequest): Promise<ModuleResult> {
  return runModule(ctx, req);
}

async function runModule(ctx: RunContext, req: ActionRequest): Promise<ModuleResult> {
  const { args, errors } = normalizeModuleArgs(req.mod, req.args);
  if (errors.length > 0) return { failed: true, changed: false, msg: errors.map((e) => e.message).join('; ') };
  req.args = args;
  if (req.mod.action) {
    const actx: ActionContext = {
      host: req.host,
      checkMode: req.checkMode,
      diffMode: req.diffMode,
      rawArgs: req.task.args,
      evaluate: req.evaluate,
      render: req.render,
      condition: req.condition,
      signal: req.signal,
      progress: req.progress,
      searchPaths: req.searchPaths,
      verbosity: ctx.options.verbosity,
      jinja2Native: ctx.options.jinja2Native === true,
      hostVar: req.hostVar,
    };
    return req.mod.action(actx, req.args);
  }
  if (!req.mod.probe) return { failed: true, changed: false, msg: `module '${req.mod.name}' cannot be run as a task here` };
  const wanted = { shown: req.diffMode, kept: req.diffMode || req.mod.alwaysDiff === true };
  let conn = ctx.pool.get(req.spec());
  const env: ModuleEnv = {
    host: req.host,
    target: req.target,
    checkMode: req.checkMode,
    diffMode: req.diffMode,
    searchPaths: req.searchPaths,
    environment: req.exec.env ?? {},
    execDefaults: req.exec,
    signal: req.signal,
    progress: req.progress,
    hostVar: req.hostVar,
    renderTemplate: req.renderTemplate,
    checkState: ctx.checkState,
  };
  const withDefaults = (o?: ExecOptions): ExecOptions => ({ ...req.exec, ...o, signal: req.signal });
  const reader = { query: (cmd: ShellCommand, o?: ExecOptions) => conn.exec(cmd, withDefaults(o)) };
  const probe = await req.mod.probe({ ...env, host_: reader } as ProbeContext, req.args);
  if (probe.failed !== undefined) return { ...(probe.result ?? {}), changed: false, failed: true, msg: probe.failed };
  if (!probe.changed) return withDiff({ changed: false, ...(probe.result ?? {}) }, probe.diff, false, wanted);
  if (req.checkMode) return withDiff(probe.checkResult ?? { ...(probe.result ?? {}), changed: true }, probe.diff, true, wanted);
  if (!probe.apply) return withDiff({ ...(probe.result ?? {}), changed: true }, probe.diff, true, wanted);
  let step = 0;
  const writer = {
    ...reader,
    run: (cmd: ShellCommand, o?: ExecOptions) => (req.async ? runInBackground(conn, cmd, withDefaults(o), req.async, step++) : conn.exec(cmd, withDefaults(o))),
    put: (data: string | Buffer, dest: string, o?: { mode?: string }) => conn.put(data, dest, { ...o, ...(req.exec.become ? { become: req.exec.become } : {}) }),
  };
  const apply: ApplyContext = {
    ...env,
    host_: writer,
    connection: conn,
    reconnect: async () => {
      await ctx.pool.reset(req.spec());
      conn = ctx.pool.get(req.spec());
      apply.connection = conn;
      return conn;
    },
  };
  const res = await probe.apply(apply);
  return withDiff({ changed: true, ...res }, probe.diff, res['changed'] !== false, wanted);
}

// Modules report diffs in diff mode; some (file, alwaysDiff) keep it in the result always (an
// Ansible quirk), marked so the views show it only in diff mode.
function withDiff(res: ModuleResult, diff: DiffEntry[] | undefined, changed: boolean, wanted: { shown: boolean; kept: boolean }): ModuleResult {
  if (!diff || diff.length === 0 || !changed || res['diff'] !== undefined || !wanted.kept) return res;
  return wanted.shown ? { ...res, diff } : { ...res, diff, _ansible_diff_hidden: true };
}

export type { Connection };
