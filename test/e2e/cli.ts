// Spawns the built CLI (dist/engine/cli/main.js) like an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleBuild } from '../helpers/build.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'engine', 'cli', 'main.js');

export interface CliResult {
  rc: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// Fails clearly when the CLI has not been built, or was built from older sources (npm run build).
export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`the CLI is not built: ${CLI} is missing (run npm run build)`);
  const stale = staleBuild();
  if (stale) throw new Error(stale);
}

// Starts `tsplay ARGS` in `cwd`; the caller may signal the child before awaiting `done`.
export function startCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, CI: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (rc, signal) => {
      clearTimeout(timer);
      resolve({ rc, signal, stdout, stderr });
    });
  });
  return { child, done };
}

// Runs `tsplay ARGS` to completion.
export function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return startCli(args, opts).done;
}
