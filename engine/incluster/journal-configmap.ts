// The run journal kept in the cluster, so that any Pod can resume a run: one run's records, the
// same JSON lines as .tsplay/runs/<run>.jsonl, in ConfigMaps tsplay-run-<run>-<n> (labelled with
// the run and the chunk number), a new chunk once one holds 256 KiB (a ConfigMap takes 1 MiB).
// Records are queued as the run writes them and sent together, each chunk replaced with the
// resourceVersion of this run's last write, so nobody else's write is ever overwritten; flush()
// (before every disruptive action, and at the end) resolves once everything is stored.
import { KubeApiError, type KubeClient } from '../kube/index.js';
import { chainRuns, parseJournal, type JournalState } from '../run/journal-read.js';
import type { JournalSink, RunStatus } from '../run/journal.js';

export const RUN_LABEL = 'tsplay.dev/run';
export const CHUNK_LABEL = 'tsplay.dev/chunk';
const KEY = 'journal';
const CHUNK_BYTES = 256 * 1024;
/** one record alone in a chunk may be this large (a ConfigMap's 1 MiB, less its metadata) */
const MAX_LINE = 1000 * 1024;

// The ConfigMap holding chunk `n` of a run's journal.
export function chunkName(run: string, n: number): string {
  return `tsplay-run-${run.toLowerCase()}-${n}`;
}

function labels(run: string, n: number): Record<string, string> {
  return { 'app.kubernetes.io/name': 'tsplay', 'app.kubernetes.io/component': 'journal', 'app.kubernetes.io/managed-by': 'tsplay', [RUN_LABEL]: run, [CHUNK_LABEL]: String(n) };
}

export class ConfigMapSink implements JournalSink {
  readonly where: string;
  failure: string | undefined;
  private readonly pending: string[] = [];
  private text = '';
  private chunk = 0;
  private rv: string | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly client: KubeClient, private readonly namespace: string, private readonly run: string) {
    this.where = `configmap/${namespace}/${chunkName(run, 0)}`;
  }

  append(line: string): boolean {
    if (this.failure) return false;
    if (line.length > MAX_LINE) {
      this.failure = `a journal record of ${line.length} bytes does not fit in a ConfigMap`;
      return false;
    }
    this.pending.push(line);
    this.loop ??= this.drain().finally(() => {
      this.loop = undefined;
    });
    return true;
  }

  async flush(): Promise<void> {
    while (this.loop) await this.loop;
    if (this.failure) throw new Error(this.failure);
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
  }

  // Sends what is queued, a chunk at a time, until nothing is left (or a write fails).
  private async drain(): Promise<void> {
    // let the records of one moment (an event and its checkpoint) go in one write
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0 && !this.failure) {
      if (this.text.length > 0 && this.text.length + (this.pending[0] as string).length > CHUNK_BYTES) {
        this.chunk++;
        this.text = '';
        this.rv = undefined;
      }
      let next = this.text;
      let n = 0;
      while (n < this.pending.length && (next.length === 0 || next.length + (this.pending[n] as string).length <= CHUNK_BYTES)) next += this.pending[n++];
      try {
        await this.store(next);
        this.pending.splice(0, n);
        this.text = next;
      } catch (e) {
        this.failure = e instanceof KubeApiError ? `${e.message} (HTTP ${e.status})` : (e as Error).message;
      }
    }
  }

  private async store(text: string): Promise<void> {
    const name = chunkName(this.run, this.chunk);
    const body = { metadata: { name, namespace: this.namespace, labels: labels(this.run, this.chunk), ...(this.rv ? { resourceVersion: this.rv } : {}) }, data: { [KEY]: text } };
    try {
      const r = this.rv ? await this.client.update('configmaps', body) : await this.client.create('configmaps', body, { namespace: this.namespace });
      this.rv = r['metadata']?.resourceVersion;
    } catch (e) {
      // a write retried after it landed meets its own result: read it back to tell
      if (!(e instanceof KubeApiError) || (e.status !== 409 && e.status !== 422)) throw e;
      const cur = await this.client.find('configmaps', name, { namespace: this.namespace });
      if (cur?.['data']?.[KEY] !== text) throw new Error(`the journal ConfigMap ${this.namespace}/${name} was changed by someone else`);
      this.rv = cur['metadata']?.resourceVersion;
    }
  }
}

// The runs journaled in a namespace, newest first, with their chains (a run there is never
// `running` by its process: whether it still runs is the run lock's business).
export async function listClusterRuns(client: KubeClient, namespace: string): Promise<JournalState[]> {
  const { items } = await client.list('configmaps', { namespace, labelSelector: RUN_LABEL });
  const byRun = new Map<string, { n: number; text: string }[]>();
  for (const cm of items) {
    const run = cm['metadata']?.labels?.[RUN_LABEL] as string | undefined;
    if (!run) continue;
    const list = byRun.get(run) ?? [];
    list.push({ n: Number(cm['metadata']?.labels?.[CHUNK_LABEL] ?? 0), text: String(cm['data']?.[KEY] ?? '') });
    byRun.set(run, list);
  }
  const runs: JournalState[] = [];
  for (const [run, chunks] of byRun) {
    const text = chunks.sort((a, b) => a.n - b.n).map((c) => c.text).join('');
    try {
      runs.push(parseJournal(text, `configmap/${namespace}/${chunkName(run, 0)}`, { alive: () => false }));
    } catch {
      /* a run whose first chunk is missing cannot be read */
    }
  }
  return chainRuns(runs);
}

// Marks a journaled run as continued by another (its last chunk gets a resumed_by record); best effort.
export async function markResumedInCluster(client: KubeClient, namespace: string, run: string, by: string, status: RunStatus): Promise<void> {
  const line = JSON.stringify({ kind: 'resumed_by', run: by, status, at: new Date().toISOString() }) + '\n';
  for (let attempt = 0; attempt < 3; attempt++) {
    const { items } = await client.list('configmaps', { namespace, labelSelector: `${RUN_LABEL}=${run}` }).catch(() => ({ items: [] as Record<string, any>[] }));
    const last = items.sort((a, b) => Number(b['metadata']?.labels?.[CHUNK_LABEL] ?? 0) - Number(a['metadata']?.labels?.[CHUNK_LABEL] ?? 0))[0];
    if (!last) return;
    const text = String(last['data']?.[KEY] ?? '');
    try {
      await client.update('configmaps', { ...last, data: { ...(last['data'] ?? {}), [KEY]: text + line } });
      return;
    } catch (e) {
      if (!(e instanceof KubeApiError) || e.status !== 409) return;
    }
  }
}

// Deletes the journals of runs that ended more than `keepDays` ago (never one in `keep`: the chain
// being continued); resolves with the runs deleted. Best effort.
export async function pruneClusterRuns(client: KubeClient, namespace: string, runs: JournalState[], keepDays: number, keep: Set<string>): Promise<string[]> {
  const before = Date.now() - keepDays * 86400_000;
  const old = runs.filter((r) => r.end && Date.parse(r.end.ended) < before && !keep.has(r.header.run));
  const gone: string[] = [];
  for (const r of old) {
    const { items } = await client.list('configmaps', { namespace, labelSelector: `${RUN_LABEL}=${r.header.run}` }).catch(() => ({ items: [] as Record<string, any>[] }));
    for (const c of items) await client.delete('configmaps', String(c['metadata']?.name), { namespace, ignoreNotFound: true }).catch(() => undefined);
    gone.push(r.header.run);
  }
  return gone;
}
