// The live view's reducer: a pure map of the event stream (and the time each event arrived)
// to what the operator sees. No ink here, so it is cheap to test and to import.
import type { RunEvent, Status } from '../run/events.js';
import { progressDetail } from './detail.js';
import { onGuard, onResult, startTask } from './host-events.js';
import { addLine, closeBatch, keepFailures, mapRows, widen } from './lines.js';
import type { HostRow, PlanPlay, UiState } from './types.js';
import { closeHost, completeWork, initialWork, startPlayWork } from './work.js';

const NO_TALLY: Record<Status, number> = { ok: 0, changed: 0, failed: 0, ignored: 0, skipped: 0, unreachable: 0 };

// The state before the first event.
export function initialState(): UiState {
  return { rows: [], outcomes: {}, tally: { ...NO_TALLY }, work: initialWork(), hostWidth: 0, finished: [] };
}

// The plan summary of a `start` event, if it has a usable one.
export function planOf(e: RunEvent): PlanPlay[] | undefined {
  const plan = (e as { plan?: unknown }).plan;
  if (typeof plan !== 'object' || plan === null || !Array.isArray((plan as { plays?: unknown }).plays)) return undefined;
  const plays = (plan as { plays: unknown[] }).plays;
  const ok = plays.every((p) => typeof p === 'object' && p !== null && ['hosts', 'batches', 'tasks'].every((k) => typeof (p as Record<string, unknown>)[k] === 'number'));
  return ok ? (plays as PlanPlay[]) : undefined;
}

function onStart(s: UiState, e: Extract<RunEvent, { type: 'start' }>, at: number): UiState {
  const plan = planOf(e);
  const resumed = e.resumed_from !== undefined ? { resumedFrom: e.resumed_from } : {};
  const next: UiState = { ...s, run: { id: e.run, playbook: e.playbook, check: e.check, ...resumed }, startedAt: at, work: initialWork(plan) };
  if (plan) next.plan = plan;
  if (e.resumed_from === undefined) return next;
  return { ...next, finished: addLine(next, { kind: 'message', tone: 'info', text: `resuming run ${e.resumed_from}` }) };
}

function onPlay(s: UiState, e: Extract<RunEvent, { type: 'play' }>): UiState {
  const plan = s.plan?.[e.play - 1];
  const hosts = e.hosts ?? [];
  const { batch: _b, task: _t, ...rest } = s;
  return {
    ...rest, outcomes: keepFailures(s.outcomes), play: { no: e.play, name: e.name, hosts }, rows: [], hostWidth: widen(s.hostWidth, hosts),
    work: startPlayWork(s.work, s.plan, e.play), finished: addLine(s, { kind: 'play', no: e.play, name: e.name, ...(plan ? { plan } : {}) }),
  };
}

// A batch done in the run being resumed: its hosts are done and their work resolved.
function onResumeSkip(s: UiState, e: Extract<RunEvent, { type: 'resume_skip' }>): UiState {
  let work = s.work;
  const outcomes = { ...s.outcomes };
  for (const h of e.hosts) {
    work = closeHost(work, h);
    outcomes[h] = 'done';
  }
  const of = s.plan?.[e.play - 1]?.batches;
  return { ...s, work, outcomes, finished: addLine(s, { kind: 'batch', no: e.batch, ...(of !== undefined ? { of } : {}), hosts: e.hosts, skipped: true }) };
}

function onBatch(s: UiState, e: Extract<RunEvent, { type: 'batch' }>, at: number): UiState {
  const outcomes = closeBatch(s);
  for (const h of e.hosts) outcomes[h] = 'running';
  const of = e.batches ?? s.plan?.[e.play - 1]?.batches;
  const batch = { no: e.batch, hosts: e.hosts, ...(of !== undefined ? { of } : {}) };
  const rows = e.hosts.map((host): HostRow => ({ host, handler: false, phase: 'idle', startedAt: at }));
  const { task: _t, ...rest } = s;
  return { ...rest, outcomes, batch, rows, hostWidth: widen(s.hostWidth, e.hosts), finished: addLine(s, { kind: 'batch', ...batch }) };
}

// The recap: the hosts end as the stats say, the live rows go, the recap is printed.
function onRecap(s: UiState, e: Extract<RunEvent, { type: 'recap' }>, at: number): UiState {
  const outcomes = closeBatch(s);
  for (const [h, st] of Object.entries(e.stats)) outcomes[h] = st.unreachable > 0 ? 'unreachable' : st.failed > 0 ? 'failed' : 'done';
  const ms = at - (s.startedAt ?? at);
  const ended = { ...s, outcomes, rows: [], work: completeWork(s.work), recap: { stats: e.stats, rc: e.rc, at }, endedAt: at };
  return { ...ended, finished: addLine(s, { kind: 'recap', stats: e.stats, rc: e.rc, ms }) };
}

// Adds a line of text above the live area (messages the CLI prints while the view is up).
export function addMessage(s: UiState, text: string, tone: 'info' | 'warning' | 'error' = 'info'): UiState {
  return { ...s, finished: addLine(s, { kind: 'message', tone, text }) };
}

// The state after event `e`, which arrived at time `at` (ms, from the injected clock).
export function reduce(s: UiState, e: RunEvent, at: number): UiState {
  switch (e.type) {
    case 'start':
      return onStart(s, e, at);
    case 'play':
      return onPlay(s, e);
    case 'no_hosts':
      return addMessage(s, 'skipping: no hosts matched');
    case 'resume_skip':
      return onResumeSkip(s, e);
    case 'batch':
      return onBatch(s, e, at);
    case 'task':
      return startTask(s, e, at);
    case 'result':
    case 'item':
    case 'retry':
      return onResult(s, e, at);
    case 'include':
      return addMessage(s, `included: ${e.file} for ${e.hosts.join(', ')}`);
    case 'progress':
      return { ...s, rows: mapRows(s, e.host, (r) => ({ ...r, detail: progressDetail(r.detail, e, at) })) };
    case 'guard':
      return onGuard(s, e, at);
    case 'no_hosts_remaining':
      return { ...addMessage(s, `no more hosts left: ${e.reason}`, 'error'), stopped: e.reason };
    case 'lock':
      if (e.status === 'lost') return addMessage(s, `run lock LOST: ${e.msg ?? e.where}`, 'error');
      if (e.status === 'not-released') return addMessage(s, `run lock ${e.msg ?? `${e.where} NOT released`}`, 'error');
      return addMessage(s, `run lock ${e.status}: ${e.where}`);
    case 'safety':
      return e.status === 'ok' ? s : addMessage(s, `[SAFETY] ${e.check}${e.host ? ` ${e.host}` : ''}: ${e.msg}${e.remaining_s !== undefined ? ` (${e.remaining_s}s left)` : ''}`, e.status === 'refused' ? 'error' : 'warning');
    case 'notify':
      return e.resumed ? addMessage(s, `${e.host} still owes handler(s) from the run being resumed: ${e.handlers.join(', ')}`) : s;
    case 'warning':
      return addMessage(s, `[WARNING]: ${e.msg}`, 'warning');
    case 'error':
      return addMessage(s, e.msg, 'error');
    case 'recap':
      return onRecap(s, e, at);
    default:
      return unhandled(e, s);
  }
}

// A new event kind fails the build here until the view handles it (CONVENTIONS 10); at run
// time an unknown event (a newer producer) is ignored.
function unhandled(e: never, s: UiState): UiState {
  void e;
  return s;
}

// Ends the view without a recap (the run threw or was interrupted): no spinners left behind;
// hosts that were running are not counted as done.
export function endRun(s: UiState, at: number): UiState {
  if (s.endedAt !== undefined) return s;
  return { ...s, rows: s.rows.map((r) => (r.phase === 'running' ? { ...r, phase: 'idle' } : r)), endedAt: at };
}
