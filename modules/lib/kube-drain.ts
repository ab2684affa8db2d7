// Removing a node's pods like `kubectl drain`: every pod concurrently through the eviction API
// (or DELETE with disable_eviction), 429 (PodDisruptionBudget) retried every retry_delay until the
// timeout, then waiting until each pod is gone or replaced by a new UID (force-deleting, with
// force_stuck_after, a pod stuck Terminating that long). Everything is bounded.
import { setMaxListeners } from 'node:events';
import { KubeApiError, type KubeClient } from '../../engine/kube/index.js';
import { keyOf, pause, type Obj } from './kube-objects.js';

// How to run the drain.
export interface DrainRun {
  deadline: number;
  retryDelayMs: number;
  gracePeriod?: number | undefined;
  disableEviction: boolean;
  skipWaitForDeleteTimeout: number;
  /** seconds; an evicted pod still Terminating this long is force-deleted (grace period 0); 0 = never */
  forceStuckAfter?: number;
  signal: AbortSignal;
  progress: (msg: string, data: Record<string, unknown>) => void;
}

// What happened to the pods.
export interface DrainOutcome {
  evicted: string[];
  /** pods still refused (429) when the time ran out, with the apiserver's message */
  blocked: { pod: string; message: string }[];
  /** pods whose eviction failed for another reason */
  failed: { pod: string; message: string }[];
  /** evicted pods still present when the time ran out */
  terminating: string[];
  /** pods force-deleted after being stuck Terminating for forceStuckAfter seconds */
  forced: string[];
  aborted: boolean;
}

type PodEnd = 'gone' | 'blocked' | 'failed' | 'terminating' | 'aborted';

class Tracker {
  private readonly left: Set<string>;
  private readonly blocked = new Map<string, string>();
  private last = 0;
  constructor(private readonly node: string, pods: string[], private readonly r: DrainRun) {
    this.left = new Set(pods);
  }
  block(pod: string, message: string): void {
    const fresh = !this.blocked.has(pod);
    this.blocked.set(pod, message);
    this.emit(fresh);
  }
  done(pod: string): void {
    this.left.delete(pod);
    this.blocked.delete(pod);
    this.emit(true);
  }
  private emit(force: boolean): void {
    if (!force && Date.now() - this.last < this.r.retryDelayMs) return;
    this.last = Date.now();
    const blocked = [...this.blocked.keys()];
    const tail = blocked.length ? `; blocked by a disruption budget: ${blocked.join(', ')}` : '';
    this.r.progress(`draining ${this.node}: ${this.left.size} pod(s) left${tail}`, { node: this.node, left: this.left.size, blocked });
  }
}

async function evictOne(client: KubeClient, pod: Obj, r: DrainRun, t: Tracker): Promise<{ end: PodEnd; message?: string }> {
  const ns = String(pod['metadata']?.namespace);
  const name = String(pod['metadata']?.name);
  const grace = r.gracePeriod !== undefined && r.gracePeriod >= 0 ? { gracePeriodSeconds: r.gracePeriod } : {};
  for (;;) {
    if (r.signal.aborted) return { end: 'aborted' };
    let refusal: string;
    try {
      if (r.disableEviction) {
        await client.delete('pods', name, { namespace: ns, ignoreNotFound: true, ...grace });
        return { end: 'gone' };
      }
      const res = await client.evict(ns, name, grace);
      if (res.outcome !== 'blocked') return { end: 'gone' };
      refusal = [res.message, ...res.causes.map((c) => c.message ?? '')].filter(Boolean).join(' ');
    } catch (e) {
      // a namespace being deleted refuses evictions for a moment: retry like kubectl
      if (!(e instanceof KubeApiError && e.status === 403 && /being terminated/.test(e.message))) return { end: 'failed', message: e instanceof Error ? e.message : String(e) };
      refusal = e.message;
    }
    t.block(`${ns}/${name}`, refusal);
    if (Date.now() + r.retryDelayMs > r.deadline) return { end: 'blocked', message: refusal };
    if (!(await pause(r.retryDelayMs, r.signal))) return { end: 'aborted' };
  }
}

async function waitGone(client: KubeClient, pod: Obj, r: DrainRun, forced: string[]): Promise<PodEnd> {
  const ns = String(pod['metadata']?.namespace);
  const name = String(pod['metadata']?.name);
  const uid = pod['metadata']?.uid;
  const interval = Math.min(1000, r.retryDelayMs);
  const evictedAt = Date.now();
  for (;;) {
    const cur = await client.find('pods', name, { namespace: ns });
    if (!cur || cur['metadata']?.uid !== uid) return 'gone';
    const del = cur['metadata']?.deletionTimestamp as string | undefined;
    if (r.skipWaitForDeleteTimeout > 0 && del && Date.now() - Date.parse(del) > r.skipWaitForDeleteTimeout * 1000) return 'gone';
    // stuck Terminating (a finalizer, a kubelet that never confirms): force it, once
    const since = del ? Math.min(evictedAt, Date.parse(del)) : evictedAt;
    if ((r.forceStuckAfter ?? 0) > 0 && del && !forced.includes(`${ns}/${name}`) && Date.now() - since >= (r.forceStuckAfter ?? 0) * 1000) {
      forced.push(`${ns}/${name}`);
      r.progress(`draining: pod ${ns}/${name} stuck Terminating for ${Math.round((Date.now() - since) / 1000)}s: force-deleting it (grace period 0)`, { pod: `${ns}/${name}`, forced: true });
      await client.delete('pods', name, { namespace: ns, gracePeriodSeconds: 0, ignoreNotFound: true });
      continue;
    }
    if (Date.now() + interval > r.deadline) return 'terminating';
    if (!(await pause(interval, r.signal))) return 'aborted';
  }
}

// Evicts (or deletes) every pod concurrently and waits for them to go; never throws for a pod's failure.
export async function evictPods(client: KubeClient, node: string, pods: Obj[], r: DrainRun): Promise<DrainOutcome> {
  const out: DrainOutcome = { evicted: [], blocked: [], failed: [], terminating: [], forced: [], aborted: false };
  // every pod's waits listen on the run's signal at once
  setMaxListeners(Math.max(10, 2 * pods.length + 10), r.signal);
  const t = new Tracker(node, pods.map(keyOf), r);
  await Promise.all(pods.map(async (pod) => {
    const key = keyOf(pod);
    const ev = await evictOne(client, pod, r, t);
    if (ev.end === 'blocked') out.blocked.push({ pod: key, message: ev.message ?? '' });
    else if (ev.end === 'failed') out.failed.push({ pod: key, message: ev.message ?? '' });
    else if (ev.end === 'aborted') out.aborted = true;
    if (ev.end !== 'gone') return;
    out.evicted.push(key);
    const w = await waitGone(client, pod, r, out.forced).catch(() => 'terminating' as const);
    if (w === 'gone') t.done(key);
    else if (w === 'aborted') out.aborted = true;
    else out.terminating.push(key);
  }));
  for (const list of [out.evicted, out.terminating, out.forced]) list.sort();
  out.blocked.sort((a, b) => a.pod.localeCompare(b.pod));
  out.failed.sort((a, b) => a.pod.localeCompare(b.pod));
  return out;
}
