// The one place where shell commands are built: every interpolation is quoted, secrets
// print as ***, and become/cwd/environment are applied here and nowhere else.
import { randomBytes } from 'node:crypto';
import type { BecomeSpec } from './types.js';
import { shlexSplit } from '../py/shlex.js';

export interface ShellCommand {
  /** the text sent to the shell */
  readonly text: string;
  /** the text shown in logs and errors (secrets replaced by ***) */
  readonly display: string;
}

class Secret {
  constructor(readonly value: string) {}
}
class Raw {
  constructor(readonly value: string) {}
}
class AsArg {
  constructor(readonly cmd: ShellCommand) {}
}

// Passes a whole command as one quoted argument (`sh -c <cmd>`).
export function asArg(cmd: ShellCommand): AsArg {
  return new AsArg(cmd);
}

// Marks a value as secret: quoted in the command, shown as *** everywhere else.
export function secret(value: string): Secret {
  return new Secret(value);
}

// Inserts text without quoting (a user-written shell script, an operator).
export function raw(value: string): Raw {
  return new Raw(value);
}

// POSIX single-quote quoting; safe words are left bare for readability.
export function quote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function piece(v: unknown): { text: string; display: string } {
  if (v instanceof Secret) return { text: quote(v.value), display: '***' };
  if (v instanceof Raw) return { text: v.value, display: v.value };
  if (v instanceof AsArg) return { text: quote(v.cmd.text), display: quote(v.cmd.display) };
  if (isCommand(v)) return { text: v.text, display: v.display };
  if (Array.isArray(v)) {
    const parts = v.map(piece);
    return { text: parts.map((p) => p.text).join(' '), display: parts.map((p) => p.display).join(' ') };
  }
  const s = String(v);
  return { text: quote(s), display: quote(s) };
}

function isCommand(v: unknown): v is ShellCommand {
  return typeof v === 'object' && v !== null && 'text' in v && 'display' in v;
}

// Tagged template: sh`systemctl restart ${unit}` quotes every interpolated value.
export function sh(strings: TemplateStringsArray, ...values: unknown[]): ShellCommand {
  let text = strings[0] ?? '';
  let display = text;
  values.forEach((v, i) => {
    const p = piece(v);
    const tail = strings[i + 1] ?? '';
    text += p.text + tail;
    display += p.display + tail;
  });
  return { text, display };
}

// A command from a user-written shell line (shell module): sent as is.
export function shellLine(line: string): ShellCommand {
  return { text: line, display: line };
}

// Joins commands with a separator (`&&`, `;`, `|`).
export function joinCommands(cmds: ShellCommand[], sep = ' && '): ShellCommand {
  return { text: cmds.map((c) => c.text).join(sep), display: cmds.map((c) => c.display).join(sep) };
}

/** a command that cannot be run at all (not a transport failure: the host stays reachable) */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export interface PreparedCommand {
  command: ShellCommand;
  /** sudo's password prompt to answer on stdin, when become has a password */
  prompt?: string;
}

// Applies cwd, environment and become to a command; the only place `sudo` is written.
export function prepareCommand(cmd: ShellCommand, opts: { cwd?: string; env?: Record<string, string>; become?: BecomeSpec }): PreparedCommand {
  // a NUL cannot be part of a command line: the task fails as in Python ("embedded null byte")
  if (cmd.text.includes('\0') || Object.values(opts.env ?? {}).some((v) => String(v).includes('\0')) || opts.cwd?.includes('\0')) throw new CommandError('embedded null byte');
  let inner = cmd;
  const env = Object.entries(opts.env ?? {});
  if (env.length > 0) {
    const assigns = env.map(([k, v]) => sh`export ${raw(safeName(k))}=${v}; `);
    inner = { text: assigns.map((a) => a.text).join('') + inner.text, display: assigns.map((a) => a.display).join('') + inner.display };
  }
  if (opts.cwd) inner = sh`cd ${opts.cwd} && ${inner}`;
  const b = opts.become;
  if (!b) return { command: inner };
  if (b.method !== 'sudo') throw new Error(`become_method '${b.method}' is not supported (use sudo)`);
  const flags = becomeFlags(b.flags);
  if (!b.password) {
    return { command: sh`sudo ${flags} -n -u ${b.user} /bin/sh -c ${asArg(inner)}` };
  }
  const prompt = `[tsplay-become-${randomBytes(6).toString('hex')}] password:`;
  return { command: sh`sudo ${flags} -p ${prompt} -u ${b.user} /bin/sh -c ${asArg(inner)}`, prompt };
}

// become_flags as separate, quoted words (split like a shell would): a templated value can add
// flags to sudo but never shell syntax to the command line.
function becomeFlags(flags: string | undefined): string[] | ReturnType<typeof raw> {
  if (flags === undefined) return raw('-H -S');
  try {
    return shlexSplit(flags);
  } catch (e) {
    throw new CommandError(`become_flags '${flags}': ${(e as Error).message}`);
  }
}

function safeName(k: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name: ${k}`);
  return k;
}
