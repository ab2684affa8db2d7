// Real OpenSSH servers for tests: each sshd gets its own temp dir, host key, config,
// loopback address (127.0.0.x, x >= 10) and port, and runs as a child (`sshd -D -e`).
// One client key pair per test process. stopAllSshd() kills every server and session.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { alive, children, cmdline, descendants, killAll, waitGone } from './procs.js';

const run = promisify(execFile);
// The OpenSSH server binary (never the system service: each test runs its own).
export const SSHD = '/usr/sbin/sshd';
// Tests that create users or sudoers need root.
export const isRoot = process.getuid?.() === 0;
// Whether openssh-server (and ssh-keygen) are installed.
export const haveSshd = existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen');
// The script that "reboots" a test sshd (see fake-reboot.mjs).
export const FAKE_REBOOT = fileURLToPath(new URL('./fake-reboot.mjs', import.meta.url));

// The client key pair every test sshd authorizes.
export interface ClientKeys {
  dir: string;
  key: string;
  pub: string;
}

// How to configure one test sshd.
export interface SshdOptions {
  password?: boolean;
  maxSessions?: number;
  logLevel?: 'ERROR' | 'INFO' | 'VERBOSE' | 'DEBUG1';
  extraConfig?: string[];
  hostKeyType?: 'ed25519' | 'rsa' | 'ecdsa';
}

export interface Sshd {
  address: string;
  port: number;
  dir: string;
  config: string;
  pidFile: string;
  /** the public host key as `type base64` */
  hostKey: string;
  /** a known_hosts line for this server (`[addr]:port type key`) */
  knownHostsLine: string;
  /** everything sshd wrote on stderr */
  log(): string;
  /** pid of the listening sshd (the child, or the one a fake reboot started) */
  listenerPid(): number | undefined;
  /** kills the per-connection sshd processes: open connections drop, the server stays */
  dropConnections(): void;
  stop(): Promise<void>;
}

let keys: Promise<ClientKeys> | undefined;
const running = new Set<Sshd>();
const dirs: string[] = [];

async function keygen(file: string, type: string): Promise<string> {
  await run('/usr/bin/ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', 'tsplay-test', '-f', file], { timeout: 20_000 });
  return readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

// The client key pair every test sshd authorizes (generated once per process).
export function clientKeys(): Promise<ClientKeys> {
  keys ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-client-'));
    dirs.push(dir);
    const key = join(dir, 'id_ed25519');
    const pub = await keygen(key, 'ed25519');
    return { dir, key, pub };
  })();
  return keys;
}

// A free loopback address/port pair (the port is probed by binding it once).
async function freeEndpoint(): Promise<{ address: string; port: number }> {
  for (let i = 0; i < 20; i++) {
    const address = `127.0.0.${10 + Math.floor(Math.random() * 240)}`;
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, address, () => srv.close(() => resolve(true)));
    });
    if (ok) return { address, port };
  }
  throw new Error('no free loopback port found');
}

// Waits (bounded) until the server sends its SSH banner.
export async function waitForBanner(address: string, port: number, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: address, port });
      const t = setTimeout(() => (s.destroy(), resolve(false)), 1000);
      s.once('data', (d: Buffer) => (clearTimeout(t), s.destroy(), resolve(d.toString().startsWith('SSH-'))));
      s.once('error', () => (clearTimeout(t), resolve(false)));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function configText(dir: string, address: string, port: number, hostKey: string, o: SshdOptions): string {
  return [
    `ListenAddress ${address}:${port}`,
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'UsePAM no',
    'StrictModes no',
    `PasswordAuthentication ${o.password ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PermitRootLogin yes',
    'PubkeyAuthentication yes',
    'AllowTcpForwarding yes',
    'UseDNS no',
    `MaxSessions ${o.maxSessions ?? 10}`,
    'MaxStartups 200:30:400',
    'MaxAuthTries 10',
    `LogLevel ${o.logLevel ?? 'INFO'}`,
    'Subsystem sftp internal-sftp',
    ...(o.extraConfig ?? []),
    // Root's login shell (bash) reads ~/.bashrc for every ssh command; a machine's
    // .bashrc (pyenv init and its rehash lock, for one) must not stall the tests, so root
    // sessions get a home of their own. Other users' shells are /bin/sh.
    'Match User root',
    `  SetEnv HOME=${join(dir, 'home')}`,
    '',
  ].join('\n');
}

// Starts a server; resolves once it answers with an SSH banner.
export async function startSshd(o: SshdOptions = {}): Promise<Sshd> {
  const client = await clientKeys();
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-sshd-'));
  dirs.push(dir);
  const hostKeyFile = join(dir, `host_${o.hostKeyType ?? 'ed25519'}`);
  const hostKey = await keygen(hostKeyFile, o.hostKeyType ?? 'ed25519');
  // sshd reads authorized_keys as the logging-in user: the dir and file must be readable.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'home'), { mode: 0o700 });
  writeFileSync(join(dir, 'authorized_keys'), `${client.pub}\n`, { mode: 0o644 });
  if (isRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  for (let attempt = 0; attempt < 5; attempt++) {
    const { address, port } = await freeEndpoint();
    const config = join(dir, 'sshd_config');
    writeFileSync(config, configText(dir, address, port, hostKeyFile, o));
    let log = '';
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-200_000)));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const up = await Promise.race([waitForBanner(address, port), exited.then(() => false)]);
    if (!up) {
      child.kill('SIGKILL');
      if (/Bind to port|Address already in use|Cannot bind/i.test(log)) continue;
      throw new Error(`sshd did not start: ${log.slice(-2000)}`);
    }
    const pidFile = join(dir, 'sshd.pid');
    const listenerPid = (): number | undefined => {
      if (child.exitCode === null && child.signalCode === null && child.pid) return child.pid;
      const p = Number(readFileSync(pidFile, 'utf8').trim() || 0);
      return p && alive(p) && cmdline(p).includes(config) ? p : undefined;
    };
    const server: Sshd = {
      address, port, dir, config, pidFile, hostKey,
      knownHostsLine: `[${address}]:${port} ${hostKey}`,
      log: () => log,
      listenerPid,
      dropConnections() {
        const l = listenerPid();
        if (l) killAll(children(l));
      },
      async stop() {
        running.delete(server);
        const l = listenerPid();
        if (l) {
          const tree = [l, ...descendants(l)];
          killAll(tree);
          await waitGone(tree, 5000);
        }
        if (child.exitCode === null && child.signalCode === null) await exited;
      },
    };
    running.add(server);
    return server;
  }
  throw new Error('sshd: no free port after 5 attempts');
}

// Stops every server this process started and removes the temp dirs.
export async function stopAllSshd(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

// Removes all temp dirs (call last, after stopAllSshd).
export function removeSshdDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  keys = undefined;
}

// A temp dir removed by removeSshdDirs().
export function tempDir(prefix = 'tsplay-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

// Writes a known_hosts file trusting the given servers.
export function writeKnownHosts(file: string, servers: Sshd[]): void {
  writeFileSync(file, servers.map((s) => s.knownHostsLine).join('\n') + '\n');
}
