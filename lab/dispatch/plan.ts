// Decides, before anything runs, whether an exec request can run in process: every command of the
// parsed script must be a dash builtin of the subset (echo, printf, exit, true, false, :, export,
// command -v, exec), a simulated tool or shim found on the lab's PATH, sudo (the shim's flags,
// without a password prompt), `/bin/sh -c SCRIPT` whose script qualifies too, or a file command of
// the engine's path probes (`[ -e|-L|-f|-d PATH ]`, `stat -c`, `sha1sum`, `readlink`, `cat` of one
// path: files.ts). In a pipeline only the first command is planned; a real shell runs the rest,
// reading what the first one printed.
import { statSync } from 'node:fs';
import { TOOLS } from '../tools/index.js';
import { SH_SHIMS } from '../shims.js';
import { fileCommand, type FileCommand } from './files.js';
import { parseScript, Unsupported, type Command, type Redirect, type SimpleCommand } from './parse.js';
import { shimAnswers, type ShimName } from './shims.js';

// A program a shell starts (a new process; `exec` keeps the shell's pid).
export type Program =
  | { kind: 'tool'; tool: string; args: string[] }
  | { kind: 'shim'; name: ShimName; args: string[] }
  | { kind: 'sh'; script: Plan; pid: number }
  | { kind: 'sudo'; target: Program | undefined }
  | { kind: 'file'; command: FileCommand; argv: string[] }
  | { kind: 'clock' };

// What one simple command does.
export type Action =
  | { kind: 'print'; text: string }
  | { kind: 'exit'; code?: number }
  | { kind: 'status'; code: number }
  | { kind: 'test'; op: string; path: string }
  | { kind: 'export'; vars: [string, string][] }
  | { kind: 'exec'; program: Program }
  | { kind: 'run'; assigns: [string, string][]; program: Program };

export type PlannedCommand =
  | { kind: 'simple'; action: Action; redirects: Redirect[] }
  | { kind: 'group'; body: Plan; redirects: Redirect[] }
  | { kind: 'pipe'; action: Action; redirects: Redirect[]; rest: string }
  | { kind: 'if'; cond: Plan; then: Plan; otherwise?: Plan; redirects: Redirect[] };

// A script with every command resolved.
export type Plan = { first: PlannedCommand; rest: { op: '&&' | '||'; cmd: PlannedCommand }[] }[];

// The shim directory first on PATH (for `command -v`) and the source of the shells' process ids.
export interface PlanContext {
  binDir: string;
  // The shells' PATH (for `command -v` of a real program).
  path: string;
  newPid: () => number;
}

const BUILTINS = new Set(['echo', 'printf', 'exit', 'true', 'false', ':', 'export', 'command', 'exec', '[', 'test']);
const FILE_TESTS = new Set(['-e', '-L', '-f', '-d']);
const SUDO_WITH_ARG = new Set(['-u', '-g', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group']);
// Variables that would change how the shell, the shims or the node dispatcher behave.
const UNSAFE_ENV = /^(PATH|IFS|ENV|BASH_ENV|PS4|TSPLAY_LAB_.*|NODE_.*|LD_.*|UV_.*|OPENSSL_.*|SSL_.*)$/;

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

// Whether assigning NAME in a lab shell keeps the in-process path equivalent.
export function safeEnvName(name: string): boolean {
  return !UNSAFE_ENV.test(name);
}

// dash's echo: `-n` as the first argument, backslash escapes (not in the subset) anywhere.
function echo(args: string[]): string {
  if (args.some((a) => a.includes('\\'))) unsupported('echo with backslashes');
  return args[0] === '-n' ? args.slice(1).join(' ') : `${args.join(' ')}\n`;
}

// dash's printf for formats of literal text, %s and %%: the format repeats while arguments remain.
function printf(args: string[]): string {
  const [format, ...rest] = args;
  if (format === undefined || format.includes('\\')) return unsupported('printf format');
  // Odd indexes are the conversions; a % left in a literal part is a lone one at the end.
  const parts = format.split(/(%.)/);
  if (parts.some((p, i) => (i % 2 === 1 ? p !== '%s' && p !== '%%' : p.includes('%')))) unsupported('printf conversion');
  const uses = parts.filter((p) => p === '%s').length;
  let out = '';
  let i = 0;
  do {
    for (const p of parts) out += p === '%s' ? (rest[i++] ?? '') : p === '%%' ? '%' : p;
  } while (uses > 0 && i < rest.length);
  return out;
}

// The sudo shim's flag loop; returns the command it execs (empty: the usage message).
function sudoCommand(args: string[]): string[] {
  let prompt = '';
  let i = 0;
  while (i < args.length) {
    const a = args[i] as string;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-p' || SUDO_WITH_ARG.has(a)) {
      if (i + 1 >= args.length) unsupported('sudo: a flag without its argument');
      if (a === '-p') prompt = args[i + 1] as string;
      i += 2;
    } else if (a.startsWith('--prompt=')) {
      prompt = a.slice('--prompt='.length);
      i++;
    } else if (a.startsWith('-p')) {
      prompt = a.slice(2);
      i++;
    } else if (a.startsWith('-')) i++;
    else break;
  }
  if (prompt !== '') unsupported('sudo with a password prompt');
  return args.slice(i);
}

// A program by the name a shell (or the sudo shim's exec) looks up on the lab's PATH.
function program(words: string[], pid: number, ctx: PlanContext): Program {
  const [name = '', ...args] = words;
  if (name === '/bin/sh' || name === 'sh') {
    if (args.length !== 2 || args[0] !== '-c') unsupported('sh without exactly -c SCRIPT');
    return { kind: 'sh', script: planScript(args[1] as string, pid, ctx), pid };
  }
  if (name === 'sudo') {
    const cmd = sudoCommand(args);
    return { kind: 'sudo', target: cmd.length > 0 ? program(cmd, pid, ctx) : undefined };
  }
  if (Object.hasOwn(TOOLS, name)) return { kind: 'tool', tool: name, args };
  // `date +%s` (the reboot module's clock): the real date's answer, the epoch seconds
  if (name === 'date' && args.length === 1 && args[0] === '+%s') return { kind: 'clock' };
  if (shimAnswers(name, args)) return { kind: 'shim', name, args };
  // cat is the shim's (which execs /bin/cat for a file other than the boot id)
  const file = fileCommand(name, args);
  if (file) return { kind: 'file', command: file, argv: [name === 'cat' ? '/bin/cat' : name, ...args] };
  return unsupported(`command ${name}`);
}

// A real program NAME on the shells' PATH (after the shims' directory), executable by anyone, as
// dash's `command -v` finds it; undefined when it is not that plain.
function onPath(name: string, ctx: PlanContext): string | undefined {
  if (!/^[\w.-]+$/.test(name)) return undefined;
  for (const dir of ctx.path.split(':')) {
    if (dir === ctx.binDir || !dir.startsWith('/')) continue;
    try {
      const st = statSync(`${dir}/${name}`);
      if (st.isFile()) return (st.mode & 0o111) === 0o111 ? `${dir}/${name}` : undefined;
    } catch {
      /* not in this directory */
    }
  }
  return undefined;
}

function builtin(name: string, args: string[], ctx: PlanContext): Action {
  switch (name) {
    case 'echo':
      return { kind: 'print', text: echo(args) };
    case 'printf':
      return { kind: 'print', text: printf(args) };
    case 'exit':
      if (args.length === 0) return { kind: 'exit' };
      if (args.length > 1 || !/^\d{1,3}$/.test(args[0] as string) || Number(args[0]) > 255) unsupported('exit status');
      return { kind: 'exit', code: Number(args[0]) };
    case '[':
    case 'test': {
      const test = name === '[' ? (args.at(-1) === ']' ? args.slice(0, -1) : []) : args;
      const [op = '', path = ''] = test;
      if (test.length !== 2 || !FILE_TESTS.has(op) || path === '') unsupported(`${name} ${args.join(' ')}`);
      return { kind: 'test', op, path };
    }
    case 'true':
    case ':':
      return { kind: 'status', code: 0 };
    case 'false':
      return { kind: 'status', code: 1 };
    case 'export': {
      const vars = args.map((a): [string, string] => {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(a);
        if (!m?.[1] || !safeEnvName(m[1])) return unsupported('export');
        return [m[1], a.slice(m[0].length)];
      });
      if (vars.length === 0) unsupported('export without arguments');
      return { kind: 'export', vars };
    }
    case 'command': {
      const target = args[1] ?? '';
      if (args.length !== 2 || args[0] !== '-v') unsupported('command without exactly -v NAME');
      if (BUILTINS.has(target)) return { kind: 'print', text: `${target}\n` };
      if (Object.hasOwn(TOOLS, target) || SH_SHIMS.includes(target)) return { kind: 'print', text: `${ctx.binDir}/${target}\n` };
      const found = onPath(target, ctx);
      return found ? { kind: 'print', text: `${found}\n` } : unsupported(`command -v ${target}`);
    }
    default:
      return unsupported(`builtin ${name}`);
  }
}

function simple(cmd: SimpleCommand, pid: number, ctx: PlanContext): Action {
  const [name = '', ...args] = cmd.words;
  if (name === 'exec') {
    if (args.length === 0 || cmd.assigns.length > 0 || cmd.redirects.length > 0) unsupported('exec with redirections or assignments');
    return { kind: 'exec', program: program(args, pid, ctx) };
  }
  if (BUILTINS.has(name)) {
    if (cmd.assigns.length > 0) unsupported('assignments before a builtin');
    return builtin(name, args, ctx);
  }
  if (cmd.assigns.some(([k]) => !safeEnvName(k))) unsupported('assignment');
  return { kind: 'run', assigns: cmd.assigns, program: program(cmd.words, ctx.newPid(), ctx) };
}

function command(cmd: Command, pid: number, ctx: PlanContext): PlannedCommand {
  if (cmd.kind === 'group') return { kind: 'group', body: cmd.body.map((a) => andOr(a, pid, ctx)), redirects: cmd.redirects };
  if (cmd.kind === 'if') {
    const plan = (s: typeof cmd.cond) => s.map((a) => andOr(a, pid, ctx));
    return { kind: 'if', cond: plan(cmd.cond), then: plan(cmd.then), ...(cmd.otherwise ? { otherwise: plan(cmd.otherwise) } : {}), redirects: [] };
  }
  if (cmd.kind === 'pipe') {
    // dash runs each command of a pipeline in a subshell: one that would change this shell
    // (exit, exec, export) is left to a real shell.
    const action = simple(cmd.first, pid, ctx);
    if (action.kind === 'exit' || action.kind === 'exec' || action.kind === 'export') unsupported(`${action.kind} in a pipeline`);
    return { kind: 'pipe', action, redirects: cmd.first.redirects, rest: cmd.rest };
  }
  return { kind: 'simple', action: simple(cmd, pid, ctx), redirects: cmd.redirects };
}

function andOr(a: { first: Command; rest: { op: '&&' | '||'; cmd: Command }[] }, pid: number, ctx: PlanContext): Plan[number] {
  return { first: command(a.first, pid, ctx), rest: a.rest.map((r) => ({ op: r.op, cmd: command(r.cmd, pid, ctx) })) };
}

// Plans the script of a shell whose process id is pid; throws Unsupported.
export function planScript(text: string, pid: number, ctx: PlanContext): Plan {
  return parseScript(text, pid).map((a) => andOr(a, pid, ctx));
}
