// Handlers: notified by name or listen topic, deduplicated per host, run in definition
// order at each flush; a handler may notify others (earlier ones run in a later pass of
// the same flush).
import { templateValue } from '../expr/index.js';
import type { Task } from '../load/model.js';
import { resolveHandlers } from '../load/handlers.js';
import { RunError, type BatchRunner } from './batch.js';
import type { HostState } from './host-state.js';

// Records the notifications of a changed task for one host.
export function notify(br: BatchRunner, task: Task, host: HostState, forHost: string, resumed = false): void {
  const raw = task.kw.notify;
  const scope = br.vars.scope(br.rt, forHost, task);
  const rendered = templateValue(raw, scope);
  const names = (Array.isArray(rendered) ? rendered : [rendered]).map(String);
  for (const n of names) {
    const hs = resolveHandlers(br.rt.play.handlers, n);
    if (hs.length === 0) {
      throw new RunError(`The requested handler '${n}' was not found in either the main handlers list nor in the listening handlers list`);
    }
    const added = hs.filter((h) => !host.notified.has(h));
    for (const h of hs) host.notified.add(h);
    if (added.length > 0) br.ctx.emit({ type: 'notify', play: br.playNo, batch: br.batchNo, host: host.name, handlers: added.map((h) => h.name ?? h.action), ...(resumed ? { resumed: true } : {}) });
  }
}

// Runs every notified handler, in definition order, on the hosts that were notified.
export async function flushHandlers(br: BatchRunner, only?: HostState[]): Promise<void> {
  const force = br.ctx.options.forceHandlers || br.rt.play.force_handlers === true;
  const eligible = (h: HostState) => !h.unreachable && !h.ended && (h.live || force) && (!only || only.includes(h));
  for (let pass = 0; pass < 100; pass++) {
    let ran = false;
    for (const handler of br.rt.play.handlers) {
      const targets = br.hosts.filter((h) => eligible(h) && h.notified.has(handler));
      if (targets.length === 0) continue;
      for (const h of targets) h.notified.delete(handler);
      ran = true;
      const wasFailed = new Map(targets.map((h) => [h, h.failed]));
      if (force) for (const h of targets) h.failed = false;
      await br.runTaskNode(handler, targets, true);
      for (const h of targets) {
        if (h.failure) br.failHost(h);
        else if (wasFailed.get(h)) h.failed = true;
      }
    }
    if (!ran) return;
  }
}
