// Telling people about a run: the moments that matter (start, a refused gate or tripped guard, a
// batch done, a failure, the end) as Prometheus metrics for a Pushgateway and as Slack-compatible
// webhook messages. Pure: events in, what to send out; sending is in notify-send.ts. Messages are
// built from event fields only (task names, hosts, counts), never from results or variables, so a
// secret cannot reach them.
import type { RunEvent } from '../run/events.js';

/** one message for a webhook */
export interface Notice {
  kind: 'start' | 'refused' | 'batch' | 'failure' | 'finish' | 'handoff' | 'stalled';
  text: string;
}

/** the run as the metrics describe it */
export interface RunMetrics {
  run: string;
  playbook: string;
  /** 0 running, 1 finished ok, 2 failed, 3 interrupted, 4 stalled */
  status: number;
  nodesDone: number;
  guardTrips: number;
  batches: { play: number; batch: number; seconds: number }[];
}

export const STATUS = { running: 0, ok: 1, failed: 2, interrupted: 3, stalled: 4 } as const;

// Follows the event stream; `notices` holds what to tell, `metrics` the run's state now.
export class RunNotifier {
  readonly metrics: RunMetrics = { run: '', playbook: '', status: STATUS.running, nodesDone: 0, guardTrips: 0, batches: [] };
  private readonly done = new Set<string>();
  private batchStart = 0;
  private batchHosts: string[] = [];
  private batchKey: { play: number; batch: number } | undefined;
  private failedInBatch = new Set<string>();
  private readonly now: () => number;
  private handedOff: string | undefined;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  // The notices an event gives (usually none).
  onEvent(e: RunEvent): Notice[] {
    switch (e.type) {
      case 'start':
        this.metrics.run = e.run;
        this.metrics.playbook = e.playbook;
        return [{ kind: 'start', text: `tsplay run ${e.run} started: ${basename(e.playbook)}${e.check ? ' (--check)' : ''}${e.resumed_from ? `, resuming ${e.resumed_from}` : ''}` }];
      case 'batch':
        return [...this.closeBatch(), ...this.openBatch(e.play, e.batch, e.hosts)];
      case 'result':
        if (e.status === 'failed' || e.status === 'unreachable') this.failedInBatch.add(e.host);
        return [];
      case 'guard':
        if (e.status !== 'tripped') return [];
        this.metrics.guardTrips++;
        return [{ kind: 'refused', text: `tsplay run ${this.metrics.run}: guard ${e.condition} tripped on ${e.host} (task '${e.task}'); the action did not run` }];
      case 'safety':
        if (e.check === 'self-preemption' && e.status === 'info') {
          this.handedOff = e.node ?? '?';
          return [{ kind: 'handoff', text: `tsplay run ${this.metrics.run}: node ${this.handedOff} is next and this runner runs on it; handed off to a successor Job on another node` }];
        }
        if (e.status !== 'refused') return [];
        this.metrics.guardTrips++;
        return [{ kind: 'refused', text: `tsplay run ${this.metrics.run}: ${e.check} refused${e.host ? ` on ${e.host}` : ''}${e.node ? ` (node ${e.node})` : ''}; nothing was done there` }];
      case 'no_hosts_remaining':
        return [{ kind: 'failure', text: `tsplay run ${this.metrics.run} stopped in play ${e.play} batch ${e.batch}: ${firstLine(e.reason)}` }];
      case 'recap': {
        const out = this.closeBatch();
        const failed = Object.entries(e.stats).filter(([, s]) => s.failed > 0 || s.unreachable > 0).map(([h]) => h);
        this.metrics.status = this.handedOff ? STATUS.running : e.rc === 0 ? STATUS.ok : e.rc === 99 ? STATUS.interrupted : STATUS.failed;
        const word = this.handedOff ? `handed off before node ${this.handedOff}` : e.rc === 0 ? 'finished' : e.rc === 99 ? 'was interrupted' : 'failed';
        out.push({ kind: 'finish', text: `tsplay run ${this.metrics.run} ${word} (exit ${e.rc}): ${this.metrics.nodesDone} node(s) done${failed.length ? `; failed: ${failed.join(', ')}` : ''}` });
        return out;
      }
      default:
        return [];
    }
  }

  private openBatch(play: number, batch: number, hosts: string[]): Notice[] {
    this.batchKey = { play, batch };
    this.batchStart = this.now();
    this.batchHosts = hosts;
    this.failedInBatch = new Set();
    return [];
  }

  private closeBatch(): Notice[] {
    if (!this.batchKey) return [];
    const { play, batch } = this.batchKey;
    const seconds = Math.round((this.now() - this.batchStart) / 100) / 10;
    this.metrics.batches.push({ play, batch, seconds });
    const ok = this.batchHosts.filter((h) => !this.failedInBatch.has(h));
    for (const h of ok) this.done.add(h);
    this.metrics.nodesDone = this.done.size;
    this.batchKey = undefined;
    return [{ kind: 'batch', text: `tsplay run ${this.metrics.run}: play ${play} batch ${batch} done in ${seconds} s (${ok.join(', ') || 'no host'} ok${this.failedInBatch.size ? `; failed: ${[...this.failedInBatch].join(', ')}` : ''})` }];
  }
}

// What a chain of runs with no progress for too long tells (tsplay_run_status 4 for its newest run).
export function stalledNotice(s: { run: string; playbook: string; since: string; seconds: number; nodesDone?: number }): { notice: Notice; metrics: RunMetrics } {
  const hours = Math.round(s.seconds / 360) / 10;
  return {
    notice: { kind: 'stalled', text: `tsplay run ${s.run} (${basename(s.playbook)}) is stalled: no batch finished since ${s.since} (${hours} h); look at its journal (tsplay runs) and the runner Jobs` },
    metrics: { run: s.run, playbook: s.playbook, status: STATUS.stalled, nodesDone: s.nodesDone ?? 0, guardTrips: 0, batches: [] },
  };
}

// The metrics in Prometheus's text exposition format (what a Pushgateway takes).
export function metricsText(m: RunMetrics): string {
  const labels = `run="${esc(m.run)}",playbook="${esc(basename(m.playbook))}"`;
  const lines = [
    '# HELP tsplay_run_status 0 running, 1 finished ok, 2 failed, 3 interrupted, 4 stalled',
    '# TYPE tsplay_run_status gauge',
    `tsplay_run_status{${labels}} ${m.status}`,
    '# HELP tsplay_nodes_done hosts that finished their batch',
    '# TYPE tsplay_nodes_done gauge',
    `tsplay_nodes_done{${labels}} ${m.nodesDone}`,
    '# HELP tsplay_guard_trips_total guards tripped and disruptions refused',
    '# TYPE tsplay_guard_trips_total counter',
    `tsplay_guard_trips_total{${labels}} ${m.guardTrips}`,
    '# HELP tsplay_batch_duration_seconds how long each batch took',
    '# TYPE tsplay_batch_duration_seconds gauge',
    ...m.batches.map((b) => `tsplay_batch_duration_seconds{${labels},play="${b.play}",batch="${b.batch}"} ${b.seconds}`),
  ];
  return lines.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function basename(p: string): string {
  return p.split('/').pop() ?? p;
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').slice(0, 300);
}
