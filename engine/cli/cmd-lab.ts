// `tsplay lab up|down|status|fault|incidents|budget|advance`: the rehearsal cluster, run as a detached
// daemon (dist/lab/daemon.js) whose files live in ./.tsplay/lab and ./inventory/lab.yml.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { atMost, intFlag, UsageError, type ParsedArgs } from './args.js';
import type { Io } from './app.js';
import {
  callControl, cleanupLab, FAULT_NAMES, formatBudget, formatIncident, formatStatus, labAlive, labPaths, MAX_ADVANCE_MS, parseDuration, readState, stopLab,
  type Incident, type LabState, type LabStatus,
} from '../../lab/client.js';

const USAGE = [
  'usage: tsplay lab up [--nodes N] [--datastore dqlite|etcd] [--control-planes N] [--budget N] | down | status [--json] | fault NAME on|off [NODE...]',
  '       tsplay lab incidents [clear] [--json] | budget [N] | advance DURATION (90s, 10m, 1h)',
].join('\n');
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
  const datastore = String(args.flags['datastore'] ?? 'dqlite');
  if (datastore !== 'dqlite' && datastore !== 'etcd') throw new UsageError(`argument --datastore: invalid choice '${datastore}' (choose from dqlite, etcd)`, 5);
  const cpFlag = args.flags['control-planes'];
  if (cpFlag !== undefined && datastore !== 'etcd') throw new UsageError('argument --control-planes: only with --datastore etcd (every microk8s node is a control plane)', 5);
  const controlPlanes = intFlag(cpFlag, 'control-planes', 1);
  const nodes = intFlag(args.flags['nodes'], 'nodes', Math.max(3, controlPlanes));
  if (nodes > 20) throw new UsageError(`argument --nodes: invalid value '${nodes}' (at most 20)`, 5);
  if (controlPlanes > nodes) throw new UsageError(`argument --control-planes: invalid value '${controlPlanes}' (at most --nodes, ${nodes})`, 5);
  const budget = args.flags['budget'] === undefined ? undefined : budgetValue(args.flags['budget'], nodes);
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
  const argv = [daemon, '--cwd', cwd, '--nodes', String(nodes), '--datastore', datastore, ...(cpFlag === undefined ? [] : ['--control-planes', String(controlPlanes)]), ...(budget === undefined ? [] : ['--budget', String(budget)])];
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
    io.out(faults.map((f) => `${f.name.padEnd(36)} ${f.on ? 'on' : 'off'}${f.note ? `  ${f.note}` : ''}`).join('\n'));
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

// A node budget: an integer from 0 to the number of nodes (exit 5 otherwise).
function budgetValue(v: unknown, nodes: number): number {
  const n = Number(v);
  if (typeof v === 'boolean' || String(v).trim() === '' || !Number.isInteger(n) || n < 0 || n > nodes) throw new UsageError(`invalid node budget '${String(v)}' (an integer from 0 to ${nodes} is required)`, 5);
  return n;
}

// POST to the control API; prints the answer's message (exit 0) or its error (exit 1).
async function post(s: LabState, io: Io, path: string, body: unknown, what: string): Promise<number> {
  const r = await callControl(s, 'POST', path, body);
  if (r.status !== 200) {
    io.err(`tsplay lab ${what}: ${String(r.body['error'] ?? r.status)}`);
    return 1;
  }
  io.out(String(r.body['message'] ?? ''));
  return 0;
}

// `lab incidents [clear] [--json]`: the incident log (clear empties it, printing what it held).
async function incidents(args: ParsedArgs, io: Io, s: LabState): Promise<number> {
  const [, verb, ...rest] = args.positionals;
  if ((verb !== undefined && verb !== 'clear') || rest.length) throw new UsageError('usage: tsplay lab incidents [clear] [--json]', 2);
  const r = verb === 'clear' ? await callControl(s, 'POST', '/incidents/clear', {}) : await callControl(s, 'GET', '/incidents');
  if (r.status !== 200) {
    io.err(`tsplay lab incidents: ${String(r.body['error'] ?? r.status)}`);
    return 1;
  }
  const list = (r.body['incidents'] ?? []) as Incident[];
  if (args.flags['json'] === true) io.out(JSON.stringify(list, null, 2));
  else {
    io.out(list.length ? list.map(formatIncident).join('\n') : 'no incidents');
    if (verb === 'clear') io.out(`cleared ${list.length} incident(s)`);
  }
  return 0;
}

// `lab budget [N]`: show or set the node budget of the running lab.
async function budget(args: ParsedArgs, io: Io, s: LabState): Promise<number> {
  const [, value, ...rest] = args.positionals;
  if (rest.length) throw new UsageError('usage: tsplay lab budget [N]', 2);
  const st = (await callControl(s, 'GET', '/status')).body as unknown as LabStatus;
  if (value !== undefined) return post(s, io, '/budget', { nodes: budgetValue(value, st.nodes.length) }, 'budget');
  io.out(formatBudget(st));
  return 0;
}

// The DURATION of `lab advance` in ms (a usage error, exit 5 for a bad value).
function advanceMs(args: ParsedArgs): number {
  const [, text, ...rest] = args.positionals;
  if (text === undefined || rest.length) throw new UsageError('usage: tsplay lab advance DURATION (e.g. 90s, 10m, 1h)', 2);
  const ms = parseDuration(text);
  if (ms === undefined || ms > MAX_ADVANCE_MS) throw new UsageError(`invalid duration '${text}' (a number with a unit: ms, s, m, h or d, e.g. 90s, 10m, 1h; at most 366d)`, 5);
  return ms;
}

// `lab advance DURATION`: every journal entry of every node becomes that much older.
async function advance(args: ParsedArgs, io: Io, s: LabState): Promise<number> {
  return post(s, io, '/advance', { ms: advanceMs(args) }, 'advance');
}

const RUNNING: Record<string, (args: ParsedArgs, io: Io, s: LabState) => Promise<number>> = {
  status: (args, io, s) => printStatus(s, io, args.flags['json'] === true),
  fault,
  incidents,
  budget,
  advance,
};

// Runs `tsplay lab SUBCOMMAND`; returns the exit code.
export async function cmdLab(args: ParsedArgs, io: Io): Promise<number> {
  const cwd = process.cwd();
  const sub = args.positionals[0];
  if (sub === 'up' || sub === 'down' || sub === 'status') atMost(args, 1, `lab ${sub}`);
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
  const cmd = sub !== undefined && Object.hasOwn(RUNNING, sub) ? RUNNING[sub] : undefined;
  if (cmd) {
    if (sub === 'advance') advanceMs(args);
    const s = await running(cwd);
    if (!s) {
      if (args.flags['json'] === true && sub === 'status') io.out(JSON.stringify({ running: false }));
      else io.err('tsplay lab is not running (start it with `tsplay lab up`)');
      return 1;
    }
    return cmd(args, io, s);
  }
  throw new UsageError(sub ? `unknown lab command '${sub}'\n${USAGE}` : USAGE, 2);
}
