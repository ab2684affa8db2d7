// A rehearsal lab for the shipped-playbook tests, driven through the CLI like an operator would:
// `tsplay lab up` in a private directory (fast timings, the built binary, which starts the lab's
// daemon), the shipped playbooks run against its inventory, `tsplay lab status --json` and
// `--output json` events read back. Commands run in the test's process (main(argv, io)) except
// `lab up` and start(), whose process a test may signal.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabStatus } from '../../lab/status.js';
import { afterAll, beforeAll } from 'vitest';
import { assertBuilt, ROOT, runCli, startCli, type CliResult } from '../e2e/cli.js';
import { runInProcess } from '../helpers/in-process.js';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';

// Faster than `lab up`'s defaults so whole rolling runs take seconds, slow enough to be ordered.
export const TIMINGS = { rebootDelayMs: 100, rebootDownMs: 250, kubeletStartMs: 100, serviceRestartMs: 200, quorumRecoveryMs: 1500, kubeletSyncMs: 500, contentionIntervalMs: 200, timeScale: 0.01, nodeLeaseRenewMs: 300 };
const ENV = { TSPLAY_LAB_TIMINGS: JSON.stringify(TIMINGS), CI: '1' };

export const PLAYBOOKS = join(ROOT, 'playbooks');

// What `tsplay lab status --json` prints.
export type { LabStatus } from '../../lab/status.js';

// One JSON event of `--output json`.
export type RunEvent = Record<string, unknown> & { type: string };

// What went wrong in a run, for an assertion's message: stderr, errors, failed results, safety refusals.
export function whyFailed(events: RunEvent[], stderr = ''): string {
  const bad = events.filter((e) => e.type === 'error' || e['status'] === 'failed' || e['status'] === 'unreachable' || (e.type === 'safety' && e['status'] !== 'ok' && e['status'] !== 'info'));
  return [stderr.trim(), ...bad.slice(-8).map((e) => JSON.stringify(e).slice(0, 600))].filter(Boolean).join('\n');
}

export class PlaybookLab {
  private constructor(readonly dir: string, private readonly env: Record<string, string> = ENV) {}

  // A lab in a private directory; `timings` override the fast test timings (for this lab's commands);
  // `extra` are more `lab up` arguments (--control-planes 3).
  static async up(datastore: 'dqlite' | 'etcd' = 'dqlite', timings: Partial<typeof TIMINGS> = {}, ...extra: string[]): Promise<PlaybookLab> {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-pb-'));
    chmodSync(dir, 0o755);
    const lab = new PlaybookLab(dir, { ...ENV, TSPLAY_LAB_TIMINGS: JSON.stringify({ ...TIMINGS, ...timings }) });
    const r = await runCli(['lab', 'up', '--datastore', datastore, ...extra], { cwd: dir, env: lab.env, timeoutMs: 90_000 });
    if (r.rc !== 0) throw new Error(`lab up failed (${r.rc}): ${r.stderr || r.stdout}`);
    return lab;
  }

  cli(args: string[], timeoutMs = 120_000, env: Record<string, string> = {}): Promise<CliResult> {
    return runInProcess(args, { cwd: this.dir, env: { ...this.env, ...env }, timeoutMs });
  }

  // Starts a command in its own process, the built binary (a run another command must overlap);
  // `out()` is its stdout so far.
  spawn(args: string[], timeoutMs = 120_000): ReturnType<typeof startCli> & { out: () => string } {
    const r = startCli(args, { cwd: this.dir, env: this.env, timeoutMs });
    let out = '';
    r.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    return { ...r, out: () => out };
  }

  // Starts a shipped playbook with --output json; the caller may signal the child.
  start(playbook: string, ...args: string[]): ReturnType<typeof startCli> {
    return startCli(['run', join(PLAYBOOKS, playbook), '--output', 'json', ...args], { cwd: this.dir, env: this.env, timeoutMs: 120_000 });
  }

  // Runs a shipped playbook (path relative to playbooks/) with extra arguments.
  run(playbook: string, ...args: string[]): Promise<CliResult> {
    return this.cli(['run', join(PLAYBOOKS, playbook), ...args]);
  }

  // Runs a shipped playbook with --output json and parses the events.
  async events(playbook: string, ...args: string[]): Promise<{ rc: number | null; events: RunEvent[]; stderr: string; why: string }> {
    const r = await this.run(playbook, '--output', 'json', ...args);
    const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunEvent);
    return { rc: r.rc, events, stderr: r.stderr, why: whyFailed(events, r.stderr) };
  }

  // Uncordons every node through the lab's API (a failed test leaves no cordon behind for the next).
  async uncordonAll(): Promise<void> {
    const kube = new KubeClient(loadKubeconfig({ path: join(this.dir, '.tsplay', 'lab', 'kubeconfig'), context: 'lab' }));
    try {
      for (const n of (await this.status()).nodes) if (n.cordoned) await kube.patch('nodes', n.name, { spec: { unschedulable: false } });
    } finally {
      kube.close();
    }
  }

  async status(): Promise<LabStatus> {
    const r = await this.cli(['lab', 'status', '--json']);
    return JSON.parse(r.stdout) as LabStatus;
  }

  async fault(name: string, on: boolean, ...nodes: string[]): Promise<string> {
    const r = await this.cli(['lab', 'fault', name, on ? 'on' : 'off', ...nodes]);
    if (r.rc !== 0) throw new Error(`lab fault ${name} failed: ${r.stderr}`);
    return r.stdout;
  }

  // Runs a small playbook written into the lab directory (a fixture step: a pod, a file, a package).
  async play(name: string, yaml: string, ...args: string[]): Promise<CliResult> {
    writeFileSync(join(this.dir, name), yaml);
    return this.cli(['run', join(this.dir, name), ...args]);
  }

  // The lab's directory of a node (its simulated root).
  nodeRoot(node: string): string {
    return join(this.dir, '.tsplay/lab/nodes', node);
  }

  async down(): Promise<void> {
    if (existsSync(join(this.dir, '.tsplay/lab/state.json'))) await this.cli(['lab', 'down']);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// A lab for the tests of a file (or a describe block): the build checked and the lab up before the
// first test, down after the last; `set` receives it.
export function labForTests(set: (lab: PlaybookLab) => void, ...up: Parameters<typeof PlaybookLab.up>): void {
  let lab: PlaybookLab | undefined;
  beforeAll(async () => {
    assertBuilt();
    lab = await PlaybookLab.up(...up);
    set(lab);
  });
  afterAll(async () => {
    await lab?.down();
  });
}

// Parses the JSON event lines of a run's stdout.
export function parseEvents(stdout: string): RunEvent[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunEvent);
}

// The result events of one task (by name), in order.
export function results(events: RunEvent[], task: string): RunEvent[] {
  return events.filter((e) => e.type === 'result' && e['task'] === task);
}

// The index of the first result event matching host and task.
export function indexOf(events: RunEvent[], host: string, task: string): number {
  return events.findIndex((e) => e.type === 'result' && e['host'] === host && e['task'] === task);
}

// The plain log's CHECK SUMMARY line of one host: the changes a real run would make there.
export function checkSummaryOf(stdout: string, host: string): string[] {
  const block = stdout.slice(stdout.indexOf('CHECK SUMMARY'));
  const line = block.split('\n').find((l) => l.startsWith(`${host}: `)) ?? '';
  // split at ", " outside parentheses: task names such as `kubeadm 1.30.14 (unhold, install, hold)`
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  const text = line.slice(host.length + 2);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth === 0 && text.startsWith(', ', i)) {
      out.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += ch;
  }
  return cur ? [...out, cur] : out;
}

// The per-node summary lines a shipped playbook ends with (the last `per-node summary` debug).
export function nodeSummary(events: RunEvent[]): string[] {
  const r = events.filter((e) => e.type === 'result' && e['task'] === 'per-node summary').at(-1);
  return (r?.['msg'] as string[] | undefined) ?? [];
}
