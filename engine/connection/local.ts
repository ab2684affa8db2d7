// The `local` connection: runs real processes on the controller with /bin/sh.
import { spawn } from 'node:child_process';
import { chmod, rename, stat, writeFile } from 'node:fs/promises';
import { CommandError, prepareCommand, sh, type ShellCommand } from './command.js';
import { watchBecomePrompt } from './become-prompt.js';
import { ConnectionError, type Connection, type ExecOptions, type ExecResult, type PutOptions } from './types.js';

export class LocalConnection implements Connection {
  readonly transport = 'local' as const;
  constructor(readonly host: string) {}

  // Runs the command in /bin/sh; resolves with rc/stdout/stderr for any exit status.
  exec(cmd: ShellCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    const prepared = prepareCommand(cmd, opts);
    return new Promise((resolve, reject) => {
      let child;
      try {
        child = spawn('/bin/sh', ['-c', prepared.command.text], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      } catch (e) {
        // a command line beyond the system's limit is the task's failure, not the host's
        if ((e as NodeJS.ErrnoException).code === 'E2BIG') reject(new CommandError('[Errno 7] Argument list too long: the command line is longer than the system allows'));
        else reject(new ConnectionError(`cannot start /bin/sh: ${(e as Error).message}`, this.host));
        return;
      }
      const out: Buffer[] = [];
      let err = '';
      let timedOut = false;
      const kill = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), kill()), opts.timeoutMs) : undefined;
      const onAbort = () => kill();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const sendStdin = () => {
        if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
        child.stdin.end();
      };
      const prompt = watchBecomePrompt(prepared.prompt, opts.become?.password, { write: (d) => child.stdin.write(d), end: () => child.stdin.end() }, sendStdin);
      child.stdin.on('error', () => undefined);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err += prompt.onStderr(d.toString('utf8'))));
      child.on('error', (e) => reject(new ConnectionError(e.message, this.host)));
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        const rc = code ?? (signal ? 128 + (signalNumber(signal) ?? 9) : 1);
        const res: ExecResult = { rc, stdout: Buffer.concat(out).toString('utf8'), stderr: err };
        if (timedOut) res.timedOut = true;
        resolve(res);
      });
    });
  }

  // Writes a file; with become it goes through the shell so sudo applies.
  async put(data: string | Buffer, dest: string, opts: PutOptions = {}): Promise<void> {
    if (dest.includes('\0')) throw new CommandError('embedded null byte');
    if (opts.become) {
      const tmp = `${dest}.tsplay-tmp`;
      const chmod = opts.mode ? sh` && chmod ${opts.mode} ${tmp}` : sh``;
      const r = await this.exec(sh`cat > ${tmp}${chmod} && mv -f ${tmp} ${dest}`, { stdin: data, become: opts.become });
      if (r.rc !== 0) throw new Error(`cannot write ${dest}: ${r.stderr.trim()}`);
      return;
    }
    const tmp = `${dest}.tsplay-tmp-${process.pid}`;
    await writeFile(tmp, data);
    const keep = opts.mode ? parseInt(opts.mode, 8) : await stat(dest).then((s) => s.mode & 0o7777, () => undefined);
    if (keep !== undefined) await chmod(tmp, keep);
    await rename(tmp, dest);
  }

  async close(): Promise<void> {}
}

function signalNumber(sig: string): number | undefined {
  const map: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
  return map[sig];
}
