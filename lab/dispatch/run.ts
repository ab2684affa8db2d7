// Runs a planned script in process, the way dash and the shims would: and-or lists, groups,
// redirections between the channel's stdout, stderr and /dev/null, exit and exec, sudo's root mark,
// and each simulated tool called as the node dispatcher calls it (same ToolCall, same output and status).
import { PASS_ENV } from '../shims.js';
import type { ToolCall, ToolResult } from '../types.js';
import type { FileAnswer, FileCommand } from './files.js';
import type { Sink } from './parse.js';
import type { Action, Plan, PlannedCommand, Program } from './plan.js';
import { runShim } from './shims.js';

// What the script runs against: the simulation, the channel, and real processes for `exec` answers.
export interface DispatchHost {
  // The shell's working directory (the node's root).
  cwd: string;
  tool(call: ToolCall): Promise<ToolResult>;
  // The channel's whole stdin (for `dpkg --set-selections`).
  readStdin(): Promise<string>;
  // Runs a real program as the shell user (a tool's `exec` answer, a pipeline's later commands);
  // its stdin is `input` when given, else the channel's. Resolves with its status.
  spawn(file: string, args: string[], env: Record<string, string>, out: (fd: 1 | 2, data: Buffer) => void, input?: Buffer): Promise<number>;
  write(fd: 1 | 2, data: string | Buffer): void;
  // A path probe's file command or `[ OP PATH ]` answered from the file system as the shell user
  // (files.ts); undefined when only the real program can say.
  file(c: FileCommand): FileAnswer | undefined;
  fileTest(op: string, path: string): number | undefined;
  // The channel went away or was signalled: stop before the next command.
  aborted(): boolean;
}

// Thrown when the channel went away in the middle of a script.
export class Aborted extends Error {}

type Env = Record<string, string>;
// Where fds 1 and 2 go: a sink of the channel, or the pipe to a pipeline's next command (collected).
type Out = Sink | Buffer[];
type Fds = { 1: Out; 2: Out };

interface Shell {
  env: Env;
  last: number;
}

class ExitShell {
  constructor(readonly code: number) {}
}

class Runner {
  constructor(private readonly host: DispatchHost) {}

  private write(fds: Fds, fd: 1 | 2, data: string | Buffer): void {
    const to = fds[fd];
    if (data.length === 0 || to === 'null') return;
    if (Array.isArray(to)) to.push(Buffer.from(data));
    else this.host.write(to, data);
  }

  private emit(r: ToolResult, fds: Fds): void {
    this.write(fds, 1, r.stdout);
    this.write(fds, 2, r.stderr);
  }

  // One simulated tool, as lab/shims.ts's dispatcher calls it.
  private async tool(tool: string, args: string[], env: Env, fds: Fds): Promise<number> {
    const pass: Env = {};
    for (const k of PASS_ENV) if (env[k] !== undefined) pass[k] = env[k];
    const call: ToolCall = { node: env['TSPLAY_LAB_NODE'] ?? '', tool, args, root: env['TSPLAY_LAB_ROOT'] === '1', cwd: this.host.cwd, env: pass };
    if (tool === 'dpkg' && args.includes('--set-selections')) call.stdin = await this.host.readStdin();
    const r = await this.host.tool(call);
    if (this.host.aborted()) throw new Aborted();
    this.emit(r, fds);
    // process.exitCode in the dispatcher: the status the shell sees is the low byte.
    if (!r.exec) return r.rc & 0xff;
    return this.host.spawn(r.exec.file, r.exec.args, { ...env, ...(r.exec.env ?? {}) }, (fd, d) => this.write(fds, fd, d));
  }

  // A real program, as the shell would start it (found on PATH), with an empty stdin.
  private real(argv: string[], env: Env, fds: Fds): Promise<number> {
    return this.host.spawn(argv[0] as string, argv.slice(1), env, (fd, d) => this.write(fds, fd, d), Buffer.alloc(0));
  }

  async program(p: Program, env: Env, fds: Fds): Promise<number> {
    switch (p.kind) {
      case 'tool':
        return this.tool(p.tool, p.args, env, fds);
      case 'shim': {
        const r = runShim(p.name, p.args, env);
        this.emit(r, fds);
        return r.rc;
      }
      case 'sh':
        try {
          return await this.script(p.script, { env: { ...env }, last: 0 }, fds);
        } catch (e) {
          if (e instanceof ExitShell) return e.code;
          throw e;
        }
      case 'clock':
        this.write(fds, 1, `${Math.floor(Date.now() / 1000)}\n`);
        return 0;
      case 'file': {
        const r = this.host.file(p.command);
        if (!r) return this.real(p.argv, env, fds);
        this.write(fds, 1, r.stdout);
        return r.rc;
      }
      case 'sudo':
        if (!p.target) {
          this.write(fds, 2, 'usage: sudo [-u user] command\n');
          return 1;
        }
        return this.program(p.target, { ...env, TSPLAY_LAB_ROOT: '1' }, fds);
    }
  }

  private async action(a: Action, sh: Shell, fds: Fds): Promise<number> {
    switch (a.kind) {
      case 'print':
        this.write(fds, 1, a.text);
        return 0;
      case 'exit':
        throw new ExitShell(a.code ?? sh.last);
      case 'status':
        return a.code;
      case 'test':
        return this.host.fileTest(a.op, a.path) ?? this.real(['test', a.op, a.path], sh.env, fds);
      case 'export':
        for (const [k, v] of a.vars) sh.env[k] = v;
        return 0;
      case 'exec':
        throw new ExitShell(await this.program(a.program, sh.env, fds));
      case 'run':
        return this.program(a.program, { ...sh.env, ...Object.fromEntries(a.assigns) }, fds);
    }
  }

  private async command(c: PlannedCommand, sh: Shell, fds: Fds): Promise<number> {
    if (this.host.aborted()) throw new Aborted();
    // A pipeline's first command writes to the pipe, then its own redirections apply.
    const piped: Buffer[] = [];
    const f: Fds = c.kind === 'pipe' ? { 1: piped, 2: fds[2] } : { ...fds };
    for (const r of c.redirects) f[r.fd] = r.to === 'null' ? 'null' : f[r.to];
    let status: number;
    if (c.kind === 'group') status = await this.script(c.body, sh, f);
    else if (c.kind === 'if') {
      // dash: the branch's status, or 0 when the condition failed and there is no else
      if ((await this.script(c.cond, sh, f)) === 0) status = await this.script(c.then, sh, f);
      else status = c.otherwise ? await this.script(c.otherwise, sh, f) : 0;
    } else if (c.kind === 'simple') status = await this.action(c.action, sh, f);
    else {
      // CMD runs to its end (in a copy of the shell, as dash's subshell), then a real shell runs
      // REST on what it printed. The status is REST's, as in dash without pipefail.
      await this.action(c.action, { env: { ...sh.env }, last: sh.last }, f);
      if (this.host.aborted()) throw new Aborted();
      status = await this.host.spawn('/bin/sh', ['-c', c.rest], sh.env, (fd, d) => this.write(fds, fd, d), Buffer.concat(piped));
    }
    sh.last = status;
    return status;
  }

  private async script(plan: Plan, sh: Shell, fds: Fds): Promise<number> {
    for (const item of plan) {
      let status = await this.command(item.first, sh, fds);
      for (const r of item.rest) if ((r.op === '&&') === (status === 0)) status = await this.command(r.cmd, sh, fds);
    }
    return sh.last;
  }
}

// Runs `/bin/sh -c SCRIPT` (already planned, with its pid) in process; resolves with its exit status.
export function runPlanned(plan: Plan, pid: number, env: Env, host: DispatchHost): Promise<number> {
  return new Runner(host).program({ kind: 'sh', script: plan, pid }, env, { 1: 1, 2: 2 });
}
