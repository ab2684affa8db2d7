// Bounded waiting for the safety checks: poll a condition with a growing interval (fast when it
// clears quickly, cheap when it does not) until it holds, the time is up, or the run stops.
import { setTimeout as sleep } from 'node:timers/promises';

/** one look at a condition: ok, or why not yet */
export type Look = { ok: true } | { ok: false; why: string };

export interface WaitOptions {
  /** how long to wait at most, in seconds */
  timeoutS: number;
  signal: AbortSignal;
  /** told each time the condition still does not hold (seconds left) */
  onWait?: (why: string, remainingS: number) => void;
  /** first and largest poll interval, in ms */
  minIntervalMs?: number;
  maxIntervalMs?: number;
}

// Polls `look` until it holds or `timeoutS` passes; the last look is returned either way.
export async function waitUntil(look: () => Promise<Look>, o: WaitOptions): Promise<Look> {
  const deadline = Date.now() + Math.max(0, o.timeoutS) * 1000;
  let interval = o.minIntervalMs ?? 250;
  let reported = 0;
  for (let i = 0; i < 100_000; i++) {
    const r = await look();
    if (r.ok || Date.now() >= deadline || o.signal.aborted) return r;
    const remaining = Math.ceil((deadline - Date.now()) / 1000);
    if (Date.now() - reported > 5000 || reported === 0) {
      o.onWait?.(r.why, remaining);
      reported = Date.now();
    }
    try {
      await sleep(Math.min(interval, deadline - Date.now()), undefined, { signal: o.signal });
    } catch {
      return r;
    }
    interval = Math.min(o.maxIntervalMs ?? 5000, Math.round(interval * 1.5));
  }
  return { ok: false, why: 'gave up polling' };
}
