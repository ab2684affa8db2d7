// The run lock under faults, in process: two runs taking it in the same millisecond (50 rounds for
// the Lease, 50 for the lock file, with and without flock), a live lock broken by name, renewal and
// release that never touch another run's lock, expiry, a dead holder, and a release that fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../engine/connection/local.js';
import type { ShellCommand } from '../../engine/connection/command.js';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import { judgeHolder, LockError, lockOwner, type HeldLock, type LockOptions, type LockOwner } from '../../engine/run/lock.js';
import { fileLock } from '../../engine/run/lock-file.js';
import { leaseLock } from '../../engine/run/lock-lease.js';
import { makeLease, startKubeApi, type KubeApi } from '../../lab/kube/index.js';

const ROUNDS = 50;
let api: KubeApi;
let dir: string;
const held: HeldLock[] = [];

beforeAll(async () => {
  api = await startKubeApi({ controllers: false });
  dir = mkdtempSync(join(tmpdir(), 'tsplay-lock-'));
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const l of held.splice(0)) await l.release();
  api.store.list('leases', { namespace: 'kube-system' }).forEach((l) => api.store.delete('leases', l.metadata.name ?? '', 'kube-system'));
});

const client = () => new KubeClient(loadKubeconfig({ text: api.kubeconfig() }), { timeoutMs: 5000, retry: { budgetMs: 500, minDelayMs: 20, maxDelayMs: 50 } });
// every run of these tests lives in this process (so none of them looks dead)
const owner = (run: string): LockOwner => lockOwner(run, '/pb/k8s-reboot.yml');

function opts(extra: Partial<LockOptions> = {}): LockOptions & { notes: string[]; losses: string[] } {
  const notes: string[] = [];
  const losses: string[] = [];
  return { ttlS: 120, note: (m) => notes.push(m), onLost: (w) => losses.push(w), notes, losses, ...extra };
}

const local = new LocalConnection('localhost');
const exec = (env?: Record<string, string>) => (cmd: ShellCommand) => (env ? local.exec(cmd, { env }) : local.exec(cmd));

async function race(take: (run: string) => Promise<HeldLock>): Promise<{ winners: number; losers: string[] }> {
  const r = await Promise.allSettled([take(`r${Math.random()}`.slice(0, 8) + 'a'), take(`r${Math.random()}`.slice(0, 8) + 'b')]);
  const won = r.filter((x): x is PromiseFulfilledResult<HeldLock> => x.status === 'fulfilled').map((x) => x.value);
  const losers = r.filter((x): x is PromiseRejectedResult => x.status === 'rejected').map((x) => String((x.reason as Error).message));
  for (const l of won) await l.release();
  return { winners: won.length, losers };
}

describe('two runs taking the lock in the same millisecond', () => {
  it(`Lease: exactly one holds it, ${ROUNDS} rounds from free and ${ROUNDS} from expired`, { timeout: 60_000 }, async () => {
    const c = client();
    for (let i = 0; i < ROUNDS; i++) {
      const r = await race((run) => leaseLock(c, owner(run), opts()));
      expect(r.winners, `round ${i}`).toBe(1);
      expect(r.losers[0]).toMatch(/the cluster is locked by run \S+ by \S+ \(\/pb\/k8s-reboot\.yml\)/);
    }
    for (let i = 0; i < ROUNDS; i++) {
      api.store.add(makeLease('tsplay-run-lock', { holderIdentity: 'crashed', leaseDurationSeconds: 1, renewTime: '2020-01-01T00:00:00.000000Z' }));
      const r = await race((run) => leaseLock(c, owner(run), opts()));
      expect(r.winners, `round ${i}`).toBe(1);
      expect(api.store.list('leases', { namespace: 'kube-system' })).toHaveLength(0);
    }
    c.close();
  });

  it(`lock file: exactly one holds it, ${ROUNDS} rounds with flock and ${ROUNDS} with ln alone`, { timeout: 120_000 }, async () => {
    const file = join(dir, 'race', 'var', 'tmp', 'tsplay-run.lock');
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const t of ['sh', 'cat', 'ln', 'rm', 'mv', 'mkdir', 'dirname', 'printf']) {
      const p = spawnSync('/bin/sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
      if (p.startsWith('/')) symlinkSync(p, join(bin, t));
    }
    for (const env of [undefined, { PATH: bin }]) {
      for (let i = 0; i < ROUNDS; i++) {
        const r = await race((run) => fileLock(exec(env), file, 'localhost', owner(run), opts()));
        expect(r.winners, `round ${i}${env ? ' without flock' : ''}`).toBe(1);
        expect(r.losers[0]).toMatch(/the cluster is locked by run \S+ .*tsplay-run\.lock on localhost/);
      }
    }
    writeFileSync(file, JSON.stringify({ run: 'crashed', user: 'u', playbook: 'p', host: 'h', pid: 1, expires: '2020-01-01T00:00:00Z' }) + '\n');
    const r = await race((run) => fileLock(exec(), file, 'localhost', owner(run), opts()));
    expect(r.winners).toBe(1);
  });
});

describe.each([
  ['Lease', (o: LockOwner, x: LockOptions) => leaseLock(client(), o, x)],
  ['lock file', (o: LockOwner, x: LockOptions) => fileLock(exec(), join(dir, 'steal', 'tsplay-run.lock'), 'localhost', o, x)],
] as const)('%s: stealing, renewing, releasing', (_kind, take) => {
  it('--break-lock takes over a live lock only when it names its run; the old holder is told at its next renewal and releases nothing', async () => {
    const a = opts();
    const A = await take(owner('runA'), a);
    const bare = await take(owner('runB'), opts({ breakLock: true })).catch((e: Error) => e);
    expect(bare).toBeInstanceOf(LockError);
    expect(String(bare)).toMatch(/locked by run runA .*--break-lock runA.*only when it names the run holding it/);
    const wrong = await take(owner('runB'), opts({ breakLock: 'runX' })).catch((e: Error) => e);
    expect(String(wrong)).toMatch(/not runX/);
    const b = opts({ breakLock: 'runA' });
    const B = await take(owner('runB'), b);
    held.push(B);
    expect(b.notes.join('\n')).toMatch(/took over the live run lock of run runA by \S+ \(\/pb\/k8s-reboot\.yml\)/);
    // A renews (its timer, or the check before its next task): it finds out and stops
    expect(await A.confirm(true)).toMatch(/taken over by run runB/);
    expect(a.losses).toHaveLength(1);
    const rel = await A.release();
    expect(rel.released).toBe(false);
    // B still holds it: a third run is refused
    const C = await take(owner('runC'), opts()).catch((e: Error) => e);
    expect(String(C)).toMatch(/locked by run runB/);
    expect(await B.confirm(true)).toBeUndefined();
  });

  it('a bare --break-lock names the run being resumed; an expired lock is taken over without it, logging the holder', async () => {
    const A = await take(owner('runA'), opts());
    const b = opts({ breakLock: true, resumedFrom: 'runA' });
    const B = await take(owner('runB'), b);
    expect(b.notes[0]).toMatch(/live run lock of run runA/);
    expect((await A.release()).released).toBe(false);
    expect((await B.release()).released).toBe(true);
    const short = await take(owner('runS'), opts({ ttlS: 2 }));
    await new Promise((r) => setTimeout(r, 50));
    // S stops renewing (suspended); its lock expires and T takes it over without --break-lock
    (short as unknown as { timer: NodeJS.Timeout }).timer.unref();
    clearInterval((short as unknown as { timer: NodeJS.Timeout }).timer);
    await new Promise((r) => setTimeout(r, 2100));
    const t = opts();
    const T = await take(owner('runT'), t);
    held.push(T);
    expect(t.notes[0]).toMatch(/took over the expired run lock of run runS/);
    // S comes back: it must not overwrite T's lock
    expect(await short.confirm()).toMatch(/taken over by run runT/);
    expect((await short.release()).released).toBe(false);
    expect(await T.confirm(true)).toBeUndefined();
  });

  it('a holder whose process is gone (same machine, same boot) is taken over at once', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number;
    const me = lockOwner('runD', '/pb/x.yml');
    const dead = await take({ ...me, pid: gone }, opts());
    const n = opts();
    const live = await take(owner('runE'), n);
    held.push(live);
    expect(n.notes[0]).toMatch(/its process is gone/);
    expect((await dead.release()).released).toBe(false);
  });
});

describe('releasing', () => {
  it('a failed release says so (the API is gone), and does not print "released"', async () => {
    const other = await startKubeApi({ controllers: false });
    const c = new KubeClient(loadKubeconfig({ text: other.kubeconfig() }), { timeoutMs: 1000, retry: { budgetMs: 200, minDelayMs: 20, maxDelayMs: 50 } });
    const l = await leaseLock(c, owner('runR'), opts());
    await other.close();
    const r = await l.release();
    expect(r.released).toBe(false);
    expect(r.msg).toMatch(/NOT released: .*expires by itself/);
  });

  it('the lock file is removed only while it is still this run\'s', async () => {
    const file = join(dir, 'rel', 'tsplay-run.lock');
    const l = await fileLock(exec(), file, 'localhost', owner('runF'), opts());
    writeFileSync(file, JSON.stringify({ run: 'runG', user: 'u', playbook: 'p', host: hostname(), pid: 1, expires: new Date(Date.now() + 60_000).toISOString() }) + '\n');
    const r = await l.release();
    expect(r).toMatchObject({ released: false });
    expect(r.msg).toMatch(/taken over by run runG/);
    expect(JSON.parse(readFileSync(file, 'utf8')).run).toBe('runG');
  });
});

describe('judgeHolder', () => {
  const me = lockOwner('me', 'p');
  it('an unreadable lock is refused, or taken with --break-lock', () => {
    expect(judgeHolder(undefined, '{"ru', me, {}, 'f')).toMatchObject({ take: false, why: expect.stringMatching(/cannot be read .*--break-lock/) });
    expect(judgeHolder(undefined, '{"ru', me, { breakLock: true }, 'f')).toMatchObject({ take: true });
  });
});

describe('past its lifetime without a renewal', () => {
  it('the holder waits for the API and keeps the lock when nobody took it meanwhile (a renewal is a compare-and-swap)', { timeout: 30_000 }, async () => {
    let down = false;
    const flaky = await startKubeApi({ controllers: false, intercept: (_req, res) => {
      if (!down) return false;
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 503, message: 'the control plane is rebooting' }));
      return true;
    } });
    const c = new KubeClient(loadKubeconfig({ text: flaky.kubeconfig() }), { timeoutMs: 1000, retry: { budgetMs: 100, minDelayMs: 20, maxDelayMs: 50 } });
    const o = opts({ ttlS: 2 });
    const l = await leaseLock(c, owner('runW'), o);
    down = true;
    await new Promise((r) => setTimeout(r, 2300));
    setTimeout(() => (down = false), 1500);
    const t0 = Date.now();
    expect(await l.confirm()).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(o.losses).toEqual([]);
    expect((await l.release()).released).toBe(true);
    await flaky.close();
  });
});
