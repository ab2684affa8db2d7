// --resume: which run to continue, and its journal (with the runs it continued, back along the
// chain) turned into a resume plan: completed batches are skipped; in the first unfinished batch,
// hosts that finished it are skipped, and the others' completed tasks are restored, not run again
// (--redo-batch runs that batch again from its first task). Only a real run that failed or was
// interrupted can be resumed: never a --check run, a refused one, a finished one, one still
// running, or one another run already continued.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { listRuns, type JournalState } from '../run/journal-read.js';
import type { TaskCheckpoint, TaskIntent } from '../run/journal.js';
import type { ResumePlan } from '../run/context.js';
import { UsageError } from './args.js';

function describe(r: JournalState): string {
  return `run ${r.header.run} (started ${r.header.started.slice(0, 19).replace('T', ' ')})`;
}

// Why a run cannot be resumed, or undefined when it can.
function notResumable(r: JournalState, all: JournalState[]): string | undefined {
  switch (r.status) {
    case 'check':
      return `${describe(r)} was a --check run: it changed nothing, so there is nothing to continue (run the playbook without --check)`;
    case 'refused':
      return `${describe(r)} was refused before doing anything${r.end?.reason ? ` (${r.end.reason})` : ''}: there is nothing to continue`;
    case 'finished':
      return `${describe(r)} finished successfully`;
    case 'running':
      return `${describe(r)} is still running (pid ${r.header.pid} on ${r.header.host}); wait for it, or stop it first`;
  }
  const by = r.resumedBy.map((c) => all.find((x) => x.header.run === c)).filter((x): x is JournalState => x !== undefined)[0];
  if (by) return `${describe(r)} was already continued by run ${by.header.run} (${by.status}); resume that one instead (tsplay runs shows the chain)`;
  return undefined;
}

// The run to resume: the named one, or the newest real run of this playbook and inventory.
export function findResumable(playbook: string, inventory: string[], runId?: string, cwd = process.cwd(), runs?: JournalState[]): { run: JournalState; all: JournalState[] } {
  const all = runs ?? listRuns(cwd);
  if (runId) {
    const r = all.find((x) => x.header.run === runId);
    if (!r) throw new UsageError(`no run ${runId} in ${runs ? 'the cluster journal' : '.tsplay/runs'} (see tsplay runs)`, 1);
    const why = notResumable(r, all);
    if (why) throw new UsageError(`cannot resume: ${why}`, 1);
    return { run: r, all };
  }
  const pb = resolve(playbook);
  const mine = all.filter((r) => r.header.playbook === pb && JSON.stringify(r.header.inventory) === JSON.stringify(inventory));
  const real = mine.filter((r) => r.status !== 'check' && r.status !== 'refused');
  const newest = real[0];
  if (!newest) {
    const check = mine.find((r) => r.status === 'check');
    throw new UsageError(`nothing to resume: no unfinished run of this playbook and inventory in .tsplay/runs${check ? `; the last one, ${describe(check)}, was a --check run: it changed nothing, so there is nothing to continue (run the playbook without --check)` : ''} (see tsplay runs)`, 1);
  }
  const why = notResumable(newest, all);
  if (why) throw new UsageError(`nothing to resume: the last run of this playbook and inventory, ${why}`, 1);
  return { run: newest, all };
}

// A hash of the playbook's sources: task keys are source positions, so a resume at task level needs the same text.
export function playbookSha(files: { path: string; text: string }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) h.update(f.path).update('\0').update(f.text).update('\0');
  return h.digest('hex').slice(0, 16);
}

type Plan = Required<Pick<ResumePlan, 'completed' | 'okHosts' | 'tasks' | 'inflight'>>;

// One journal's contribution, merged over what the runs it continued left (the chain, oldest first).
function planOf(j: JournalState, all: JournalState[], depth = 0): Plan {
  const parent = j.header.resumed_from && depth < 50 ? all.find((x) => x.header.run === j.header.resumed_from) : undefined;
  const p: Plan = parent ? planOf(parent, all, depth + 1) : { completed: new Map(), okHosts: new Map(), tasks: new Map(), inflight: new Map() };
  if (j.header.redo_batch) for (const b of j.batches) for (const m of [p.tasks, p.inflight]) for (const k of [...m.keys()]) if (k.startsWith(`${b.play}/${b.batch}/`)) m.delete(k);
  for (const b of j.batches) {
    if (b.complete) {
      const m = p.completed.get(b.play) ?? new Map<number, string[]>();
      m.set(b.batch, b.hosts);
      p.completed.set(b.play, m);
      p.okHosts.delete(`${b.play}/${b.batch}`);
    } else if (b.ok.length > 0) {
      const s = p.okHosts.get(`${b.play}/${b.batch}`) ?? new Set<string>();
      for (const h of b.ok) s.add(h);
      p.okHosts.set(`${b.play}/${b.batch}`, s);
    }
  }
  // a host's tasks in a batch: this run's records when it has any there, else the earlier run's
  for (const [k, m] of j.tasks) {
    p.tasks.set(k, new Map(m));
    p.inflight.delete(k);
  }
  for (const [k, m] of j.inflight) if (m.size > 0) p.inflight.set(k, new Map(m));
  return p;
}

// The resume plan for `playbook` on `inventory` (the newest unfinished run, or the named one).
export function resumePlan(playbook: string, inventory: string[], runId: string | undefined, o: { redoBatch?: boolean; sha?: string; runs?: JournalState[] } = {}): ResumePlan {
  const { run: j, all } = findResumable(playbook, inventory, runId, process.cwd(), o.runs);
  const p = planOf(j, all);
  const plan: ResumePlan = { from: j.header.run, completed: p.completed, okHosts: p.okHosts, fromPath: j.path };
  if (o.redoBatch) {
    plan.redoBatch = true;
    // handlers owed by hosts that did not finish the batch: the changes that notified them happened
    const owed = new Map<string, Map<string, string[]>>();
    for (const b of j.batches) {
      if (b.complete) continue;
      const o2 = Object.entries(b.pending).filter(([h]) => !b.ok.includes(h));
      if (o2.length > 0) owed.set(`${b.play}/${b.batch}`, new Map(o2));
    }
    plan.pendingHandlers = owed;
    return plan;
  }
  // only the batches still to run matter
  const open = (k: string) => !p.completed.get(Number(k.split('/')[0]))?.has(Number(k.split('/')[1]));
  for (const m of [p.tasks, p.inflight]) for (const k of [...m.keys()]) if (!open(k)) m.delete(k);
  if (o.sha && j.header.playbook_sha && o.sha !== j.header.playbook_sha && (p.tasks.size > 0 || p.inflight.size > 0)) {
    throw new UsageError(`cannot resume run ${j.header.run} task by task: the playbook changed since (its tasks are matched by position); revert the change, or resume with --redo-batch to run the unfinished batch again from its first task`, 1);
  }
  plan.tasks = p.tasks as Map<string, Map<string, TaskCheckpoint>>;
  plan.inflight = p.inflight as Map<string, Map<string, TaskIntent>>;
  return plan;
}
