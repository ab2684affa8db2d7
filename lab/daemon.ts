// The background process `tsplay lab up` starts: runs startLab until SIGTERM, records itself in
// .tsplay/lab/state.json once everything listens, and cleans up on the way out.
// usage: node dist/lab/daemon.js --cwd DIR [--nodes N] [--datastore dqlite|etcd] [--control-planes N] [--budget N] [--timings JSON]
// (TSPLAY_LAB_DISPATCH=shell: every exec request through a real shell, see LabOptions.dispatch)
import { parseArgs } from 'node:util';
import { startLab, type Lab } from './lab.js';
import { cleanupLab, writeState } from './state.js';
import type { Datastore, LabTimings } from './types.js';

const { values } = parseArgs({ options: { cwd: { type: 'string' }, nodes: { type: 'string' }, datastore: { type: 'string' }, 'control-planes': { type: 'string' }, budget: { type: 'string' }, timings: { type: 'string' } }, strict: true });
const cwd = values.cwd ?? process.cwd();
const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);

let lab: Lab | undefined;
let stopping = false;

async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping the lab`);
  try {
    await lab?.close();
  } catch (e) {
    log(`error while stopping: ${(e as Error).message}`);
  }
  cleanupLab(cwd, lab?.paths.runtimeDir);
  process.exit(0);
}

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGHUP', () => undefined);
process.on('uncaughtException', (e) => log(`uncaught: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

try {
  const timings = values.timings ? (JSON.parse(values.timings) as Partial<LabTimings>) : undefined;
  const dispatch = process.env['TSPLAY_LAB_DISPATCH'] === 'shell' ? 'shell' : 'in-process';
  lab = await startLab({ cwd, nodes: Number(values.nodes ?? 3), datastore: (values.datastore ?? 'dqlite') as Datastore, dispatch, ...(timings ? { timings } : {}), ...(values.budget !== undefined ? { budget: Number(values.budget) } : {}), ...(values['control-planes'] !== undefined ? { controlPlanes: Number(values['control-planes']) } : {}) });
  writeState(lab.paths, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    cwd,
    flavor: lab.flavor,
    datastore: lab.datastore,
    controlUrl: lab.controlUrl,
    token: lab.controlToken,
    ports: lab.ports,
    runtimeDir: lab.paths.runtimeDir,
  });
  log(`lab ready: ${lab.flavor} (${lab.datastore}), control ${lab.controlUrl}, API ${lab.apiUrl}`);
} catch (e) {
  log(`cannot start the lab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  await lab?.close().catch(() => undefined);
  process.exit(1);
}
