// async / poll: a module's commands run in the background on the host (detached with nohup, their
// output and exit code written to ~/.ansible_async/JID.*), and are polled there. poll > 0 waits for
// the task like a normal one (within `async` seconds); poll: 0 returns at once (started=1,
// finished=0, ansible_job_id) while the controller keeps polling, and writes the job's final result
// to ~/.ansible_async/JID, where async_status reads it, as Ansible's async_wrapper does.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { asArg, raw, sh, type ShellCommand } from '../connection/command.js';
import type { Connection, ExecOptions, ExecResult } from '../connection/types.js';
import type { ModuleResult } from '../module.js';

export interface AsyncSpec {
  jid: string;
  /** seconds the job may run */
  seconds: number;
  /** seconds between status checks (0: fire and forget) */
  poll: number;
  /** aborted when the job's time is up: it is killed */
  signal: AbortSignal;
  /** aborted when the run ends: polling stops, the job keeps running on the host */
  detach?: AbortSignal;
}

const DIR = raw('"$HOME"/.ansible_async');

// A job id like Ansible's (j<digits>.<pid>).
export function newJobId(): string {
  return `j${parseInt(randomBytes(5).toString('hex'), 16)}.${process.pid}`;
}

// The results file as Ansible reports it.
export function resultsFile(jid: string): string {
  return `~/.ansible_async/${jid}`;
}

// Writes a job's status (JSON) to ~/.ansible_async/JID on the host.
export async function writeJobStatus(conn: Connection, jid: string, status: ModuleResult, opts: ExecOptions): Promise<void> {
  await conn.exec(sh`mkdir -p ${DIR} && cat > ${DIR}/${raw(jid)}`, { ...opts, stdin: JSON.stringify(status) });
}

// Runs `cmd` detached on the host and polls its exit code file until it exists (or the job's time
// is up: the process is killed and the result says the command timed out).
export async function runInBackground(conn: Connection, cmd: ShellCommand, opts: ExecOptions, spec: AsyncSpec, step: number): Promise<ExecResult> {
  const base = sh`${DIR}/${raw(`${spec.jid}.${step}`)}`;
  const f = (ext: string) => sh`${base}.${raw(ext)}`;
  const inner = opts.stdin === undefined ? cmd : sh`${cmd} < ${f('in')}`;
  if (opts.stdin !== undefined) await conn.exec(sh`mkdir -p ${DIR} && cat > ${f('in')}`, { ...opts, stdin: opts.stdin, cwd: undefined } as ExecOptions);
  const job = sh`echo $$ > ${f('pid')}; (/bin/sh -c ${asArg(inner)}) > ${f('out')} 2> ${f('err')} < /dev/null; echo $? > ${f('rc.tmp')}; mv ${f('rc.tmp')} ${f('rc')}`;
  const { stdin: _stdin, ...launchOpts } = opts;
  // setsid (when the host has it) puts the job in a process group of its own, so a timeout kills
  // every process of it, not only the shell that started them
  const detached = sh`if command -v setsid >/dev/null 2>&1; then nohup setsid /bin/sh -c ${asArg(job)}; else nohup /bin/sh -c ${asArg(job)}; fi`;
  const started = await conn.exec(sh`mkdir -p ${DIR} && { ( ${detached} ) > /dev/null 2>&1 & }`, launchOpts);
  if (started.rc !== 0) return started;
  const plain = { ...launchOpts, cwd: undefined } as ExecOptions;
  const interval = Math.max(0.2, Math.min(spec.poll > 0 ? spec.poll : 1, 1));
  for (;;) {
    const rc = await conn.exec(sh`cat ${f('rc')} 2>/dev/null`, plain);
    if (rc.rc === 0 && rc.stdout.trim() !== '') {
      const [out, err] = await Promise.all([conn.exec(sh`cat ${f('out')}`, plain), conn.exec(sh`cat ${f('err')}`, plain)]);
      await conn.exec(sh`rm -f ${f('out')} ${f('err')} ${f('rc')} ${f('pid')} ${f('in')}`, plain);
      return { rc: Number(rc.stdout.trim()), stdout: out.stdout, stderr: err.stdout };
    }
    if (spec.detach?.aborted) return { rc: -1, stdout: '', stderr: 'the run ended while the job was running' };
    if (spec.signal.aborted) {
      await conn.exec(sh`p=$(cat ${f('pid')} 2>/dev/null) && { kill -9 -"$p" 2>/dev/null || { pkill -9 -P "$p"; kill -9 "$p"; }; } 2>/dev/null; rm -f ${f('out')} ${f('err')} ${f('pid')} ${f('in')}; true`, plain);
      return { rc: -1, stdout: '', stderr: '', timedOut: true };
    }
    try {
      await sleep(interval * 1000, undefined, { signal: spec.detach ? AbortSignal.any([spec.signal, spec.detach]) : spec.signal });
    } catch {
      /* the job's time is up: checked above on the next round */
    }
  }
}
