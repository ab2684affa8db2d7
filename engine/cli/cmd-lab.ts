// `tsplay lab up|down|status|fault`: the rehearsal cluster, run as a detached daemon
// (dist/lab/daemon.js) whose files live in ./.tsplay/lab and ./inventory/lab.yml.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { intFlag, UsageError, type ParsedArgs } from './args.js';
import type { Io } from './app.js';
import { callControl, cleanupLab, FAULT_NAMES, formatStatus, labAlive, labPaths, readState, stopLab, type LabState, type LabStatus } from '../../lab/client.js';

const USAGE = 'usage: tsplay lab up [--nodes N] [--datastore dqlite|etcd] | down | status [--json] | fault NAME on|off [NODE...]';
const START_TIMEOUT_MS = 60_000;

// The running lab of this directory, cleaning up after one whose process is gone.
async function running(cwd: string): Promise<LabState | undefined> {
  const s = readState(cwd);
  if (!s) return undefined;
  if (await labAlive(s)) return s;
  await stopLab(cwd, s, 3000);
  return undefined;
}

async function printStatus(s: LabState, io: Io, json: boolean): Promise<number> {
  const r = await callControl(s, 'GET', '/status');
  if (r.status !== 200) {
    io.err(`tsplay lab: status failed: ${String(r.body['error'] ?? r.status)}`);
    return 1;
  }
  io.out(json ? JSON.stringify(r.body, null, 2) : formatStatus(r.body as unknown as LabStatus, s.cwd));
  return 0;
}

async function up(args: ParsedArgs, io: Io, cwd: string): Promise<number> {
  const nodes = intFlag(args.flags['nodes'], 'nodes', 3);
  if (nodes > 20) throw new UsageError(`argument --nodes: invalid value '${nodes}' (at most 20)`, 5);
  const datastore = String(args.flags['datastore'] ?? 'dqlite');
  if (datastore !== 'dqlite' && datastore !== 'etcd') throw new UsageError(`argument --datastore: invalid choice '${datastore}' (choose from dqlite, etcd)`, 5);
  const existing = await running(cwd);
  if (existing) {
    io.err('tsplay lab is already up:');
    return printStatus(existing, io, args.flags['json'] === true);
  }
  const daemon = fileURLToPath(new URL('../../lab/daemon.js', import.meta.url));
  if (!existsSync(daemon)) throw new UsageError(`the lab daemon ${daemon} is missing (build tsplay with \`npm run build\`)`, 1);
  const p = labPaths(cwd);
  mkdirSync(p.stateDir, { recursive: true });
  const logFd = openSync(p.logFile, 'a');
  const argv = [daemon, '--cwd', cwd, '--nodes', String(nodes), '--datastore', datastore];
  if (io.env['TSPLAY_LAB_TIMINGS']) argv.push('--timings', io.env['TSPLAY_LAB_TIMINGS']);
  const child = spawn(process.execPath, argv, { cwd, detached: true, stdio: ['ignore', logFd, logFd], env: io.env });
  closeSync(logFd);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  const end = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < end) {
    const s = readState(cwd);
    if (s && s.pid === child.pid) {
      const json = args.flags['json'] === true;
      (json ? io.err : io.out)(`tsplay lab is up (pid ${s.pid}); inventory: inventory/lab.yml`);
      return printStatus(s, io, json);
    }
    if (exited !== undefined) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exited === undefined && child.pid) process.kill(child.pid, 'SIGKILL');
  const tail = existsSync(p.logFile) ? readFileSync(p.logFile, 'utf8').trim().split('\n').slice(-15).join('\n') : '';
  io.err(`tsplay lab: the lab did not start${exited === undefined ? ` within ${START_TIMEOUT_MS / 1000}s` : ` (exit status ${String(exited)})`}; ${p.logFile}:\n${tail}`);
  cleanupLab(cwd);
  return 1;
}

async function fault(args: ParsedArgs, io: Io, s: LabState): Promise<number> {
  const [, name, state, ...nodes] = args.positionals;
  if (!name) {
    const r = await callControl(s, 'GET', '/status');
    const faults = (r.body as unknown as LabStatus).faults ?? [];
    io.out(faults.map((f) => `${f.name.padEnd(32)} ${f.on ? 'on' : 'off'}${f.note ? `  ${f.note}` : ''}`).join('\n'));
    return 0;
  }
  if (!(FAULT_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown fault '${name}'; the faults are: ${FAULT_NAMES.join(', ')}`, 5);
  if (state !== 'on' && state !== 'off') throw new UsageError(`usage: tsplay lab fault ${name} on|off [NODE...]`, 2);
  const r = await callControl(s, 'POST', '/fault', { name, on: state === 'on', nodes });
  if (r.status !== 200) {
    io.err(`tsplay lab fault: ${String(r.body['error'] ?? r.status)}`);
    return 1;
  }
  io.out(String(r.body['message'] ?? ''));
  return 0;
}

// Runs `tsplay lab SUBCOMMAND`; returns the exit code.
export async function cmdLab(args: ParsedArgs, io: Io): Promise<number> {
  const cwd = process.cwd();
  const sub = args.positionals[0];
  if (sub === 'up') return up(args, io, cwd);
  if (sub === 'down') {
    const s = readState(cwd);
    if (!s) {
      cleanupLab(cwd);
      io.out('tsplay lab is not running');
      return 0;
    }
    const how = await stopLab(cwd, s);
    io.out(how === 'gone' ? 'tsplay lab was not running; its files are removed' : `tsplay lab stopped${how === 'killed' ? ' (killed after it did not exit on SIGTERM)' : ''}`);
    return 0;
  }
  if (sub === 'status' || sub === 'fault') {
    const s = await running(cwd);
    if (!s) {
      if (args.flags['json'] === true && sub === 'status') io.out(JSON.stringify({ running: false }));
      else io.err('tsplay lab is not running (start it with `tsplay lab up`)');
      return 1;
    }
    return sub === 'status' ? printStatus(s, io, args.flags['json'] === true) : fault(args, io, s);
  }
  throw new UsageError(sub ? `unknown lab command '${sub}'\n${USAGE}` : USAGE, 2);
}
