// The run journal, read: a journal file becomes the run's state (header, batches, task
// checkpoints, intents, final state), tolerating a torn last line; `listRuns` lists them newest
// first with each run's status, including runs killed without an end record (interrupted) and
// runs still going (running), and the chain of resumed runs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runsDir, type JournalHeader, type RunEndLine, type RunStatus, type TaskCheckpoint, type TaskIntent } from './journal.js';

export type RunState = RunStatus | 'running';

export interface BatchState {
  play: number;
  batch: number;
  hosts: string[];
  ok: string[];
  complete: boolean;
  /** host → handlers notified and not run when that run stopped */
  pending: Record<string, string[]>;
  /** when the batch ended (its batch_end record) */
  at?: string;
}

export interface JournalState {
  header: JournalHeader;
  end?: RunEndLine;
  status: RunState;
  batches: BatchState[];
  /** `play/batch/host` → task key → the task's last checkpoint */
  tasks: Map<string, Map<string, TaskCheckpoint>>;
  /** `play/batch/host` → task key → an intent without a checkpoint (the action was in flight) */
  inflight: Map<string, Map<string, TaskIntent>>;
  /** runs that resumed this one (from their `resumed_by` marks and headers) */
  resumedBy: string[];
  results: number;
  /** the last line was cut (a write that failed or a crash) */
  torn: boolean;
  path: string;
}

const LEGACY: Record<string, RunStatus> = { ok: 'finished', error: 'failed' };

// Whether the process that wrote a journal still runs (same machine; a reused pid that is not tsplay does not count).
function alive(h: JournalHeader): boolean {
  if (!h.pid || h.host !== hostname()) return false;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /tsplay|main\.js|node/.test(readFileSync(`/proc/${h.pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

function add<T>(m: Map<string, Map<string, T>>, k: string, key: string, v: T): void {
  const inner = m.get(k) ?? new Map<string, T>();
  inner.set(key, v);
  m.set(k, inner);
}

// Reads a journal file (an unparsable line is skipped: only the last can be torn); throws when it has no header.
export function readJournal(path: string): JournalState {
  return parseJournal(readFileSync(path, 'utf8'), path);
}

// A journal's text (wherever it was kept) as the run's state; `path` names it in messages.
export function parseJournal(text: string, path: string, o: { alive?: (h: JournalHeader) => boolean } = {}): JournalState {
  const lines: Record<string, unknown>[] = [];
  let torn = false;
  for (const l of text.split('\n')) {
    if (!l.trim()) continue;
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      torn = true;
    }
  }
  const header = lines.find((l) => l['kind'] === 'header') as unknown as JournalHeader | undefined;
  if (!header) throw new Error(`${path}: no header`);
  const endLine = lines.find((l) => l['kind'] === 'end') as unknown as RunEndLine | undefined;
  const end = endLine ? { ...endLine, status: LEGACY[endLine.status] ?? endLine.status } : undefined;
  const batches: BatchState[] = [];
  const tasks = new Map<string, Map<string, TaskCheckpoint>>();
  const intents = new Map<string, Map<string, TaskIntent>>();
  const pending = new Map<string, Set<string>>();
  const resumedBy: string[] = [];
  let results = 0;
  const at = (p: unknown, b: unknown) => batches.find((x) => x.play === p && x.batch === b);
  for (const l of lines) {
    const hk = `${String(l['play'])}/${String(l['batch'])}/${String(l['host'])}`;
    switch (l['kind']) {
      case 'batch':
        if (!at(l['play'], l['batch'])) batches.push({ play: l['play'] as number, batch: l['batch'] as number, hosts: l['hosts'] as string[], ok: [], complete: false, pending: {} });
        break;
      case 'batch_end': {
        const b = at(l['play'], l['batch']);
        if (b) {
          b.ok = l['ok'] as string[];
          b.complete = l['complete'] === true;
          if (typeof l['at'] === 'string') b.at = l['at'];
        }
        break;
      }
      case 'intent':
        add(intents, hk, String(l['key']), l as unknown as TaskIntent);
        break;
      case 'task':
        add(tasks, hk, String(l['key']), l as unknown as TaskCheckpoint);
        // an action the run aborted keeps its intent (the boot id tells whether a reboot happened)
        if (l['interrupted'] !== true) intents.get(hk)?.delete(String(l['key']));
        break;
      case 'result':
        results++;
        // a handler that ran (ok or changed) is no longer owed; a failed one still is
        if (l['handler'] === true && (l['status'] === 'ok' || l['status'] === 'changed')) {
          const task = String(l['task']);
          const s = pending.get(hk);
          if (s) for (const h of [...s]) if (task === h || task.endsWith(` : ${h}`)) s.delete(h);
        }
        break;
      case 'notify': {
        const s = pending.get(hk) ?? new Set<string>();
        for (const h of l['handlers'] as string[]) s.add(h);
        pending.set(hk, s);
        break;
      }
      case 'resumed_by':
        resumedBy.push(String(l['run']));
        break;
    }
  }
  for (const [k, s] of pending) {
    const [play, batch, host] = k.split('/');
    const b = at(Number(play), Number(batch));
    if (b && s.size > 0 && host) b.pending[host] = [...s];
  }
  const status: RunState = end ? end.status : header.check ? 'check' : (o.alive ?? alive)(header) ? 'running' : 'interrupted';
  return { header, ...(end ? { end } : {}), status, batches, tasks, inflight: intents, resumedBy, results, torn, path };
}

// Recent runs, newest first (by start), each with the runs that resumed it.
export function listRuns(cwd = process.cwd()): JournalState[] {
  const dir = runsDir(cwd);
  if (!existsSync(dir)) return [];
  return chainRuns(readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => {
      try {
        return [readJournal(join(dir, f))];
      } catch {
        return [];
      }
    }));
}

// Runs (from any store) newest first, each with the runs that resumed it.
export function chainRuns(list: JournalState[]): JournalState[] {
  const runs = [...list].sort((a, b) => (b.header.started.localeCompare(a.header.started) || b.header.run.localeCompare(a.header.run)));
  // the chain: a real run (not refused, not --check) that resumed another closes it
  for (const r of runs) {
    const parent = r.header.resumed_from ? runs.find((p) => p.header.run === r.header.resumed_from) : undefined;
    if (parent && r.status !== 'refused' && r.status !== 'check' && !parent.resumedBy.includes(r.header.run)) parent.resumedBy.push(r.header.run);
  }
  for (const r of runs) r.resumedBy = r.resumedBy.filter((c) => runs.some((x) => x.header.run === c && x.status !== 'refused' && x.status !== 'check'));
  return runs;
}
