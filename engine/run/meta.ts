// meta tasks: flush_handlers and end_host per host; end_play, end_batch, clear_host_errors
// and the like once per batch (their `when` is evaluated on the first host only).
import { evaluateCondition } from '../expr/index.js';
import type { Task } from '../load/model.js';
import { AbortRun, EndBatch, EndPlay, RunError, type BatchRunner } from './batch.js';
import type { HostState } from './host-state.js';
import { allWhen, displayName } from '../load/inherit.js';
import { errorMessage } from './task-exec.js';
import { renderTaskName, sourceOf } from './task-env.js';
import { refreshInventory } from './inventory-changes.js';
import { quorumGroups } from '../plan/quorum.js';
import { playHosts } from './play.js';

const PER_HOST = new Set(['noop', 'flush_handlers', 'end_host', 'reset_connection', 'role_complete']);

const SKIP_SUFFIX: Record<string, (h: string) => string> = {
  flush_handlers: (h) => `, not running handlers for ${h}`,
  end_host: (h) => `, continuing execution for ${h}`,
  end_batch: () => ', continuing current batch',
  end_play: () => ', continuing play',
  clear_host_errors: (h) => `, not clearing host error state for ${h}`,
  clear_facts: (h) => `, not clearing facts and fact cache for ${h}`,
};

// Runs a meta task on the hosts that reached it.
export async function runMeta(br: BatchRunner, task: Task, hosts: HostState[], handler: boolean): Promise<void> {
  const action = String(task.args['_raw_params'] ?? '');
  const first = hosts[0] as HostState;
  const name = displayName(task, renderTaskName(task, br.vars.scope(br.rt, first.name, task)));
  br.ctx.emit({ type: 'task', play: br.playNo, batch: br.batchNo, name, handler, action: 'meta', source: sourceOf(task) });
  const targets = PER_HOST.has(action) ? hosts : [first];
  const holds = (h: HostState): boolean | 'error' => {
    try {
      return allWhen(task).every((c) => evaluateCondition(c, br.vars.scope(br.rt, h.name, task)));
    } catch (e) {
      br.record.outcome(task, { host: h.name, status: 'failed', result: { failed: true, changed: false, msg: errorMessage(e, task, 'when', allWhen(task)[0]) }, changed: false, failed: true, unreachable: false, ignoredUnreachable: false, notify: false, name }, { handler });
      return 'error';
    }
  };
  const passed: HostState[] = [];
  for (const h of targets) {
    const ok = holds(h);
    if (ok === 'error') continue;
    if (ok) {
      passed.push(h);
      continue;
    }
    const skip_reason = `${action} conditional evaluated to False${SKIP_SUFFIX[action]?.(h.name) ?? ''}`;
    br.record.outcome(task, { host: h.name, status: 'skipped', result: { msg: action, skipped: true, skip_reason }, changed: false, failed: false, unreachable: false, ignoredUnreachable: false, notify: false, name }, { handler, counted: false });
  }
  if (passed.length === 0) return;
  switch (action) {
    case 'noop':
    case 'reset_connection':
    case 'role_complete':
    case 'refresh_inventory': {
      const problems = refreshInventory(br.ctx.inventory, br.ctx.playbook.dir, br.ctx.inventoryChanges);
      if (problems.length > 0) throw new RunError(`refresh_inventory: ${problems.map((d) => d.message).join('; ')}`);
      br.ctx.quorumGroups = quorumGroups(br.ctx.inventory, br.ctx.playbook.dir);
      br.vars.inventoryChanged();
      // hosts the play no longer matches leave it (ansible-core resets the strategy's host cache)
      const still = new Set(playHosts(br.ctx, br.vars, br.rt.play).matched);
      for (const h of br.hosts) if (!still.has(h.name)) h.ended = true;
      return;
    }
    case 'flush_handlers':
      if (handler) throw new RunError('flush_handlers cannot be used as a handler');
      return br.flush(passed, task);
    case 'end_host':
      for (const h of passed) {
        h.ended = true;
        h.notified.clear();
      }
      return;
    case 'end_batch':
      for (const h of br.hosts) h.notified.clear();
      throw new EndBatch();
    case 'end_play':
      for (const h of br.hosts) h.notified.clear();
      throw new EndPlay();
    case 'clear_host_errors':
      // like ansible-core: failed hosts are no longer failed (later plays include them, the
      // exit code forgets the failure) but they do not resume this play
      for (const h of br.hosts) {
        // a host running this task in an always section, its failure in flight: it carries on
        if (hosts.includes(h) && !h.failed && !h.unreachable) {
          h.errorsCleared = true;
          continue;
        }
        if (!h.failed && !h.unreachable && h.failure === undefined) continue;
        h.failed = false;
        h.unreachable = false;
        h.failure = undefined;
        h.ended = true;
      }
      return;
    case 'clear_facts':
      for (const h of br.hosts) h.facts = {};
      return;
    default:
      throw new AbortRun(`invalid meta action requested: ${action}`);
  }
}
