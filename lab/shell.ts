// Running commands for a lab node: a real /bin/sh in the node's directory with the simulated tools
// first on PATH, as an unprivileged user when the lab runs as root, and with no_new_privs (setpriv)
// so that not even a real sudo can gain privileges. Nothing a playbook runs can reach the machine's
// init, services or packages.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

// Who shells run as (undefined: the lab's own user, when it is not root).
export interface ShellUser {
  name: string;
  uid: number;
  gid: number;
}

// The unprivileged user for shells when running as root (default `nobody`), else undefined.
export function resolveShellUser(name = 'nobody'): ShellUser | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid && gid && Number(uid) !== 0) return { name, uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    /* fall through to the conventional nobody */
  }
  if (name !== 'nobody') throw new Error(`the lab's shell user ${name} does not exist (or is root)`);
  return { name: 'nobody', uid: 65534, gid: 65534 };
}

// setpriv (util-linux), which sets no_new_privs before running the shell; undefined when missing.
export function setprivPath(): string | undefined {
  return ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
}

// How to start one process for a node.
export interface SpawnSpec {
  // The argv to run (e.g. ['/bin/sh', '-c', cmd]).
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  user: ShellUser | undefined;
  // Extra stdio (the SFTP worker's IPC channel).
  ipc?: boolean;
}

// Spawn a node process in its own process group (a session leader), with no_new_privs when possible.
export function spawnForNode(spec: SpawnSpec): ChildProcess {
  const setpriv = setprivPath();
  const argv = setpriv ? [setpriv, '--no-new-privs', ...spec.argv] : spec.argv;
  return spawn(argv[0] as string, argv.slice(1), {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: spec.ipc ? ['ignore', 'ignore', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    ...(spec.ipc ? { serialization: 'advanced' as const } : {}),
    ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
  });
}

// Kill a process group (a spawned shell and everything it started), ignoring ones already gone.
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
