// Runs `tsplay ARGS` inside the test's own process through main(argv, io): the CLI's code without
// starting Node and loading it again, for tests about what a command does rather than about its
// process (signals, exit on a broken pipe, crashes, memory stay with the spawned binary). Calls run
// one at a time, each in its own working directory and environment, with fresh source and limit
// caches, as a new process would start. main is the built bundle's (bundled-main.ts).
import type { Io } from '../../engine/cli/app.js';
import { main } from './bundled-main.js';

export interface InProcessResult {
  rc: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let queue: Promise<unknown> = Promise.resolve();

// Runs one command after the ones already queued; rejects when it does not finish in timeoutMs.
export function runInProcess(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<InProcessResult> {
  const job = queue.then(() => once(args, o));
  queue = job.catch(() => undefined);
  return job;
}

async function once(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<InProcessResult> {
  const home = process.cwd();
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries({ CI: '1', ...o.env })) {
    saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.chdir(o.cwd);
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (s) => void (stdout += s + '\n'), err: (s) => void (stderr += s + '\n'), isTTY: false, env: process.env };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`tsplay ${args.join(' ')} (in process) did not finish in ${o.timeoutMs ?? 60_000} ms\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`)), o.timeoutMs ?? 60_000);
  });
  try {
    const rc = await Promise.race([main(args, io), timeout]);
    return { rc, signal: null, stdout, stderr };
  } finally {
    clearTimeout(timer);
    process.chdir(home);
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
