// Handlers: notified by name or listen topic, deduplicated per host, run in definition
// order at each flush; a handler may notify others (earlier ones run in a later pass of
// the same flush).
import { hasTemplate, templateValue } from '../expr/index.js';
import type { Task } from '../load/model.js';
import { resolveHandlers } from '../load/handlers.js';
import { failurePath, inherited } from '../load/inherit.js';
import { renderStatic } from '../load/static-vars.js';
import { RunError, type BatchRunner } from './batch.js';
import type { HostState } from './host-state.js';

// Throws the runtime ERROR! of a changed task notifying a handler that does not exist (before its
// result is reported, as in Ansible), unless ANSIBLE_ERROR_ON_MISSING_HANDLER is off.
export function checkNotify(br: BatchRunner, task: Task, forHost: string): void {
  if (br.ctx.options.errorOnMissingHandler === false) return;
  const rendered = templateValue(inherited(task, 'notify'), br.vars.scope(br.rt, forHost, task));
  for (const n of (Array.isArray(rendered) ? rendered : [rendered]).map(String)) {
    if (resolveHandlers(br.rt.play.handlers, n, (h) => handlerName(br, h)).length === 0) throw new RunError(`The requested handler '${n}' was not found in either the main handlers list nor in the listening handlers list`);
  }
}

// A handler's name as notifications match it: a templated name is rendered once with the play's
// variables (role defaults and vars, play vars, extra vars; no host's), as Ansible does; a name
// that does not render stays as written (no notification reaches it).
function handlerName(br: BatchRunner, h: Task): string | undefined {
  if (h.name === undefined || !hasTemplate(h.name)) return h.name;
  let n = renderedNames.get(h);
  if (n === undefined) {
    n = renderStatic(h.name, { ...(h.role?.defaults ?? {}), ...br.rt.play.vars, ...(h.role?.vars ?? {}), ...br.ctx.options.extraVars });
    renderedNames.set(h, n);
  }
  return n;
}

const renderedNames = new WeakMap<Task, string>();

// Records the notifications of a changed task for one host.
export function notify(br: BatchRunner, task: Task, host: HostState, forHost: string, resumed = false): void {
  const raw = inherited(task, 'notify');
  const scope = br.vars.scope(br.rt, forHost, task);
  const rendered = templateValue(raw, scope);
  const names = (Array.isArray(rendered) ? rendered : [rendered]).map(String);
  for (const n of names) {
    const hs = resolveHandlers(br.rt.play.handlers, n, (h) => handlerName(br, h));
    if (hs.length === 0) {
      const msg = `The requested handler '${n}' was not found in either the main handlers list nor in the listening handlers list`;
      if (br.ctx.options.errorOnMissingHandler !== false) throw new RunError(msg);
      br.ctx.emit({ type: 'warning', msg });
      continue;
    }
    const added = hs.filter((h) => !host.notified.has(h));
    for (const h of hs) host.notified.add(h);
    if (added.length > 0) br.ctx.emit({ type: 'notify', play: br.playNo, batch: br.batchNo, host: host.name, handlers: added.map((h) => h.name ?? h.action), ...(resumed ? { resumed: true } : {}) });
  }
}

// Runs every notified handler once, in definition order, on the hosts that were notified (one
// pass, as ansible-core's play iterator does): a handler notified by a later one waits for the next
// flush, and a handler notifying itself while it runs is not run again (the host's notification is
// cleared once the handler has run).
// A flush_handlers task inside a block (`from`): a handler's failure on a host travels from it to
// the block's rescue and always sections, as ansible-core's play iterator fails the host's block.
export async function flushHandlers(br: BatchRunner, only?: HostState[], from?: Task): Promise<void> {
  const force = br.forceHandlers;
  const eligible = (h: HostState) => !h.unreachable && !h.ended && (h.live || force) && (!only || only.includes(h));
  for (const handler of [...br.rt.play.handlers]) {
    const targets = br.hosts.filter((h) => eligible(h) && h.notified.has(handler));
    if (targets.length === 0) continue;
    const wasFailed = new Map(targets.map((h) => [h, h.failed]));
    if (force) for (const h of targets) h.failed = false;
    try {
      await br.runTaskNode(handler, targets, true);
    } finally {
      for (const h of targets) h.notified.delete(handler);
    }
    for (const h of targets) {
      if (h.failure) br.failHost(h);
      else if (wasFailed.get(h)) h.failed = true;
      else if (h.failed && from && failurePath(from).caught) {
        h.failed = false;
        br.record.travel(from, h, { failed: true, changed: false, msg: `the handler '${handler.name ?? handler.action}' failed` });
      }
    }
  }
}

