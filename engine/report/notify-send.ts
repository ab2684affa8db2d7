// Sends a run's notices and metrics: webhook messages (Slack-compatible JSON `{"text": ...}`) and
// the Pushgateway's text format, each with a timeout and bounded retries, in order, without ever
// failing or slowing the run: `flush()` waits (bounded) for what is still in flight at the end.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RunEvent } from '../run/events.js';
import { metricsText, RunNotifier, stalledNotice, type Notice } from './notify.js';

export interface NotifyTargets {
  /** a Slack-compatible incoming webhook */
  webhook?: string;
  /** a Prometheus Pushgateway base URL */
  pushgateway?: string;
}

export interface SendOptions {
  timeoutMs?: number;
  attempts?: number;
  /** told when a delivery finally fails (the URL's path and query are never in the message) */
  warn?: (msg: string) => void;
}

// A URL as it may be shown: scheme and host only (webhook paths carry tokens).
export function redactUrl(u: string): string {
  try {
    const p = new URL(u);
    return `${p.protocol}//${p.host}/…`;
  } catch {
    return '(an invalid URL)';
  }
}

function send(url: string, method: string, body: string, contentType: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new Error('invalid URL'));
      return;
    }
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method, timeout: timeoutMs, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

// Delivers one request: retried on errors, 429 and 5xx; gives up after `attempts`.
async function deliver(url: string, method: string, body: string, type: string, o: Required<Omit<SendOptions, 'warn'>> & SendOptions): Promise<void> {
  let last = '';
  for (let i = 0; i < o.attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** (i - 1)));
    try {
      const status = await send(url, method, body, type, o.timeoutMs);
      if (status >= 200 && status < 300) return;
      last = `HTTP ${status}`;
      if (status < 500 && status !== 429) break;
    } catch (e) {
      last = (e as Error).message;
    }
  }
  o.warn?.(`notification to ${redactUrl(url)} not delivered: ${last}`);
}

// An event listener that notifies the targets; flush() resolves when the last delivery is done.
export function notifyListener(targets: NotifyTargets, opts: SendOptions = {}): { listener: (e: RunEvent) => void; flush: (maxMs?: number) => Promise<void> } {
  const o = { timeoutMs: opts.timeoutMs ?? 5000, attempts: opts.attempts ?? 3, ...(opts.warn ? { warn: opts.warn } : {}) };
  const notifier = new RunNotifier();
  let chain: Promise<void> = Promise.resolve();
  const queue = (f: () => Promise<void>) => {
    chain = chain.then(f, f);
  };
  const push = () => {
    if (!targets.pushgateway || !notifier.metrics.run) return;
    const url = `${targets.pushgateway.replace(/\/+$/, '')}/metrics/job/tsplay/run/${encodeURIComponent(notifier.metrics.run)}`;
    const body = metricsText(notifier.metrics);
    queue(() => deliver(url, 'PUT', body, 'text/plain; version=0.0.4', o));
  };
  const post = (n: Notice) => {
    if (!targets.webhook) return;
    const url = targets.webhook;
    queue(() => deliver(url, 'POST', JSON.stringify({ text: n.text }), 'application/json', o));
  };
  return {
    listener: (e) => {
      const notices = notifier.onEvent(e);
      for (const n of notices) post(n);
      if (notices.length > 0) push();
    },
    flush: async (maxMs = 20_000) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([chain, new Promise<void>((r) => (timer = setTimeout(r, maxMs)))]);
      if (timer) clearTimeout(timer);
    },
  };
}

// Tells the targets that a chain of runs is stalled (the metric, then the message); never throws.
export async function notifyStalled(targets: NotifyTargets, stall: Parameters<typeof stalledNotice>[0], opts: SendOptions = {}): Promise<void> {
  const o = { timeoutMs: opts.timeoutMs ?? 5000, attempts: opts.attempts ?? 3, ...(opts.warn ? { warn: opts.warn } : {}) };
  const { notice, metrics } = stalledNotice(stall);
  if (targets.pushgateway) await deliver(`${targets.pushgateway.replace(/\/+$/, '')}/metrics/job/tsplay/run/${encodeURIComponent(stall.run)}`, 'PUT', metricsText(metrics), 'text/plain; version=0.0.4', o);
  if (targets.webhook) await deliver(targets.webhook, 'POST', JSON.stringify({ text: notice.text }), 'application/json', o);
}
