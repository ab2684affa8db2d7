// Registers the ssh transport. ssh2 is loaded on the first use of an ssh connection, so
// runs against local hosts (and `tsplay --version`) never pay for it.
import { registerTransport } from '../connection/pool.js';
import type { ShellCommand } from '../connection/command.js';
import type { Connection, ConnectionSpec, ExecOptions, ExecResult, PutOptions } from '../connection/types.js';

let done = false;

type Factory = (spec: ConnectionSpec) => Connection;
let factory: Promise<Factory> | undefined;

function loadFactory(): Promise<Factory> {
  factory ??= import('../connection/ssh.js').then((m: { createSshConnection: Factory }) => m.createSshConnection);
  return factory;
}

// A connection that creates the real ssh connection on first use.
class LazySsh implements Connection {
  readonly transport = 'ssh' as const;
  readonly host: string;
  private real: Promise<Connection> | undefined;

  constructor(private readonly spec: ConnectionSpec) {
    this.host = spec.name;
  }

  private conn(): Promise<Connection> {
    this.real ??= loadFactory().then((f) => f(this.spec));
    return this.real;
  }

  async exec(cmd: ShellCommand, opts?: ExecOptions): Promise<ExecResult> {
    return (await this.conn()).exec(cmd, opts);
  }

  async put(data: string | Buffer, dest: string, opts?: PutOptions): Promise<void> {
    return (await this.conn()).put(data, dest, opts);
  }

  async close(): Promise<void> {
    if (this.real) await (await this.real).close();
  }
}

// Makes the 'ssh' transport available (idempotent).
export async function registerTransports(): Promise<void> {
  if (done) return;
  done = true;
  registerTransport('ssh', (spec) => new LazySsh(spec));
}
