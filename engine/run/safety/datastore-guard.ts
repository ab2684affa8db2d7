// The built-in datastore guard, on every disruption of a datastore member whatever the playbook
// says: every other member healthy (quorum survives losing this one), and no lock contention in
// this member's datastore log within the window — dqlite's "database is locked", etcd's "leader
// changed" errors, "apply request took too long" and leader churn (more than one election: the one
// election a member logs after its own restart or a planned failover is not contention).
// The window has a floor no variable can lower.
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

/** an etcd election line; more than one within the window is leader churn */
export const ELECTION = /elected leader/;

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
    const log = await etcdPodLog(c, node, window);
    if (log !== undefined) {
      const lines = log.split('\n');
      const elections = lines.filter((l) => ELECTION.test(l));
      const hits = lines.filter((l) => CONTENTION.etcd.test(l) || (elections.length > 1 && ELECTION.test(l)));
      return hits.length === 0 ? { ok: true } : { ok: false, why: `${hits.length} etcd contention line(s) on ${node} in the last ${window}s: ${hits.slice(-2).join(' | ')}` };
    }
  }
  if (!host) return { ok: false, why: `cannot read the ${kind} log of ${node}: no inventory host is that node (failing closed)` };
  try {
    const { count, lines } = await readJournal({ query: (cmd) => env.run(host, cmd.text, true) }, { unit: DATASTORE_UNIT[kind], pattern: PATTERN[kind], since: window, maxLines: 2 });
    return count === 0 ? { ok: true } : { ok: false, why: `${count} "${PATTERN[kind]}" line(s) in the ${DATASTORE_UNIT[kind]} journal of ${node} in the last ${window}s: ${lines.join(' | ')}` };
  } catch (e) {
    return { ok: false, why: `cannot read the ${kind} journal of ${node} (failing closed): ${(e as Error).message}` };
  }
}

// kubeadm's etcd logs through the API (the static pod's log), or undefined when there is none.
async function etcdPodLog(c: Cluster, node: string, windowS: number): Promise<string | undefined> {
  try {
    const r = await c.client.request('GET', `/api/v1/namespaces/kube-system/pods/etcd-${node}/log?sinceSeconds=${Math.ceil(windowS)}`);
    if (r.status !== 200) return undefined;
    return typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  } catch {
    return undefined;
  }
}

