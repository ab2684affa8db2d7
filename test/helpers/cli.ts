// Spawns the built CLI (dist/engine/cli/main.js) with a bounded run time, for end-to-end
// tests; the build must exist (`npm run build`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staleBuild } from './build.js';

// The CLI the end-to-end tests spawn (TSPLAY_CLI overrides the built one).
export const CLI = process.env['TSPLAY_CLI'] ?? fileURLToPath(new URL('../../dist/engine/cli/main.js', import.meta.url));

// Why the CLI cannot be spawned (no build), or undefined.
export function cliMissing(): string | undefined {
  const ssh = new URL('../connection/ssh.js', `file://${CLI}`);
  if (!existsSync(CLI)) return `${CLI} does not exist: run \`npm run build\` before the end-to-end tests`;
  if (!existsSync(fileURLToPath(ssh))) return `${fileURLToPath(ssh)} is missing: the build is stale, run \`npm run build\``;
  return process.env['TSPLAY_CLI'] ? undefined : staleBuild();
}

// The outcome of one CLI run.
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the JSON lines of --output json */
  events: Record<string, unknown>[];
  ms: number;
}

// Runs `tsplay ARGS` in `cwd`; kills it (and fails the run) after `timeoutMs`.
export function runCli(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tsplay ${args.join(' ')} did not finish in ${o.timeoutMs ?? 60_000} ms\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
    }, o.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, stdout, stderr, events, ms: Date.now() - t0 });
    });
  });
}
