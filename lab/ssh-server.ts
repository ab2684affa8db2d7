// One node's SSH endpoint: an ssh2 Server fed by our own loopback listener (so a reboot can close the
// port and cut every connection), public-key auth with the lab's client key, exec and shell channels
// running real shells (or, for plain simulated commands, lab/dispatch in process), signals, and SFTP.
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, ServerChannel, Session } from 'ssh2';
import { planExec, startInProcess, type InProcessOptions, type Running } from './dispatch/channel.js';
import type { NodeSim } from './node.js';
import { serveSftp } from './sftp.js';
import { SftpWorker } from './sftp-worker.js';
import { killGroup, spawnForNode, type ShellUser } from './shell.js';

// What the server needs from the lab.
export interface NodeSshOptions {
  node: NodeSim;
  hostKey: string;
  clientKey: ParsedKey;
  user: ShellUser | undefined;
  // The environment of a shell for this login name (PATH, HOME, TSPLAY_LAB_*).
  env: (login: string) => Record<string, string>;
  // Run exec requests that are plain simulated commands in process (lab/dispatch); unset: always a real shell.
  inProcess?: InProcessOptions;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// The SSH endpoint of one node.
export class NodeSsh {
  private readonly ssh: InstanceType<typeof ssh2.Server>;
  private listener: NetServer | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly groups = new Set<number>();
  private readonly workers = new Set<SftpWorker>();
  port = 0;

  constructor(private readonly o: NodeSshOptions) {
    this.ssh = new ssh2.Server({ hostKeys: [o.hostKey], ident: 'OpenSSH_9.6p1 Ubuntu-3ubuntu13.5' }, (client) => this.onClient(client));
  }

  // Listen on 127.0.0.1 (port 0 picks one; later calls reuse it).
  async listen(port = this.port): Promise<number> {
    const server = createServer((sock) => {
      // TCP_NODELAY like sshd's: without it every exec stalls on Nagle + delayed ACK (~40 ms).
      sock.setNoDelay(true);
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      sock.on('error', () => undefined);
      this.ssh.injectSocket(sock);
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.listener = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  // The node went down: the port refuses connections, sessions drop, every process dies.
  down(): void {
    this.listener?.close();
    this.listener = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    for (const pid of this.groups) killGroup(pid);
    this.groups.clear();
    for (const w of this.workers) w.close();
    this.workers.clear();
  }

  // Stop for good.
  async close(): Promise<void> {
    this.down();
    await new Promise<void>((r) => this.ssh.close(() => r()));
  }

  private onClient(client: Connection): void {
    let login = '';
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      login = ctx.username;
      const k = this.o.clientKey;
      if (ctx.method !== 'publickey' || ctx.key.algo !== k.type || !ctx.key.data.equals(k.getPublicSSH())) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept();
      if (ctx.blob && k.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
      ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => this.onSession(accept(), login));
    });
  }

  private onSession(session: Session, login: string): void {
    const extra: Record<string, string> = {};
    let running: Running | undefined;
    session.on('env', (accept, _reject, info) => {
      if (ENV_NAME.test(info.key) && !info.key.startsWith('TSPLAY_LAB_') && info.key !== 'PATH') extra[info.key] = info.val;
      accept?.();
    });
    session.on('pty', (accept) => accept?.());
    session.on('window-change', (accept) => accept?.());
    session.on('signal', (accept, _reject, info) => {
      accept?.();
      running?.kill(`SIG${info.name}` as NodeJS.Signals);
    });
    session.on('exec', (accept, _reject, info) => {
      const env = { ...extra, ...this.o.env(login) };
      const planned = this.o.inProcess && planExec(info.command, env, this.o.inProcess);
      running = planned && this.o.inProcess ? startInProcess(accept(), planned, env, this.o.inProcess, this.groups) : this.run(accept(), ['/bin/sh', '-c', info.command], env);
    });
    session.on('shell', (accept) => {
      running = this.run(accept(), ['/bin/sh', '-i'], { ...extra, ...this.o.env(login) });
    });
    session.on('sftp', (accept) => {
      const worker = new SftpWorker(this.o.node.dir, this.o.env(login), this.o.user);
      this.workers.add(worker);
      const sftp = accept();
      serveSftp(sftp, worker, this.o.node.dir);
      sftp.on('close', () => this.workers.delete(worker));
    });
    session.on('subsystem', (_accept, reject) => reject?.());
  }

  // A real shell for the channel.
  private run(stream: ServerChannel, argv: string[], env: Record<string, string>): Running {
    const child = spawnForNode({ argv, cwd: this.o.node.dir, env, user: this.o.user });
    const pid = child.pid;
    if (pid) this.groups.add(pid);
    child.stdin?.on('error', () => undefined);
    stream.on('error', () => undefined);
    if (child.stdin) stream.pipe(child.stdin);
    child.stdout?.pipe(stream, { end: false });
    child.stderr?.pipe(stream.stderr, { end: false });
    let done = false;
    child.on('error', (e) => {
      done = true;
      stream.stderr.write(`lab: cannot start a shell: ${e.message}\n`);
      stream.exit(127);
      stream.end();
    });
    child.on('close', (code, signal) => {
      if (pid) this.groups.delete(pid);
      if (done) return;
      done = true;
      try {
        if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
        else stream.exit(code ?? 255);
        stream.end();
      } catch {
        /* the channel is already gone */
      }
    });
    stream.on('close', () => {
      if (!done) killGroup(pid);
    });
    return { kill: (signal) => killGroup(pid, signal) };
  }
}
