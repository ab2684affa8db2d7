// The event stream: the executor emits these, and every view (plain log, JSON lines,
// recap, ink UI, run journal) is a map over them. Field names are a public interface
// (docs/OUTPUT.md).
import type { DiffEntry } from '../module.js';

export type Status = 'ok' | 'changed' | 'failed' | 'ignored' | 'skipped' | 'unreachable';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

interface ResultFields {
  play: number;
  batch: number;
  host: string;
  task: string;
  handler: boolean;
  status: Status;
  action?: string;
  rc?: number;
  attempts?: number;
  msg?: unknown;
  skip_reason?: string;
  delegated_to?: string;
  /** why a failed/unreachable result failed (tsplay addition) */
  error?: string;
  /** the task's source position, file:line:col (tsplay addition) */
  source?: string;
  diff?: DiffEntry[];
  /** the result as Ansible would print it with -v (not in JSON output unless verbose) */
  result?: Record<string, unknown>;
  /** run_once: the hosts the result was applied to */
  run_once?: boolean;
  /** the plain log shows this result without -v (debug) */
  verbose_always?: boolean;
  /** the result of an include_tasks/include_role (the plain log prints `included:` instead) */
  include?: boolean;
  /** what the action did, in brief (tsplay addition): `summary`, a line the plain log prints after
   *  the status, and the module's key facts (drain: evicted pods; reboot: boot ids, seconds to Ready) */
  report?: Record<string, unknown> & { summary?: string };
  /** restored by --resume from the run being resumed: the task was not run again */
  resumed?: boolean;
}

export type RunEvent =
  | { type: 'start'; run: string; playbook: string; check: boolean; diff: boolean; inventory: string[]; resumed_from?: string; plan?: { plays: { name: string; hosts: number; batches: number; tasks: number }[] } }
  | { type: 'resume_skip'; play: number; batch: number; hosts: string[] }
  /** handlers a host now owes (a changed task notified them; resumed: carried over from the run being resumed) */
  | { type: 'notify'; play: number; batch: number; host: string; handlers: string[]; resumed?: boolean }
  | { type: 'play'; play: number; name: string; hosts?: string[] }
  | { type: 'no_hosts'; play: number }
  | { type: 'batch'; play: number; batch: number; hosts: string[]; batches?: number }
  | { type: 'task'; play: number; batch: number; name: string; handler: boolean; action?: string; hosts?: string[]; source?: string }
  | ({ type: 'result' } & ResultFields)
  | ({ type: 'item'; item: unknown } & ResultFields)
  | ({ type: 'retry'; retries: number } & ResultFields)
  | { type: 'include'; play: number; batch: number; hosts: string[]; file: string; task: string; item?: unknown }
  | { type: 'progress'; play: number; batch: number; host: string; task: string; msg: string; data?: Record<string, unknown> }
  | { type: 'guard'; play: number; batch: number; host: string; task: string; condition: string; status: 'ok' | 'tripped' | 'waiting'; evidence?: string; remaining_s?: number }
  | { type: 'no_hosts_remaining'; play: number; batch: number; reason: string }
  /** the run lock: taken, released, lost to another run (the run stops), or not released (msg says why) */
  | { type: 'lock'; status: 'taken' | 'released' | 'lost' | 'not-released'; where: string; run: string; msg?: string }
  /** the run's built-in safety: identity, budget, health gate, datastore guard, refusals */
  | { type: 'safety'; check: 'identity' | 'budget' | 'health-gate' | 'datastore-guard' | 'reboot-undrained' | 'self-preemption' | 'run-lock' | 'allow-unsafe'; status: 'ok' | 'waiting' | 'refused' | 'info'; host?: string; node?: string; msg: string; remaining_s?: number }
  | { type: 'warning'; msg: string }
  | { type: 'error'; msg: string }
  | { type: 'recap'; stats: Record<string, HostStats>; rc: number };

export type EventType = RunEvent['type'];

export type Listener = (e: RunEvent) => void;

// A synchronous fan-out of events to every listener.
export class EventBus {
  private listeners: Listener[] = [];

  on(l: Listener): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  emit(e: RunEvent): void {
    for (const l of this.listeners) l(e);
  }
}
