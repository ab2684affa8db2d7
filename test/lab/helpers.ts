// A lab started in-process with short timings, driven with the real ssh2 client (exec and SFTP).
import { staleBuild } from '../helpers/build.js';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import type { Client, SFTPWrapper } from 'ssh2';
import { startLab, type Lab } from '../../lab/index.js';
import type { LabOptions, LabTimings } from '../../lab/types.js';

// Timings short enough for tests.
export const FAST: Partial<LabTimings> = {
  rebootDelayMs: 100,
  rebootDownMs: 700,
  kubeletStartMs: 250,
  serviceRestartMs: 400,
  quorumRecoveryMs: 1200,
  kubeletSyncMs: 250,
  contentionIntervalMs: 100,
  nodeLeaseRenewMs: 200,
  timeScale: 0.01,
};

// The result of one command over SSH.
export interface Run {
  rc: number;
  stdout: string;
  stderr: string;
}

// A test lab plus SSH helpers.
export class TestLab {
  private readonly clients = new Map<string, Client>();

  private constructor(readonly lab: Lab, readonly dir: string) {}

  // Start a lab in a fresh temp directory (world-traversable, so the shell user reaches it when root).
  static async start(opts: LabOptions = {}): Promise<TestLab> {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-lab-test-'));
    chmodSync(dir, 0o755);
    const lab = await startLab({ cwd: dir, ...opts, timings: { ...FAST, ...(opts.timings ?? {}) } });
    return new TestLab(lab, dir);
  }

  // An authenticated ssh2 client for a node (cached; `fresh` makes a new one).
  async client(node: string, fresh = false, username = 'ubuntu'): Promise<Client> {
    const cached = this.clients.get(`${node}/${username}`);
    if (cached && !fresh) return cached;
    const port = this.lab.ports[node];
    const c = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      c.once('ready', () => resolve());
      c.once('error', reject);
      c.connect({ host: '127.0.0.1', port, username, privateKey: readFileSync(this.lab.paths.keyFile), readyTimeout: 5000 });
    });
    // like the engine's transport (no Nagle delay on each channel's small packets)
    c.setNoDelay(true);
    c.on('error', () => undefined);
    c.on('close', () => {
      if (this.clients.get(`${node}/${username}`) === c) this.clients.delete(`${node}/${username}`);
    });
    if (!fresh) this.clients.set(`${node}/${username}`, c);
    return c;
  }

  // Run a command on a node; `root` wraps it in sudo like become does.
  async sh(node: string, cmd: string, o: { stdin?: string; root?: boolean; username?: string } = {}): Promise<Run> {
    const c = await this.client(node, false, o.username);
    const text = o.root ? `sudo -H -S -n -u root /bin/sh -c '${cmd.replace(/'/g, `'"'"'`)}'` : cmd;
    return new Promise((resolve, reject) => {
      c.exec(text, (err, ch) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        let rc = -1;
        ch.on('data', (d: Buffer) => (stdout += d.toString()));
        ch.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        ch.on('exit', (code: number | null) => (rc = code ?? -1));
        ch.on('close', () => resolve({ rc, stdout, stderr }));
        if (o.stdin !== undefined) ch.write(o.stdin);
        ch.end();
      });
    });
  }

  // An SFTP session on a node.
  async sftp(node: string): Promise<SFTPWrapper> {
    const c = await this.client(node);
    return new Promise((resolve, reject) => c.sftp((err, s) => (err ? reject(err) : resolve(s))));
  }

  // Stop the lab and remove the directory.
  async close(): Promise<void> {
    for (const c of this.clients.values()) c.end();
    this.clients.clear();
    await this.lab.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// Poll until check() is true (bounded).
export async function until(check: () => boolean | Promise<boolean>, ms = 8000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The built CLI (dist/engine/cli/main.js).
export const BUILT_CLI = fileURLToPath(new URL('../../dist/engine/cli/main.js', import.meta.url));

// Why the built CLI cannot run the lab (no build), or undefined.
export function builtLabMissing(): string | undefined {
  for (const f of [BUILT_CLI, fileURLToPath(new URL('../../dist/lab/daemon.js', import.meta.url))]) if (!existsSync(f)) return `${f} is missing: run \`npm run build\` first`;
  return staleBuild();
}

// Run `tsplay ARGS` in cwd (bounded; never throws for a non-zero exit).
export function tsplay(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: o.cwd, env: { ...process.env, CI: '1', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ rc: code ?? -1, stdout, stderr });
    });
  });
}
