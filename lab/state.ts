// The running lab's record (.tsplay/lab/state.json) and the client side of its control API, used by
// `tsplay lab` to find, query and stop the daemon.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { INVENTORY_MARKER, labPaths, removeRuntimeFiles, type LabPaths } from './paths.js';
import type { Datastore, Flavor } from './types.js';

// What state.json records.
export interface LabState {
  pid: number;
  startedAt: string;
  cwd: string;
  flavor: Flavor;
  datastore: Datastore;
  controlUrl: string;
  token: string;
  ports: Record<string, number>;
  runtimeDir: string;
}

// Write state.json atomically (0600: it holds the control token).
export function writeState(p: LabPaths, s: LabState): void {
  const tmp = `${p.stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, p.stateFile);
}

// The recorded state of the lab of `cwd`, if any.
export function readState(cwd: string): LabState | undefined {
  const f = labPaths(cwd).stateFile;
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

// Whether pid is this directory's lab daemon (so a reused pid is never signalled); true where /proc is missing.
export function isLabDaemon(pid: number, cwd: string): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return !existsSync('/proc/self/cmdline') && pidAlive(pid);
  }
  const argv = cmdline.split('\0');
  return argv.some((a) => a.endsWith('daemon.js')) && argv.includes(cwd);
}

// Whether a process exists.
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Call the control API; resolves with the parsed JSON body and HTTP status. (node:http without
// keep-alive rather than fetch: the CLI neither loads undici nor waits on an idle socket to exit.)
export function callControl(s: LabState, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 10_000): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
    if (text !== undefined) headers['content-length'] = Buffer.byteLength(text);
    const req = request(new URL(path, s.controlUrl), { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the lab control API did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}

// Whether the recorded daemon is alive and answers.
export async function labAlive(s: LabState): Promise<boolean> {
  if (!isLabDaemon(s.pid, s.cwd)) return false;
  try {
    return (await callControl(s, 'GET', '/health', undefined, 3000)).status === 200;
  } catch {
    return false;
  }
}

// Remove the runtime files of the lab of `cwd` (and inventory/lab.yml when the lab wrote it).
export function cleanupLab(cwd: string, runtimeDir?: string): void {
  const p = labPaths(cwd, runtimeDir);
  removeRuntimeFiles(p);
  rmSync(p.stateFile, { force: true });
  if (existsSync(p.inventory) && readFileSync(p.inventory, 'utf8').startsWith(INVENTORY_MARKER)) rmSync(p.inventory, { force: true });
}

// Stop the daemon: SIGTERM, wait up to `waitMs`, then SIGKILL; then remove its files.
export async function stopLab(cwd: string, s: LabState, waitMs = 10_000): Promise<'stopped' | 'killed' | 'gone'> {
  let how: 'stopped' | 'killed' | 'gone' = 'gone';
  if (isLabDaemon(s.pid, s.cwd)) {
    how = 'stopped';
    try {
      process.kill(s.pid, 'SIGTERM');
    } catch {
      /* exited meanwhile */
    }
    const end = Date.now() + waitMs;
    while (pidAlive(s.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    if (pidAlive(s.pid)) {
      how = 'killed';
      try {
        process.kill(s.pid, 'SIGKILL');
      } catch {
        /* exited meanwhile */
      }
      for (let i = 0; i < 50 && pidAlive(s.pid); i++) await new Promise((r) => setTimeout(r, 100));
    }
  }
  cleanupLab(cwd, s.runtimeDir);
  return how;
}
