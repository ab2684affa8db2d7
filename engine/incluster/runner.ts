// `tsplay run --in-cluster`: what a runner Pod does before and around the run. It reads the chain
// of runs from the cluster journal and decides: start afresh (nothing unfinished), resume the
// newest unfinished run (killed, failed, or handed off to this Pod), or leave it (another runner is
// at it, or the successor it handed off to will be); a chain with no finished batch for longer than
// the stall time is reported stalled. During the run it records the journal in ConfigMaps, marks
// the run lock with its Pod (so a later runner can tell a dead holder), and hands off instead of
// disrupting its own node.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { inClusterTarget, KubeClient, podNamespace } from '../kube/index.js';
import type { Listener } from '../run/events.js';
import type { JournalState } from '../run/journal-read.js';
import type { Journal, JournalSink, RunStatus } from '../run/journal.js';
import type { InClusterHooks } from '../run/context.js';
import { LEASE_NAME, lockTtlS, type LockRecord } from '../run/lock.js';
import { leaseHolder } from '../run/lock-lease.js';
import { createSuccessor, RESUME_ENV } from './handoff.js';
import { ConfigMapSink, listClusterRuns, markResumedInCluster, pruneClusterRuns } from './journal-configmap.js';

/** journals of runs that ended longer ago than this are deleted (TSPLAY_JOURNAL_KEEP_DAYS) */
const KEEP_DAYS = 30;

/** a chain with no finished batch for too long */
export interface Stall {
  run: string;
  playbook: string;
  /** the last progress (a batch finished, or the chain's start) */
  since: string;
  seconds: number;
  /** hosts whose batches the chain finished */
  nodesDone: number;
}

/** what the runner does */
export type Decision =
  | { kind: 'fresh' }
  | { kind: 'resume'; run: string; breakLock: boolean }
  | { kind: 'leave'; why: string };

export interface InClusterRun {
  client: KubeClient;
  namespace: string;
  pod: string;
  node: string;
  runs: JournalState[];
  decision: Decision;
  stall: Stall | undefined;
  /** the run's journal store */
  sink(run: string): JournalSink;
  /** once the run's journal and id exist: the hooks for the run lock and the self-deferral */
  hooks(journal: Journal, run: string): InClusterHooks;
  /** tracks the nodes the run is done with (the successor's preferred nodes) */
  listener: Listener;
  markResumed(parent: string, by: string, status: RunStatus): Promise<void>;
}

function sameInventory(a: string[], b: string[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// The chain of runs ending in `r` (r first, back to the run that started it).
function chainOf(r: JournalState, runs: JournalState[]): JournalState[] {
  const out = [r];
  for (let cur = r; cur.header.resumed_from && out.length < 100;) {
    const p = runs.find((x) => x.header.run === cur.header.resumed_from);
    if (!p) break;
    out.push(p);
    cur = p;
  }
  return out;
}

// When the chain last made progress: its newest finished batch, else its start.
export function lastProgress(r: JournalState, runs: JournalState[]): number {
  const chain = chainOf(r, runs);
  const start = Date.parse((chain.at(-1) as JournalState).header.started);
  const done = chain.flatMap((x) => x.batches.filter((b) => b.complete && b.at).map((b) => Date.parse(b.at as string)));
  return Math.max(start, ...done);
}

// The hosts whose batches the chain finished.
export function doneHosts(r: JournalState, runs: JournalState[]): string[] {
  return [...new Set(chainOf(r, runs).flatMap((x) => x.batches.filter((b) => b.complete).flatMap((b) => b.hosts)))];
}

// Whether a lock holder's Pod has ended (deleted, Succeeded or Failed) — or is this very Pod, restarted.
export async function podGone(client: KubeClient, pod: string, self: string): Promise<boolean> {
  const [ns, name] = pod.includes('/') ? pod.split('/') : [undefined, pod];
  if (!name) return false;
  if (pod === self) return true;
  const p = await client.find('pods', name, ns ? { namespace: ns } : {});
  return !p || p['status']?.phase === 'Succeeded' || p['status']?.phase === 'Failed';
}

async function lockHolder(client: KubeClient): Promise<LockRecord | undefined> {
  const lease = await client.find('leases', LEASE_NAME, { namespace: 'kube-system' });
  return lease ? leaseHolder(lease) : undefined;
}

// Whether `run` still runs somewhere: it holds the live run lock and its Pod (if any) has not ended.
async function stillRunning(client: KubeClient, run: string, self: string): Promise<LockRecord | undefined> {
  const h = await lockHolder(client);
  if (!h || h.run !== run || !(Date.parse(h.expires) > Date.now())) return undefined;
  if (h.pod && (await podGone(client, h.pod, self))) return undefined;
  return h;
}

/** how the runner was started */
export interface StartOptions {
  env: NodeJS.ProcessEnv;
  playbook: string;
  inventory: string[];
  stallAfterS: number;
  /** how long a successor waits for the run it continues to end (default: twice the lock's lifetime) */
  waitS?: number;
}

// Looks at the cluster journal and decides what this runner does.
export async function startInCluster(o: StartOptions): Promise<InClusterRun> {
  const client = new KubeClient(inClusterTarget(o.env), { timeoutMs: 15_000 });
  const namespace = podNamespace(o.env) ?? client.target.namespace;
  const pod = `${namespace}/${o.env['TSPLAY_POD_NAME'] || o.env['HOSTNAME'] || hostname()}`;
  // the node this runner is on: the downward API's spec.nodeName, else read from its own Pod
  const node = o.env['TSPLAY_NODE_NAME'] || ((await client.find('pods', pod.split('/')[1] as string, { namespace }).catch(() => undefined))?.['spec']?.nodeName as string | undefined);
  if (!node) throw new Error(`cannot tell which node this runner is on (its Pod ${pod} was not found): set TSPLAY_NODE_NAME from the Pod's spec.nodeName (downward API), or the runner could drain its own node`);
  const explicit = o.env[RESUME_ENV] || undefined;
  let runs = await listClusterRuns(client, namespace);
  const newest = () => runs.find((r) => r.header.playbook === o.playbook && sameInventory(r.header.inventory, o.inventory) && r.status !== 'check' && r.status !== 'refused');
  let r = newest();
  // a successor waits until the run it continues has ended (or provably died)
  if (explicit && r && !r.end) {
    const until = Date.now() + (o.waitS ?? lockTtlS(o.env) * 2 + 30) * 1000;
    while (r && !r.end && (await stillRunning(client, r.header.run, pod)) && Date.now() < until) {
      await sleep(1000);
      runs = await listClusterRuns(client, namespace);
      r = newest();
    }
  }
  const stall = r && r.status !== 'finished' && Date.now() - lastProgress(r, runs) > o.stallAfterS * 1000
    ? { run: r.header.run, playbook: r.header.playbook, since: new Date(lastProgress(r, runs)).toISOString(), seconds: Math.round((Date.now() - lastProgress(r, runs)) / 1000), nodesDone: doneHosts(r, runs).length }
    : undefined;
  let decision: Decision;
  if (!r || r.status === 'finished') {
    decision = explicit ? { kind: 'leave', why: `the chain of run ${explicit} has finished; nothing to continue` } : { kind: 'fresh' };
  } else if (!r.end && (await stillRunning(client, r.header.run, pod))) {
    const h = await lockHolder(client);
    decision = { kind: 'leave', why: `run ${r.header.run} is in progress${h?.pod ? ` in Pod ${h.pod}` : h ? ` on ${h.host}` : ''}` };
  } else if (r.status === 'handed-off' && !explicit && (await successorActive(client, namespace, r))) {
    decision = { kind: 'leave', why: `run ${r.header.run} handed off; its successor continues it (${r.end?.reason ?? ''})` };
  } else decision = { kind: 'resume', run: r.header.run, breakLock: r.status === 'handed-off' };
  const keepDays = Number(o.env['TSPLAY_JOURNAL_KEEP_DAYS'] ?? KEEP_DAYS);
  if (decision.kind !== 'leave' && Number.isFinite(keepDays) && keepDays > 0) {
    const pruned = await pruneClusterRuns(client, namespace, runs, keepDays, new Set(r ? chainOf(r, runs).map((x) => x.header.run) : []));
    runs = runs.filter((x) => !pruned.includes(x.header.run));
  }
  const done = new Set<string>();
  let batch: { hosts: string[]; failed: Set<string> } | undefined;
  const close = () => {
    for (const h of batch?.hosts ?? []) if (!batch?.failed.has(h)) done.add(h);
    batch = undefined;
  };
  return {
    client, namespace, pod, node, runs, decision, stall,
    sink: (run) => new ConfigMapSink(client, namespace, run),
    hooks: (journal, run) => ({
      pod,
      holderGone: (h) => (h.pod ? podGone(client, h.pod, pod) : Promise.resolve(false)),
      ...({
        handoff: async (n: string) => {
          // 1. checkpoint: everything so far stored; 2. the successor; 3. the run stops, exit 0
          await journal.flush();
          const job = await createSuccessor(client, { namespace, pod: pod.split('/')[1] as string, run, node: n, doneNodes: [...done] });
          return `handed off to Job ${namespace}/${job} before disrupting node ${n}, the node this runner is on; the successor runs elsewhere and continues run ${run}`;
        },
      }),
    }),
    listener: (e) => {
      if (e.type === 'batch' || e.type === 'play') close();
      if (e.type === 'batch') batch = { hosts: e.hosts, failed: new Set() };
      if (e.type === 'result' && (e.status === 'failed' || e.status === 'unreachable')) batch?.failed.add(e.host);
      if (e.type === 'resume_skip') for (const h of e.hosts) done.add(h);
    },
    markResumed: (parent, by, status) => markResumedInCluster(client, namespace, parent, by, status),
  };
}

// Whether the Job a run handed off to is still there and has not failed.
async function successorActive(client: KubeClient, namespace: string, r: JournalState): Promise<boolean> {
  const m = /Job ([a-z0-9.-]+)\/([a-z0-9.-]+)/.exec(r.end?.reason ?? '');
  if (!m) return false;
  const job = await client.find('jobs', m[2] as string, { namespace: m[1] as string }).catch(() => undefined);
  if (!job) return false;
  return !((job['status']?.conditions ?? []) as { type?: string; status?: string }[]).some((c) => c.type === 'Failed' && c.status === 'True');
}
