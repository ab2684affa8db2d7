// Opens one authenticated ssh2 session to a host, tunnelling through its jump hosts
// (ProxyJump / ProxyCommand ssh -W) hop by hop; failures become ansible-style UNREACHABLE.
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Client, ClientChannel, ServerHostKeyAlgorithm } from 'ssh2';
import { planAuth, type Ssh2Lib } from './ssh-auth.js';
import { prepareHostKeyCheck } from './ssh-hostkey.js';
import type { HopSettings, SshSettings } from './ssh-options.js';
import { ConnectionError } from './types.js';

/** A live connection: the target's client plus the jump clients it runs through. */
export interface SshSession {
  client: Client;
  readonly alive: boolean;
  /** why the session ended (keepalive timeout, reset), once it has */
  readonly endReason?: string;
  close(): void;
}

const permanent = new WeakSet<ConnectionError>();

// Wraps a transport failure in ansible's UNREACHABLE wording; `final` ones are not retried.
export function unreachable(host: string, detail: string, final = false): ConnectionError {
  const e = new ConnectionError(`Failed to connect to the host via ssh: ${detail}`, host);
  if (final) permanent.add(e);
  return e;
}

// True for failures a retry cannot fix (authentication, host key, bad options, DNS).
export function isPermanent(e: unknown): boolean {
  return e instanceof ConnectionError && permanent.has(e);
}

// OpenSSH's words for socket errors.
export function socketErrorText(e: NodeJS.ErrnoException): string {
  const map: Record<string, string> = {
    ECONNREFUSED: 'Connection refused',
    ECONNRESET: 'Connection reset by peer',
    EHOSTUNREACH: 'No route to host',
    ENETUNREACH: 'Network is unreachable',
    ETIMEDOUT: 'Connection timed out',
    EPIPE: 'Broken pipe',
    EADDRNOTAVAIL: 'Cannot assign requested address',
  };
  return (e.code && map[e.code]) || e.message;
}

// TCP connect with ConnectTimeout; resolves the connected socket.
function tcpConnect(hop: HopSettings, s: SshSettings, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const where = `ssh: connect to host ${hop.address} port ${hop.port}`;
    // like OpenSSH: a port outside 1-65535 (ansible_port=99999) is "Bad port", the host unreachable
    if (!Number.isInteger(hop.port) || hop.port < 1 || hop.port > 65535) {
      reject(unreachable(s.name, `Bad port '${String(hop.port)}'`, true));
      return;
    }
    let sock: Socket;
    try {
      sock = connect({ host: hop.address, port: hop.port, ...(s.family ? { family: s.family } : {}) });
    } catch (e) {
      reject(unreachable(s.name, `${where}: ${(e as Error).message}`, true));
      return;
    }
    const fail = (msg: string, final = false) => {
      cleanup();
      sock.destroy();
      reject(unreachable(s.name, msg, final));
    };
    const timer = setTimeout(() => fail(`${where}: Connection timed out`), hop.connectTimeoutMs);
    const onAbort = () => fail(`${where}: interrupted`);
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.removeAllListeners('error');
      sock.removeAllListeners('connect');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => {
      cleanup();
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') fail(`ssh: Could not resolve hostname ${hop.address}: ${e.code === 'ENOTFOUND' ? 'Name or service not known' : 'Temporary failure in name resolution'}`, e.code === 'ENOTFOUND');
      else fail(`${where}: ${socketErrorText(e)}`);
    });
  });
}

// Opens a direct-tcpip channel through `via` to the next hop.
function forward(via: Client, hop: HopSettings, viaHop: HopSettings, name: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      via.forwardOut('127.0.0.1', 0, hop.address, hop.port, (err, stream) => {
        if (err) reject(unreachable(name, `ssh: connect to host ${hop.address} port ${hop.port} via jump host ${viaHop.address}: ${err.message.replace(/^\(SSH\) Channel open failure: /, '')}`));
        else resolve(stream);
      });
    } catch (e) {
      reject(unreachable(name, `jump host ${viaHop.address} closed the connection: ${(e as Error).message}`));
    }
  });
}

// Handshake and authentication over an open stream.
async function handshake(lib: Ssh2Lib, sock: Readable, hop: HopSettings, s: SshSettings, isTarget: boolean, signal?: AbortSignal): Promise<Client> {
  const hostKeys = await prepareHostKeyCheck(hop);
  const auth = await planAuth(lib, hop, s, isTarget);
  const label = isTarget ? '' : `jump host ${hop.address}: `;
  return new Promise((resolve, reject) => {
    const client = new lib.Client();
    let refusal: string | undefined;
    let handshaken = false;
    let settled = false;
    // ConnectTimeout also bounds the banner exchange and key exchange, as in OpenSSH.
    const banner = setTimeout(() => done(unreachable(s.name, `${label}Connection timed out during banner exchange with ${hop.address} port ${hop.port}`)), hop.connectTimeoutMs);
    const done = (err?: ConnectionError) => {
      if (settled) return;
      settled = true;
      clearTimeout(banner);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        client.removeAllListeners('ready');
        client.on('error', () => undefined);
        client.destroy();
        reject(err);
      } else resolve(client);
    };
    const onAbort = () => done(unreachable(s.name, `${label}ssh: connection to ${hop.address} port ${hop.port} interrupted`));
    signal?.addEventListener('abort', onAbort, { once: true });
    client.once('handshake', () => {
      handshaken = true;
      clearTimeout(banner);
    });
    client.once('ready', () => done());
    client.on('error', (e: Error & { level?: string }) => {
      // An unusable agent (stale SSH_AUTH_SOCK) is skipped; ssh2 goes on with the next method.
      if (e.level === 'agent') return;
      if (refusal) return done(unreachable(s.name, label + refusal, true));
      if (e.level === 'client-authentication') {
        const methods = auth.offered ? `(${auth.offered.join(',')})` : '';
        const notes = auth.notes.length ? ` (${auth.notes.join('; ')})` : '';
        return done(unreachable(s.name, `${label}${hop.user}@${hop.address}: Permission denied ${methods}.${notes}`.replace(/ \./, '.'), true));
      }
      if (e.level === 'client-timeout') return done(unreachable(s.name, `${label}Connection timed out during ${handshaken ? 'authentication' : 'banner exchange'} with ${hop.address} port ${hop.port}`));
      const detail = (e as NodeJS.ErrnoException).code ? socketErrorText(e as NodeJS.ErrnoException) : e.message;
      done(unreachable(s.name, `${label}${handshaken ? '' : 'kex_exchange_identification: '}${detail} (${hop.address} port ${hop.port})`));
    });
    client.once('close', () => done(refusal ? unreachable(s.name, label + refusal, true) : unreachable(s.name, `${label}Connection closed by ${hop.address} port ${hop.port}`)));
    client.connect({
      sock,
      username: hop.user,
      readyTimeout: hop.connectTimeoutMs + 20_000,
      keepaliveInterval: s.keepaliveIntervalMs,
      keepaliveCountMax: s.keepaliveCountMax,
      authHandler: auth.handler,
      algorithms: { serverHostKey: hostKeys.algorithms as ServerHostKeyAlgorithm[], compress: s.compress ? ['zlib@openssh.com', 'zlib', 'none'] : ['none'] },
      ...(isTarget && s.agentForward && s.agentSocket ? { agent: s.agentSocket, agentForward: true } : {}),
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        hostKeys.check(key).then(
          (r) => {
            refusal = r.refusal;
            if (r.mismatchAccepted) auth.withholdPassword();
            verify(!r.refusal);
          },
          (e: Error) => {
            refusal = `host key check failed: ${e.message}`;
            verify(false);
          },
        );
      },
    });
  });
}

// Connects to the target through every hop; the returned session tracks when it drops.
export async function openSession(lib: Ssh2Lib, s: SshSettings, signal?: AbortSignal): Promise<SshSession> {
  const hops = [...s.jumps, s];
  const clients: Client[] = [];
  try {
    let prev: Client | undefined;
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i] as HopSettings;
      const stream: Readable = prev ? await forward(prev, hop, hops[i - 1] as HopSettings, s.name) : await tcpConnect(hop, s, signal);
      prev = await handshake(lib, stream, hop, s, i === hops.length - 1, signal);
      clients.push(prev);
    }
  } catch (e) {
    for (const c of clients.reverse()) c.end();
    throw e;
  }
  const client = clients[clients.length - 1] as Client;
  const state = { alive: true, endReason: undefined as string | undefined };
  const dropped = (why: string) => {
    if (!state.alive) return;
    state.alive = false;
    state.endReason = why;
    for (const c of clients) c.end();
  };
  for (const c of clients) {
    c.on('error', (e: Error & { level?: string }) => e.level !== 'agent' && dropped((e as NodeJS.ErrnoException).code ? socketErrorText(e as NodeJS.ErrnoException) : e.message));
    c.on('close', () => dropped('connection closed'));
    c.on('end', () => dropped('connection closed'));
  }
  return {
    client,
    get alive() {
      return state.alive;
    },
    get endReason() {
      return state.endReason;
    },
    close() {
      state.alive = false;
      state.endReason ??= 'closed by tsplay';
      for (const c of [...clients].reverse()) c.end();
    },
  };
}
