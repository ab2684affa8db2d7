// The cluster-wide run lock: a run touching a quorum group holds a Kubernetes Lease
// (kube-system/tsplay-run-lock) when the group has an API configured (tsplay_kubeconfig),
// else a lock file on the group's first host. It records run id, user, playbook and expiry,
// is renewed while the run lasts and released at the end; a second run is refused with
// who holds it; --break-lock takes it over after a crash.
import { userInfo } from 'node:os';
import { sh } from '../connection/command.js';
import { isUndefined } from '../expr/index.js';
import { KubeClient, loadKubeconfig } from '../kube/index.js';
import type { QuorumGroup } from '../plan/quorum.js';
import type { RunContext } from './context.js';
import { targetSpec } from './task-env.js';
import type { TaskEnv } from './task-env.js';

type LockEnv = { ctx: TaskEnv['ctx']; vars: TaskEnv['vars']; rt?: TaskEnv['rt'] };

export const LEASE_NAME = 'tsplay-run-lock';
const TTL_S = 120;

export interface LockInfo {
  run: string;
  user: string;
  playbook: string;
  expires: string;
}

export interface HeldLock {
  where: string;
  release(): Promise<void>;
}

export class LockError extends Error {}

function me(ctx: RunContext): LockInfo {
  let user = process.env['USER'] ?? '';
  try {
    user ||= userInfo().username;
  } catch {
    user ||= 'unknown';
  }
  return { run: ctx.runId, user, playbook: ctx.playbook.file, expires: new Date(Date.now() + TTL_S * 1000).toISOString() };
}

function describe(l: LockInfo): string {
  return `run ${l.run} by ${l.user} (${l.playbook}), expires ${l.expires}`;
}

function microTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

// Takes the Lease lock on a cluster's API.
export async function leaseLock(ctx: RunContext, client: KubeClient, breakLock: boolean): Promise<HeldLock> {
  const path = `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${LEASE_NAME}`;
  const info = me(ctx);
  const body = (existing?: Record<string, unknown>) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: LEASE_NAME, namespace: 'kube-system', ...(existing ? { resourceVersion: (existing['metadata'] as Record<string, unknown>)['resourceVersion'] } : {}), annotations: { 'tsplay.dev/run': info.run, 'tsplay.dev/user': info.user, 'tsplay.dev/playbook': info.playbook, 'tsplay.dev/expires': new Date(Date.now() + TTL_S * 1000).toISOString() } },
    spec: { holderIdentity: info.run, leaseDurationSeconds: TTL_S, acquireTime: microTime(), renewTime: microTime() },
  });
  const cur = await client.request('GET', path);
  if (cur.status === 200) {
    const lease = cur.body as { metadata: { annotations?: Record<string, string> }; spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number } };
    const a = lease.metadata.annotations ?? {};
    const expiry = Date.parse(lease.spec?.renewTime ?? '') + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    const held = lease.spec?.holderIdentity && lease.spec.holderIdentity !== info.run && expiry > Date.now();
    if (held && !breakLock) throw new LockError(`the cluster is locked by ${describe({ run: lease.spec?.holderIdentity ?? '?', user: a['tsplay.dev/user'] ?? '?', playbook: a['tsplay.dev/playbook'] ?? '?', expires: new Date(expiry).toISOString() })} (Lease kube-system/${LEASE_NAME}); wait for it, or use --break-lock if that run crashed`);
    const r = await client.request('PUT', path, body(cur.body as Record<string, unknown>));
    if (r.status >= 300) throw new LockError(`cannot take the run lock: HTTP ${r.status}`);
  } else {
    const r = await client.request('POST', `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases`, body());
    if (r.status >= 300) throw new LockError(`cannot take the run lock: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  }
  const timer = setInterval(() => {
    void client.request('GET', path).then((g) => (g.status === 200 ? client.request('PUT', path, body(g.body as Record<string, unknown>)) : undefined)).catch(() => undefined);
  }, (TTL_S / 4) * 1000);
  timer.unref();
  return {
    where: `Lease kube-system/${LEASE_NAME}`,
    release: async () => {
      clearInterval(timer);
      await client.request('DELETE', path).catch(() => undefined);
    },
  };
}

async function fileLock(ctx: RunContext, env: LockEnv, host: string, breakLock: boolean): Promise<HeldLock> {
  const scope = env.vars.scope(env.rt, host);
  const rootVar = scope.get('tsplay_node_root');
  const root = isUndefined(rootVar) || !rootVar ? '' : String(rootVar);
  const file = `${root}/var/tmp/tsplay-run.lock`;
  const conn = () => ctx.pool.get(targetSpec(env, host, host, scope));
  const write = async (info: LockInfo, exclusive: boolean) => {
    const json = JSON.stringify(info);
    const cmd = exclusive ? sh`mkdir -p ${`${root}/var/tmp`} && (set -C; printf '%s\\n' ${json} > ${file})` : sh`printf '%s\\n' ${json} > ${file}`;
    return conn().exec(cmd);
  };
  const info = me(ctx);
  let r = await write(info, true);
  if (r.rc !== 0) {
    const cur = await conn().exec(sh`cat ${file}`);
    let held: LockInfo | undefined;
    try {
      held = JSON.parse(cur.stdout) as LockInfo;
    } catch {
      held = undefined;
    }
    if (held && Date.parse(held.expires) > Date.now() && held.run !== info.run && !breakLock) {
      throw new LockError(`the cluster is locked by ${describe(held)} (lock file ${file} on ${host}); wait for it, or use --break-lock if that run crashed`);
    }
    r = await write(info, false);
    if (r.rc !== 0) throw new LockError(`cannot write the run lock ${file} on ${host}: ${r.stderr.trim()}`);
  }
  const timer = setInterval(() => void write(me(ctx), false).catch(() => undefined), (TTL_S / 4) * 1000);
  timer.unref();
  return {
    where: `${file} on ${host}`,
    release: async () => {
      clearInterval(timer);
      await conn().exec(sh`rm -f ${file}`).catch(() => undefined);
    },
  };
}

// Takes the run lock for a quorum group (Lease when the group has an API, else a lock file).
export async function acquireRunLock(ctx: RunContext, env: LockEnv, group: QuorumGroup, breakLock: boolean): Promise<HeldLock> {
  const first = group.members[0] as string;
  const scope = env.vars.scope(env.rt, first);
  const kc = scope.get('tsplay_kubeconfig');
  if (!isUndefined(kc) && kc) {
    const cx = scope.get('tsplay_kube_context');
    const target = loadKubeconfig({ path: String(kc), ...(!isUndefined(cx) && cx ? { context: String(cx) } : {}) });
    return leaseLock(ctx, new KubeClient(target, { timeoutMs: 10_000 }), breakLock);
  }
  return fileLock(ctx, env, first, breakLock);
}
