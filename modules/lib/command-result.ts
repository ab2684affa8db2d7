// Runs a command for command/shell/raw and shapes the result exactly like Ansible's
// (key order included: changed, stdout, stderr, rc, cmd, start, end, delta, msg, ...).
import type { ShellCommand } from '../../engine/connection/command.js';
import type { ExecOptions, ExecResult } from '../../engine/connection/types.js';
import { markTimedOut, type ArgsOf, type HostReader, type ModuleResult, type Probe } from '../../engine/module.js';

// Formats a Date like Python's str(datetime): 2026-11-21 16:04:52.825552
export function pyTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

// Formats a duration like Python's timedelta: 0:00:00.002538
export function pyDelta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(Math.round(ms % 1000)).padStart(3, '0')}000`;
}

function lines(s: string): string[] {
  return s === '' ? [] : s.replace(/\n$/, '').split('\n');
}

// Builds the Ansible command result from an exec result.
export function commandResult(cmd: unknown, r: ExecResult, start: Date, end: Date, strip = true): ModuleResult {
  const stdout = strip ? r.stdout.replace(/\n+$/, '') : r.stdout;
  const stderr = strip ? r.stderr.replace(/\n+$/, '') : r.stderr;
  const res: ModuleResult = { changed: true, stdout, stderr, rc: r.rc, cmd, start: pyTime(start), end: pyTime(end), delta: pyDelta(end.getTime() - start.getTime()) };
  if (r.rc !== 0) {
    res['failed'] = true;
    res['msg'] = r.timedOut ? 'command timed out' : 'non-zero return code';
    if (r.timedOut) markTimedOut(res);
  } else res['msg'] = '';
  res['stdout_lines'] = lines(stdout);
  res['stderr_lines'] = lines(stderr);
  return res;
}

export interface CommandSpec {
  display: unknown;
  /** the raw command line, reported as `cmd` when the program does not exist */
  notFound?: string;
  command: ShellCommand;
  creates?: string;
  removes?: string;
  stdin?: string;
  strip: boolean;
  exec: ExecOptions;
}

async function exists(host: HostReader, path: string): Promise<boolean> {
  const r = await host.query(globTest(path));
  return r.rc === 0;
}

function globTest(path: string): ShellCommand {
  // unquoted glob so `creates: /etc/*.conf` matches like Ansible's glob check
  const safe = path.replace(/[^A-Za-z0-9_@%+=:,./*?[\]~-]/g, (c) => `\\${c}`);
  return { text: `for f in ${safe}; do [ -e "$f" ] && exit 0; done; exit 1`, display: `test -e ${path}` };
}

// The arguments command and shell share (schema properties).
export const RUN_PROPERTIES = {
  chdir: { type: 'string', description: 'change into this directory first' },
  creates: { type: 'string', description: 'a path (glob) that, when it exists, means the command does not need to run' },
  removes: { type: 'string', description: 'a path (glob) that, when it does not exist, means the command does not need to run' },
  stdin: { type: 'string', description: 'text sent to the command on standard input' },
  stdin_add_newline: { type: 'boolean', default: true, description: 'append a newline to stdin' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'strip trailing newlines from stdout/stderr' },
  warn: { type: 'boolean', description: 'accepted and ignored (removed in Ansible 2.14)' },
} as const;

/** Those shared arguments as command and shell receive them. */
export type RunArgs = ArgsOf<{ type: 'object'; properties: typeof RUN_PROPERTIES }>;

// The CommandSpec fields those shared arguments give (chdir, creates/removes, stdin, strip).
export function runSpec(a: RunArgs, execDefaults: ExecOptions): Pick<CommandSpec, 'creates' | 'removes' | 'stdin' | 'strip' | 'exec'> {
  const stdin = a.stdin === undefined ? undefined : a.stdin + (a.stdin_add_newline ? '\n' : '');
  return {
    ...(a.creates !== undefined ? { creates: a.creates } : {}),
    ...(a.removes !== undefined ? { removes: a.removes } : {}),
    ...(stdin !== undefined ? { stdin } : {}),
    strip: a.strip_empty_ends,
    exec: { ...execDefaults, ...(a.chdir ? { cwd: a.chdir } : {}) },
  };
}

// The probe shared by command/shell/raw: creates/removes decide, otherwise the command would run.
export async function probeCommand(host: HostReader, spec: CommandSpec, checkMode: boolean): Promise<Probe> {
  const base = { stdout: '', stderr: '', rc: 0, cmd: spec.display, start: null, end: null, delta: null };
  for (const [key, want] of [['creates', true], ['removes', false]] as const) {
    const path = spec[key];
    if (path === undefined) continue;
    if ((await exists(host, path)) === want) {
      const verb = checkMode ? 'Would not run' : 'Did not run';
      const msg = want ? `${verb} command since '${path}' exists` : `${verb} command since '${path}' does not exist`;
      const stdout = want ? `skipped, since ${path} exists` : `skipped, since ${path} does not exist`;
      return { changed: false, result: { changed: false, ...base, stdout, msg, stdout_lines: [stdout], stderr_lines: [] } };
    }
  }
  const apply = async (ctx: { host_: { run(c: ShellCommand, o?: ExecOptions): Promise<ExecResult> } }): Promise<ModuleResult> => {
    const start = new Date();
    const opts: ExecOptions = { ...spec.exec };
    if (spec.stdin !== undefined) opts.stdin = spec.stdin;
    const r = await ctx.host_.run(spec.command, opts);
    if (spec.notFound !== undefined && r.rc === 2 && r.stderr === '__TSPLAY_ENOENT__') {
      const prog = spec.notFound.trim().split(/\s+/)[0] ?? '';
      return { changed: false, cmd: spec.notFound, msg: `[Errno 2] No such file or directory: b'${prog}'`, rc: 2, stderr: '', stderr_lines: [], stdout: '', stdout_lines: [], failed: true };
    }
    return commandResult(spec.display, r, start, new Date(), spec.strip);
  };
  const checkResult: ModuleResult = { changed: false, ...base, msg: 'Command would have run if not in check mode', stdout_lines: [], stderr_lines: [], _tsplay_would_run: spec.display };
  if (spec.creates === undefined && spec.removes === undefined) checkResult['skipped'] = true;
  else checkResult['changed'] = true;
  return { changed: true, apply, checkResult };
}

// A shell-text argument as a string (undefined when absent), for the shellText capability.
export function stringArg(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}
