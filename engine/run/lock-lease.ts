// The run lock as a Kubernetes Lease (kube-system/tsplay-run-lock), with optimistic concurrency:
// it is created (POST) or taken over (PUT with the resourceVersion read), renewed with the
// resourceVersion of this run's own last write (a conflict means someone else wrote it), and
// deleted with that resourceVersion as a precondition, so a run never renews, overwrites or
// deletes a lease another run holds.
import type { KubeClient, RawResponse } from '../kube/index.js';
import { describeLock, judgeHolder, LEASE_NAME, LockError, RunLock, type HeldLock, type LockOptions, type LockOwner, type LockRecord, type LockStep } from './lock.js';

type Lease = { metadata?: { resourceVersion?: string; annotations?: Record<string, string> }; spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number; leaseTransitions?: number } };

const COLLECTION = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';
const PATH = `${COLLECTION}/${LEASE_NAME}`;
const WHERE = `Lease kube-system/${LEASE_NAME}`;
const A = 'tsplay.dev/';

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

// The holder a Lease records (undefined when it names none).
export function leaseHolder(lease: Lease): LockRecord | undefined {
  const run = lease.spec?.holderIdentity;
  if (!run) return undefined;
  const a = lease.metadata?.annotations ?? {};
  const expiry = Date.parse(lease.spec?.renewTime ?? '') + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
  return {
    run,
    user: a[`${A}user`] ?? '?',
    playbook: a[`${A}playbook`] ?? '?',
    host: a[`${A}host`] ?? '',
    pid: Number(a[`${A}pid`] ?? 0),
    ...(a[`${A}boot`] ? { boot: a[`${A}boot`] } : {}),
    ...(a[`${A}pod`] ? { pod: a[`${A}pod`] } : {}),
    expires: Number.isFinite(expiry) ? new Date(expiry).toISOString() : '',
  };
}

function why(r: RawResponse): string {
  const msg = typeof r.body === 'object' && r.body && typeof r.body.message === 'string' ? r.body.message : JSON.stringify(r.body ?? '').slice(0, 200);
  return `HTTP ${r.status}: ${msg}`;
}

// Takes the Lease lock on a cluster's API (refused with the holder while another run holds it).
export async function leaseLock(client: KubeClient, me: LockOwner, o: LockOptions): Promise<HeldLock> {
  const ttlMs = o.ttlS * 1000;
  let rv: string | undefined;
  let acquired = 0;
  let transitions = 0;
  const body = (at: number, resourceVersion?: string) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: LEASE_NAME,
      namespace: 'kube-system',
      ...(resourceVersion ? { resourceVersion } : {}),
      annotations: { [`${A}run`]: me.run, [`${A}user`]: me.user, [`${A}playbook`]: me.playbook, [`${A}host`]: me.host, [`${A}pid`]: String(me.pid), ...(me.boot ? { [`${A}boot`]: me.boot } : {}), ...(me.pod ? { [`${A}pod`]: me.pod } : {}), [`${A}expires`]: new Date(at + ttlMs).toISOString() },
    },
    spec: { holderIdentity: me.run, leaseDurationSeconds: o.ttlS, acquireTime: microTime(acquired), renewTime: microTime(at), leaseTransitions: transitions },
  });
  const keep = (r: RawResponse) => {
    rv = (r.body as Lease).metadata?.resourceVersion;
  };
  for (let attempt = 0; attempt < 8; attempt++) {
    const cur = await client.request('GET', PATH);
    const at = Date.now();
    if (cur.status === 404) {
      acquired = at;
      const r = await client.request('POST', COLLECTION, body(at));
      if (r.status === 200 || r.status === 201) {
        keep(r);
        return held(client, me, o, at, () => rv, keep, (at2) => body(at2, rv));
      }
      if (r.status === 409) continue;
      throw new LockError(`cannot take the run lock (${WHERE}): ${why(r)}`);
    }
    if (cur.status !== 200) throw new LockError(`cannot read the run lock (${WHERE}): ${why(cur)}`);
    const lease = cur.body as Lease;
    const holder = leaseHolder(lease);
    const live = holder && holder.run !== me.run && Date.parse(holder.expires) > at;
    const gone = live && holder.pod && o.holderGone ? await o.holderGone(holder).catch(() => false) : false;
    const v = judgeHolder(holder, JSON.stringify(lease.spec ?? {}), me, o, WHERE, at, gone);
    if (!v.take) throw new LockError(v.why);
    transitions = (lease.spec?.leaseTransitions ?? 0) + (holder?.run === me.run ? 0 : 1);
    acquired = holder?.run === me.run ? acquired || at : at;
    const r = await client.request('PUT', PATH, body(at, lease.metadata?.resourceVersion));
    if (r.status === 200) {
      keep(r);
      if (v.takeover) o.note(`took over the ${v.takeover}`);
      return held(client, me, o, at, () => rv, keep, (at2) => body(at2, rv));
    }
    if (r.status === 409 || r.status === 404) continue;
    throw new LockError(`cannot take the run lock (${WHERE}): ${why(r)}`);
  }
  throw new LockError(`cannot take the run lock (${WHERE}): it kept changing while this run tried (another run taking it at the same moment?)`);
}

function held(client: KubeClient, me: LockOwner, o: LockOptions, at: number, rv: () => string | undefined, keep: (r: RawResponse) => void, body: (at: number) => unknown): HeldLock {
  // after a conflict: still ours (someone else touched it, keeping the holder) → the new version; else lost
  const recheck = async (): Promise<LockStep | 'retry'> => {
    const g = await client.request('GET', PATH);
    if (g.status === 404) return { lost: `the run lock (${WHERE}) was deleted while this run held it` };
    if (g.status !== 200) return { error: why(g) };
    const h = leaseHolder(g.body as Lease);
    if (h?.run !== me.run) return { lost: h ? `the run lock (${WHERE}) was taken over by ${describeLock(h)}` : `the run lock (${WHERE}) was cleared while this run held it` };
    keep(g);
    return 'retry';
  };
  const backend = {
    where: WHERE,
    renew: async (): Promise<LockStep> => {
      for (let i = 0; i < 3; i++) {
        const t = Date.now();
        const r = await client.request('PUT', PATH, body(t));
        if (r.status === 200) {
          keep(r);
          return { ok: true, at: t };
        }
        if (r.status === 404) return { lost: `the run lock (${WHERE}) was deleted while this run held it` };
        if (r.status !== 409) return { error: why(r) };
        const c = await recheck();
        if (c !== 'retry') return c;
      }
      return { error: 'the Lease kept changing' };
    },
    release: async (): Promise<LockStep> => {
      for (let i = 0; i < 3; i++) {
        const r = await client.request('DELETE', PATH, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: rv() } });
        if (r.status === 200 || r.status === 202) return { ok: true, at: Date.now() };
        if (r.status === 404) return { lost: 'it was already gone (deleted by someone else)' };
        if (r.status !== 409) return { error: why(r) };
        const c = await recheck();
        if (c !== 'retry') return 'lost' in c ? { lost: c.lost.replace(/^the run lock \([^)]*\) /, '') } : c;
      }
      return { error: 'the Lease kept changing' };
    },
  };
  return new RunLock(backend, at, o.ttlS * 1000, o.onLost);
}
