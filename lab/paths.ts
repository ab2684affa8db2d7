// Where a lab keeps its files: `.tsplay/lab/` in the working directory (state, keys, kubeconfig,
// known_hosts, shims, node roots) and `inventory/lab.yml`. When the lab runs as root and that
// directory is not reachable by the shell user, shims and node roots live in a /tmp directory instead
// (linked from `.tsplay/lab/nodes`).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ShellUser } from './shell.js';

// The first line of a lab inventory; `lab down` only removes a file that starts with it.
export const INVENTORY_MARKER = '# tsplay rehearsal lab inventory';

// Every path of one lab.
export interface LabPaths {
  cwd: string;
  stateDir: string;
  stateFile: string;
  logFile: string;
  keyFile: string;
  knownHosts: string;
  kubeconfig: string;
  inventory: string;
  // Shims and node roots (stateDir, or a /tmp directory when stateDir is out of the shell user's reach).
  runtimeDir: string;
  binDir: string;
  nodesDir: string;
  bootDir: string;
}

// The paths of the lab that belongs to `cwd` (nothing is created).
export function labPaths(cwd: string, runtimeDir?: string): LabPaths {
  const stateDir = join(resolve(cwd), '.tsplay', 'lab');
  const rt = runtimeDir ?? stateDir;
  return {
    cwd: resolve(cwd),
    stateDir,
    stateFile: join(stateDir, 'state.json'),
    logFile: join(stateDir, 'daemon.log'),
    keyFile: join(stateDir, 'id_ed25519'),
    knownHosts: join(stateDir, 'known_hosts'),
    kubeconfig: join(stateDir, 'kubeconfig'),
    inventory: join(resolve(cwd), 'inventory', 'lab.yml'),
    runtimeDir: rt,
    binDir: join(rt, 'bin'),
    nodesDir: join(rt, 'nodes'),
    bootDir: join(rt, 'boot'),
  };
}

// Whether `user` can traverse every directory down to `dir` (mode bits only).
export function reachableBy(dir: string, user: ShellUser): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      const st = statSync(d);
      const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
      if (!(st.mode & bit)) return false;
    } catch {
      return false;
    }
    if (d === dirname(d)) return true;
  }
}

// Create the lab's directories; picks the /tmp runtime directory when the shell user cannot reach `.tsplay/lab`.
export function prepareDirs(cwd: string, user: ShellUser | undefined): LabPaths {
  let p = labPaths(cwd);
  mkdirSync(p.stateDir, { recursive: true });
  if (user) {
    chmodSync(join(p.cwd, '.tsplay'), 0o755);
    chmodSync(p.stateDir, 0o755);
  }
  rmSync(join(p.stateDir, 'nodes'), { recursive: true, force: true });
  rmSync(join(p.stateDir, 'bin'), { recursive: true, force: true });
  rmSync(join(p.stateDir, 'boot'), { recursive: true, force: true });
  if (user && !reachableBy(p.stateDir, user)) {
    const rt = mkdtempSync(join(tmpdir(), 'tsplay-lab-'));
    chmodSync(rt, 0o755);
    p = labPaths(cwd, rt);
    mkdirSync(p.nodesDir, { recursive: true, mode: 0o755 });
    symlinkSync(p.nodesDir, join(p.stateDir, 'nodes'));
  }
  for (const d of [p.binDir, p.nodesDir, p.bootDir]) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o755);
  }
  return p;
}

// Remove everything the lab wrote except daemon.log (and the /tmp runtime directory, if one was used).
export function removeRuntimeFiles(p: LabPaths): void {
  for (const f of [p.stateFile, p.keyFile, `${p.keyFile}.pub`, p.knownHosts, p.kubeconfig, join(p.stateDir, 'nodes'), join(p.stateDir, 'bin'), join(p.stateDir, 'boot')]) rmSync(f, { recursive: true, force: true });
  if (p.runtimeDir !== p.stateDir) rmSync(p.runtimeDir, { recursive: true, force: true });
}
