// The in-process path of an SSH exec request: plans the command (undefined: it needs a real shell),
// then runs it against the simulation and writes to the channel what the shell, the shims and the
// node dispatcher would have written. Real programs (a tool's `exec` answer) still start as the
// shell user with no_new_privs, in a process group the node's power-off kills.
import type { Readable, Writable } from 'node:stream';
import type { ServerChannel } from 'ssh2';
import type { NodeSim } from '../node.js';
import { killGroup, spawnForNode, type ShellUser } from '../shell.js';
import type { LabSim } from '../sim.js';
import { runTool } from '../tools/index.js';
import { fileTest, runFileCommand } from './files.js';
import { planScript, safeEnvName, type Plan } from './plan.js';
import { Aborted, runPlanned, type DispatchHost } from './run.js';

// What the in-process path needs of the lab.
export interface InProcessOptions {
  sim: LabSim;
  node: NodeSim;
  binDir: string;
  user: ShellUser | undefined;
}

// A planned exec request and the pid its shell reports for `$$`.
export interface PlannedExec {
  plan: Plan;
  pid: number;
}

// A command running for a channel: signals from the client.
export interface Running {
  kill(signal: NodeJS.Signals): void;
}

// Process ids for in-process shells: above Linux's PID_MAX_LIMIT (2^22), so no real process has one
// and a `kill` of one (the engine's timeout path, through a real shell) fails with ESRCH.
const PID_BASE = 4_194_304;
let lastPid = PID_BASE;
const newPid = (): number => (lastPid = lastPid >= 2_000_000_000 ? PID_BASE + 1 : lastPid + 1);

// Signals whose default action does not end a shell.
const HARMLESS = new Set(['SIGCHLD', 'SIGCONT', 'SIGURG', 'SIGWINCH', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

// Plans `/bin/sh -c COMMAND` for the in-process path; undefined when it needs a real shell.
export function planExec(command: string, env: Record<string, string>, o: InProcessOptions): PlannedExec | undefined {
  if (Object.keys(env).some((k) => k !== 'PATH' && !k.startsWith('TSPLAY_LAB_') && !safeEnvName(k))) return undefined;
  const user = env['TSPLAY_LAB_USER'] ?? '';
  if (user.includes('\\') || user === '-n') return undefined;
  const pid = newPid();
  try {
    return { plan: planScript(command, pid, { binDir: o.binDir, path: env['PATH'] ?? '', newPid }), pid };
  } catch {
    // Unsupported (or a planner bug): the real shell does the same thing, only slower.
    return undefined;
  }
}

// The channel's stdin, buffered until a reader (a tool or a spawned program) takes it.
class StdinTap {
  private chunks: Buffer[] = [];
  private ended = false;
  private sink: Writable | undefined;
  private waiters: (() => void)[] = [];

  constructor(stream: Readable) {
    stream.on('data', (c: Buffer) => (this.sink ? this.sink.write(c) : this.chunks.push(c)));
    const end = () => {
      this.ended = true;
      this.sink?.end();
      for (const w of this.waiters.splice(0)) w();
    };
    stream.on('end', end);
    stream.on('close', end);
  }

  async readAll(): Promise<string> {
    if (!this.ended) await new Promise<void>((r) => this.waiters.push(r));
    return Buffer.concat(this.chunks.splice(0)).toString('utf8');
  }

  // Feeds w what is buffered and what comes; returns the function that stops feeding it.
  pipe(w: Writable): () => void {
    w.on('error', () => undefined);
    for (const c of this.chunks.splice(0)) w.write(c);
    if (this.ended) w.end();
    else this.sink = w;
    return () => {
      if (this.sink === w) this.sink = undefined;
    };
  }
}

// Runs a planned exec request on its channel; `groups` tracks the real processes it starts.
export function startInProcess(stream: ServerChannel, exec: PlannedExec, env: Record<string, string>, o: InProcessOptions, groups: Set<number>): Running {
  const stdin = new StdinTap(stream);
  const children = new Set<number>();
  let aborted = false;
  let finished = false;
  const finish = (how: number | string) => {
    if (finished) return;
    finished = true;
    try {
      if (typeof how === 'string') stream.exit(how, false, '');
      else stream.exit(how);
      stream.end();
    } catch {
      /* the channel is already gone */
    }
  };
  const stop = (signal: NodeJS.Signals = 'SIGKILL') => {
    aborted = true;
    for (const pid of children) killGroup(pid, signal);
  };
  stream.on('error', () => undefined);
  stream.on('close', () => {
    if (!finished) stop();
  });
  const host: DispatchHost = {
    cwd: o.node.dir,
    tool: (call) => runTool(o.sim, call),
    readStdin: () => stdin.readAll(),
    file: (c) => runFileCommand(c, o.node.dir, o.user),
    fileTest: (op, path) => fileTest(op, path, o.node.dir, o.user),
    aborted: () => aborted,
    write: (fd, data) => {
      if (aborted) return;
      try {
        (fd === 1 ? stream : stream.stderr).write(data);
      } catch {
        /* the channel is already gone */
      }
    },
    spawn: (file, args, childEnv, out, input) =>
      new Promise((resolve) => {
        const child = spawnForNode({ argv: [file, ...args], cwd: o.node.dir, env: childEnv, user: o.user });
        const pid = child.pid;
        if (pid) {
          children.add(pid);
          groups.add(pid);
        }
        let unpipe = () => undefined as void;
        if (input) {
          child.stdin?.on('error', () => undefined);
          child.stdin?.end(input);
        } else if (child.stdin) unpipe = stdin.pipe(child.stdin);
        child.stdout?.on('data', (d: Buffer) => out(1, d));
        child.stderr?.on('data', (d: Buffer) => out(2, d));
        let settled = false;
        const done = (status: number) => {
          if (settled) return;
          settled = true;
          unpipe();
          if (pid) {
            children.delete(pid);
            groups.delete(pid);
          }
          resolve(status);
        };
        child.on('error', () => done(137));
        child.on('close', (code) => done(code ?? 137));
      }),
  };
  runPlanned(exec.plan, exec.pid, env, host).then(
    (status) => {
      if (!aborted) finish(status);
    },
    (e: unknown) => {
      if (e instanceof Aborted || aborted) return;
      host.write(2, `lab: internal error in the in-process shell: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      finish(70);
    },
  );
  return {
    kill(signal) {
      if (finished || HARMLESS.has(signal)) return;
      stop(signal);
      finish(signal.replace(/^SIG/, ''));
    },
  };
}
