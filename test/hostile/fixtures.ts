// Scratch directories with the files a hostile-input test needs, and the built CLI to run in them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli, type CliResult } from '../e2e/cli.js';
import { runInProcess } from '../helpers/in-process.js';

export interface Scratch {
  dir: string;
  /** writes files (text or bytes) relative to the directory */
  write(files: Record<string, string | Uint8Array>): void;
  /** runs `tsplay ARGS` in the directory (CI set: the plain reporter) */
  tsplay(args: string[], env?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<CliResult & { ms: number }>;
  remove(): void;
}

// A fresh directory under the system's temporary directory. `inProcess`: the commands run through
// main(argv, io) in the test's process (for tests of what a diagnostic says, not of the process).
export function scratch(prefix = 'tsplay-hostile-', o: { inProcess?: boolean } = {}): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(files) {
      for (const [name, data] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), data);
      }
    },
    async tsplay(args, env = {}, timeoutMs = 60_000) {
      const t0 = Date.now();
      const r = await (o.inProcess ? runInProcess : runCli)(args, { cwd: dir, env: { HOME: dir, ...env }, timeoutMs });
      return { ...r, ms: Date.now() - t0 };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** two hosts on the local connection */
export const TWO_LOCAL = 'h1 ansible_connection=local\nh2 ansible_connection=local\n';

// A one-play playbook on `hosts` with the given task lines (already indented by 4).
export function playbook(tasks: string, hosts = 'all', extra = ''): string {
  return `- hosts: ${hosts}\n  gather_facts: false\n${extra}  tasks:\n${tasks}`;
}

// What no output of tsplay may contain: a stack trace, V8's own failures, exit 250.
export function expectNoCrash(r: { rc: number | null; stdout: string; stderr: string }): void {
  const all = `${r.stdout}\n${r.stderr}`;
  if (r.rc === 250 || r.rc === null) throw new Error(`tsplay crashed (rc ${r.rc}):\n${all.slice(-3000)}`);
  if (/\n\s+at .+[:(]\d+:\d+\)?/.test(all)) throw new Error(`a stack trace reached the user:\n${all.slice(-3000)}`);
  if (/Maximum call stack size exceeded|Invalid string length|internal error/.test(all)) throw new Error(`a crash message reached the user:\n${all.slice(-3000)}`);
}
