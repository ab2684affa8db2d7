// The built-in datastore guard, on every disruption of a datastore member whatever the playbook
// says: every other member healthy (quorum survives losing this one), and no lock contention in
// the datastore's log within the window — dqlite's "database is locked" in this member's journal;
// etcd's "leader changed" errors and "apply request took too long" in any member's log (the raft
// group is shared; the member's own log cannot be read once its kubelet is stopped). Elections are
// not contention: every planned restart of a member makes one. The window has a floor no variable
// can lower; a log that cannot be read fails closed.
import { readJournal } from '../../cluster/journal.js';
import type { Cluster } from './clusters.js';
import { DATASTORE_UNIT, liveState, type LiveEnv } from './live.js';
import type { Look } from '../../shared/wait.js';

/** the shortest contention window the guard uses, in seconds */
export const WINDOW_FLOOR_S = 60;

export const CONTENTION: Record<'dqlite' | 'etcd', RegExp> = {
  dqlite: /database is locked/,
  etcd: /leader changed|apply request took too long/,
};

const PATTERN: Record<'dqlite' | 'etcd', string> = {
  dqlite: 'database is locked',
  etcd: 'leader changed|apply request took too long',
};

// Looks once: other members healthy, and no contention lines on this member within windowS.
export async function lookDatastore(c: Cluster, node: string, windowS: number, env: LiveEnv): Promise<Look> {
  const live = await liveState(c, env);
  const others = [...live.unhealthy].filter(([m]) => m !== node);
  if (others.length > 0) return { ok: false, why: `other datastore member${others.length === 1 ? '' : 's'} not healthy: ${others.map(([m, why]) => `${m} (${why})`).join(', ')}` };
  const kind = c.datastore ?? 'dqlite';
  const window = Math.max(WINDOW_FLOOR_S, windowS);
  const host = c.hosts.get(node);
  if (kind === 'etcd') {
    const etcd = await lookEtcdLogs(c, node, window, env);
    if (etcd) return etcd;
  }
  if (!host) return { ok: false, why: `cannot read the ${kind} log of ${node}: no inventory host is that node (failing closed)` };
  try {
    const { count, lines } = await readJournal({ query: (cmd) => env.run(host, cmd.text, true) }, { unit: DATASTORE_UNIT[kind], pattern: PATTERN[kind], since: window, maxLines: 2 });
    return count === 0 ? { ok: true } : { ok: false, why: `${count} "${PATTERN[kind]}" line(s) in the ${DATASTORE_UNIT[kind]} journal of ${node} in the last ${window}s: ${lines.join(' | ')}` };
  } catch (e) {
    return { ok: false, why: `cannot read the ${kind} journal of ${node} (failing closed): ${(e as Error).message}` };
  }
}

// kubeadm's etcd: the static pods' logs through the API, this member's and the others'; undefined
// when this member has no etcd pod (etcd run by systemd: its journal is read instead).
async function lookEtcdLogs(c: Cluster, node: string, windowS: number, env: LiveEnv): Promise<Look | undefined> {
  let own: string | 'none' | 'stopped' | { error: string } = await etcdPodLog(c, node, windowS);
  if (own === 'none') return undefined;
  if (typeof own !== 'string') own = await etcdContainerLog(c, node, windowS, env, own.error);
  const others = (c.members ?? []).filter((x) => x !== node);
  // this member's etcd already stopped by an earlier step (guarded then): the others' logs decide
  if (own === 'stopped' && others.length === 0) return { ok: true };
  const logs = new Map<string, string>();
  const unreadable: string[] = [];
  for (const m of own === 'stopped' ? others : [node, ...others]) {
    const log = m === node ? (own as string | { error: string }) : await etcdPodLog(c, m, windowS);
    if (log === 'none') unreadable.push(`${m}: no etcd pod`);
    else if (typeof log === 'string') logs.set(m, log);
    else unreadable.push(`${m}: ${log.error}`);
  }
  if (logs.size === 0) return { ok: false, why: `cannot read the etcd log of any member (failing closed): ${unreadable.join('; ')}` };
  const hits = [...logs].flatMap(([m, log]) => log.split('\n').filter((l) => CONTENTION.etcd.test(l)).map((l) => `${m}: ${l}`));
  return hits.length === 0 ? { ok: true } : { ok: false, why: `${hits.length} etcd contention line(s) in the last ${windowS}s (${[...logs.keys()].join(', ')} read): ${hits.slice(-2).join(' | ')}` };
}

// The member's etcd container log read on the node with crictl (its kubelet is stopped, so the API
// cannot proxy it): its text, 'stopped' when no etcd container runs there (an earlier step, a
// sandbox drain, already stopped this member), or why it cannot be read.
async function etcdContainerLog(c: Cluster, node: string, windowS: number, env: LiveEnv, apiError: string): Promise<string | 'stopped' | { error: string }> {
  const host = c.hosts.get(node);
  if (!host) return { error: `${apiError}, and no inventory host is that node` };
  const cmd = `ids=$(crictl ps --name '^etcd$' -q) || exit 1; id=$(printf '%s\\n' "$ids" | head -n 1); if [ -z "$id" ]; then echo ${NOT_RUNNING}; exit 0; fi; crictl logs --since=${Math.ceil(windowS)}s "$id" 2>&1`;
  const r = await env.run(host, cmd, true).catch((e: Error) => ({ rc: -1, stdout: e.message, stderr: '' }));
  if (r.rc !== 0) return { error: `${apiError}; crictl on the node: ${(r.stdout + r.stderr).trim().split('\n').pop() ?? `exit ${r.rc}`}` };
  return r.stdout.trim() === NOT_RUNNING ? 'stopped' : r.stdout;
}

const NOT_RUNNING = 'TSPLAY_ETCD_NOT_RUNNING';

// One etcd static pod's log: its text, 'none' when there is no such pod, or why it cannot be read
// (asked once, no retries: the guard itself polls).
async function etcdPodLog(c: Cluster, node: string, windowS: number): Promise<string | 'none' | { error: string }> {
  try {
    const r = await c.client.request('GET', `/api/v1/namespaces/kube-system/pods/etcd-${node}/log?sinceSeconds=${Math.ceil(windowS)}`, undefined, { retry: false });
    if (r.status === 404) return 'none';
    if (r.status !== 200) return { error: `HTTP ${r.status}` };
    return typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  } catch (e) {
    return { error: (e as Error).message };
  }
}
