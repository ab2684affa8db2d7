// The cluster-wide run lock: who may hold it, and how a held lock stays held. A run holds a
// Kubernetes Lease (lock-lease.ts) or, for a quorum group without an API, a lock file on the
// group's first host (lock-file.ts). Either is taken atomically, renewed every quarter of its
// lifetime only while this run still holds it, confirmed before each task (and afresh before each
// disruption), and released only if still ours. A run that finds it lost the lock stops; past
// its lifetime without a renewal it acts only once a renewal proves nobody took it meanwhile.
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export const LEASE_NAME = 'tsplay-run-lock';
const DEFAULT_TTL_S = 120;

/** who holds (or wants) the lock */
export interface LockOwner {
  run: string;
  user: string;
  playbook: string;
  host: string;
  pid: number;
  /** the holder machine's boot id: with host and pid, tells a dead holder from a live one */
  boot?: string;
  /** NAMESPACE/NAME of the Pod holding it (an in-cluster run) */
  pod?: string;
}

/** the lock as stored: its owner and when it expires unless renewed */
export interface LockRecord extends LockOwner {
  expires: string;
}

/** what taking the lock may do and whom to tell */
export interface LockOptions {
  /** --break-lock: true, or the run id of the live lock to take over */
  breakLock?: boolean | string;
  /** the run being resumed: a bare --break-lock may take over its lock */
  resumedFrom?: string;
  ttlS: number;
  /** a takeover, with the old holder */
  note(msg: string): void;
  /** called once, when the lock is found lost */
  onLost(why: string): void;
  /** whether a live-looking holder is provably gone (an in-cluster run's Pod ended or deleted) */
  holderGone?(holder: LockRecord): Promise<boolean>;
}

/** one renewal or release: done (at the time written), lost (another holder, or gone), or failed for now */
export type LockStep = { ok: true; at: number } | { lost: string } | { error: string };

/** what a lock kind does once held */
export interface LockBackend {
  where: string;
  renew(): Promise<LockStep>;
  release(): Promise<LockStep>;
}

export interface HeldLock {
  where: string;
  /** why the lock is no longer this run's, once known */
  readonly lost: string | undefined;
  /** undefined while the lock is still held; renews first when the last confirmation is old (or
   * `fresh`); past the lifetime it waits (bounded, until `signal`) for a renewal to prove it still held */
  confirm(fresh?: boolean, signal?: AbortSignal): Promise<string | undefined>;
  /** releases it if still ours; says truthfully what happened */
  release(): Promise<{ released: boolean; msg: string }>;
  /** stops renewing it without releasing it: the run handed off, its successor takes it over */
  keep?(): void;
}

export class LockError extends Error {}

// The lock's lifetime: TSPLAY_LOCK_TTL_S, else 120 s.
export function lockTtlS(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env['TSPLAY_LOCK_TTL_S']);
  return Number.isFinite(n) && n >= 2 ? n : DEFAULT_TTL_S;
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

// This process as a lock owner.
export function lockOwner(run: string, playbook: string): LockOwner {
  let user = process.env['USER'] ?? '';
  try {
    user ||= userInfo().username;
  } catch {
    user ||= 'unknown';
  }
  const boot = bootId();
  return { run, user, playbook, host: hostname(), pid: process.pid, ...(boot ? { boot } : {}) };
}

// "run R by U (playbook), expires T": who holds a lock, for messages.
export function describeLock(l: Partial<LockRecord>): string {
  const where = l.host ? ` on ${l.host}${l.pid ? ` pid ${l.pid}` : ''}` : '';
  return `run ${l.run ?? '?'} by ${l.user ?? '?'} (${l.playbook ?? '?'})${where}, expires ${l.expires ?? '?'}`;
}

// The holder's process is provably gone: same machine, same boot, and no such process (or not tsplay).
function holderDead(h: LockRecord, me: LockOwner): boolean {
  if (!h.pid || h.host !== me.host || !h.boot || h.boot !== me.boot || h.pid === me.pid) return false;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return !/tsplay|node/.test(readFileSync(`/proc/${h.pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

export type Verdict = { take: true; takeover?: string } | { take: false; why: string };

// Whether this run may take a lock held as `held` (undefined: unreadable, shown as `raw`).
export function judgeHolder(held: LockRecord | undefined, raw: string, me: LockOwner, o: Pick<LockOptions, 'breakLock' | 'resumedFrom'>, where: string, now = Date.now(), gone = false): Verdict {
  if (!held || !held.run) {
    if (o.breakLock) return { take: true, takeover: `unreadable run lock ${where} (${raw.slice(0, 200)})` };
    return { take: false, why: `the run lock ${where} cannot be read (${raw.slice(0, 200) || 'empty'}); if no run holds it, use --break-lock` };
  }
  if (held.run === me.run) return { take: true };
  const expires = Date.parse(held.expires);
  if (!Number.isFinite(expires) || expires <= now) return { take: true, takeover: `expired run lock of ${describeLock(held)}` };
  if (holderDead(held, me)) return { take: true, takeover: `run lock of ${describeLock(held)}: its process is gone` };
  if (gone) return { take: true, takeover: `run lock of ${describeLock(held)}: its Pod ${held.pod} is gone` };
  const named = typeof o.breakLock === 'string' ? o.breakLock : o.breakLock === true ? o.resumedFrom : undefined;
  if (named === held.run) return { take: true, takeover: `live run lock of ${describeLock(held)} (--break-lock ${held.run})` };
  const hint = o.breakLock && named !== held.run ? ` (--break-lock takes over a live lock only when it names the run holding it${named ? `, not ${named}` : ''})` : '';
  return { take: false, why: `the cluster is locked by ${describeLock(held)} (${where}); wait for it, or if that run is dead, --break-lock ${held.run}${hint}` };
}

// A held lock: renewed every quarter of its lifetime while still ours, confirmed before each task.
export class RunLock implements HeldLock {
  private confirmedAt: number;
  private inflight: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private lastError: string | undefined;
  private done = false;
  lost: string | undefined;

  constructor(private readonly b: LockBackend, at: number, private readonly ttlMs: number, private readonly onLost: (why: string) => void) {
    this.confirmedAt = at;
    this.timer = setInterval(() => void this.renew(), Math.max(500, ttlMs / 4));
    this.timer.unref();
  }

  get where(): string {
    return this.b.where;
  }

  private lose(why: string): void {
    if (this.lost) return;
    this.lost = why;
    clearInterval(this.timer);
    this.onLost(why);
  }

  private renew(): Promise<void> {
    if (this.lost || this.done) return Promise.resolve();
    this.inflight ??= (async () => {
      try {
        const r = await this.b.renew();
        if ('ok' in r) {
          this.confirmedAt = r.at;
          this.lastError = undefined;
        } else if ('lost' in r) this.lose(r.lost);
        else this.lastError = r.error;
      } catch (e) {
        this.lastError = (e as Error).message;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  async confirm(fresh = false, signal?: AbortSignal): Promise<string | undefined> {
    if (this.lost || this.done) return this.lost ?? `the run lock (${this.where}) was released`;
    if (!fresh && Date.now() - this.confirmedAt < this.ttlMs / 4) return undefined;
    await this.renew();
    // Past its lifetime another run may have taken it: act only once a renewal proves it was not
    // (a renewal is a compare-and-swap with this run's last write). Wait for that (the API of a
    // rebooting control plane comes back), bounded.
    const until = Date.now() + Math.max(60_000, this.ttlMs * 5);
    while (!this.lost && Date.now() - this.confirmedAt >= this.ttlMs && Date.now() < until && !signal?.aborted) {
      await sleep(Math.min(2000, this.ttlMs / 4), undefined, signal ? { signal } : {}).catch(() => undefined);
      await this.renew();
    }
    if (this.lost || signal?.aborted) return this.lost ?? 'interrupted';
    const age = Date.now() - this.confirmedAt;
    if (age >= this.ttlMs) this.lose(`the run lock (${this.where}) could not be renewed for ${Math.round(age / 1000)}s, longer than its ${Math.round(this.ttlMs / 1000)}s lifetime: ${this.lastError ?? 'no answer'}`);
    return this.lost;
  }

  keep(): void {
    clearInterval(this.timer);
    this.done = true;
  }

  async release(): Promise<{ released: boolean; msg: string }> {
    clearInterval(this.timer);
    await this.inflight;
    this.done = true;
    if (this.lost) return { released: false, msg: `not released: ${this.lost}` };
    let r: LockStep;
    try {
      r = await this.b.release();
    } catch (e) {
      r = { error: (e as Error).message };
    }
    if ('ok' in r) return { released: true, msg: this.where };
    if ('lost' in r) return { released: false, msg: `${this.where} not released: ${r.lost}` };
    return { released: false, msg: `${this.where} NOT released: ${r.error}; it expires by itself within ${Math.round(this.ttlMs / 1000)}s` };
  }
}
