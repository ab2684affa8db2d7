// Retries of transient API failures (HTTP 429/500/502/503/504, a connection refused or reset) with
// bounded, growing delays: enough to ride out an etcd leader election or a single control plane's
// reboot, never forever. TSPLAY_KUBE_RETRY_S sets the budget (0 turns retries off).
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeTransportError } from './errors.js';
import type { RawResponse } from './transport.js';

/** how long and how often to retry */
export interface RetryPolicy {
  /** the whole budget: no retry starts after it */
  budgetMs: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** the HTTP statuses worth another try */
  statuses: readonly number[];
}

export const TRANSIENT_STATUSES = [429, 500, 502, 503, 504] as const;
const DEFAULT_BUDGET_S = 90;
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

// The default policy (budget from TSPLAY_KUBE_RETRY_S when set).
export function defaultRetry(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const v = env['TSPLAY_KUBE_RETRY_S'];
  const s = v !== undefined && v.trim() !== '' && Number.isFinite(Number(v)) && Number(v) >= 0 ? Number(v) : DEFAULT_BUDGET_S;
  return { budgetMs: s * 1000, minDelayMs: 250, maxDelayMs: 5000, statuses: TRANSIENT_STATUSES };
}

// Whether a transport failure is worth another try: refused, reset, unreachable; a timeout only for reads.
export function transientError(e: unknown, method: string): boolean {
  if (!(e instanceof KubeTransportError)) return false;
  const code = (e.cause as { code?: string } | undefined)?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  if (/socket hang up/.test(e.message)) return true;
  return method === 'GET' && /no response within/.test(e.message);
}

function retryAfterMs(r: RawResponse): number | undefined {
  const h = r.headers['retry-after'];
  const s = Number(Array.isArray(h) ? h[0] : h);
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}

// Sends with retries: transient statuses and transport failures are tried again until the budget is
// spent; the last answer (or error) is returned as it came.
export async function withRetry(method: string, send: () => Promise<RawResponse>, policy: RetryPolicy, signal?: AbortSignal): Promise<RawResponse> {
  const start = Date.now();
  let delay = policy.minDelayMs;
  for (;;) {
    let wait: number;
    try {
      const r = await send();
      if (!policy.statuses.includes(r.status)) return r;
      wait = Math.min(retryAfterMs(r) ?? delay, policy.maxDelayMs);
      if (Date.now() + wait - start > policy.budgetMs || signal?.aborted) return r;
    } catch (e) {
      wait = delay;
      if (!transientError(e, method) || Date.now() + wait - start > policy.budgetMs || signal?.aborted) throw e;
    }
    await sleep(wait, undefined, signal ? { signal } : {}).catch(() => undefined);
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
}
