// The live state of a cluster for the budget and the health gate: its Nodes from the API, its
// datastore members (etcd static pods; microk8s's `dqlite .cluster`, asked on a member), and
// whether each member's datastore is healthy right now.
import type { LiveState } from '../../cluster/budget.js';
import { parseDqliteCluster, readEtcdMembers, readNodes } from '../../cluster/view.js';
import { applyLimits, type Cluster } from './clusters.js';
import type { Identities } from './identities.js';
import { quote } from '../../connection/command.js';

/** how live reads reach hosts */
export interface LiveEnv {
  identities: Identities;
  /** runs a read-only command on a host (as root when `root`); rejects when unreachable */
  run(host: string, cmd: string, root?: boolean): Promise<{ rc: number; stdout: string; stderr: string }>;
  /** the host variable tsplay_node_root (a prefix of node paths; empty on real nodes) */
  nodeRoot(host: string): string;
}

export const DATASTORE_UNIT: Record<'dqlite' | 'etcd', string> = { dqlite: 'snap.microk8s.daemon-k8s-dqlite', etcd: 'etcd' };

// The dqlite shell query microk8s ships, with the paths under the node root.
export function dqliteClusterCommand(root: string): string {
  const backend = `${root}/var/snap/microk8s/current/var/kubernetes/backend`;
  // tsplay_node_root is a templated host variable: every path is quoted
  return `${quote(`${root}/snap/microk8s/current/bin/dqlite`)} -s ${quote(`file://${backend}/cluster.yaml`)} -c ${quote(`${backend}/cluster.crt`)} -k ${quote(`${backend}/cluster.key`)} -f json k8s .cluster`;
}

// The datastore members of a cluster (read once per run), and the limits that follow from them.
export async function readMembers(c: Cluster, env: LiveEnv): Promise<string[]> {
  if (c.members) return c.members;
  const nodes = await env.identities.clusterNodes(c);
  let members: string[] | undefined;
  if (c.datastore !== 'dqlite') {
    const etcd = await readEtcdMembers(c.client).catch(() => undefined);
    if (etcd) {
      c.datastore = 'etcd';
      members = etcd.map((m) => m.node);
    }
  }
  if (!members && c.datastore !== 'etcd') {
    for (const [, host] of c.hosts) {
      const r = await env.run(host, dqliteClusterCommand(env.nodeRoot(host)), true).catch(() => undefined);
      if (!r || r.rc !== 0) continue;
      const voters = parseDqliteCluster(r.stdout, nodes).filter((m) => m.voter && m.node);
      if (voters.length > 0) {
        c.datastore = 'dqlite';
        members = voters.map((m) => m.node as string);
        break;
      }
    }
  }
  if (!members) {
    // fail safe: every control-plane node (every node, if none is labelled) counts as a member
    const cps = nodes.filter((n) => n.controlPlane).map((n) => n.name);
    members = c.datastore ? (cps.length > 0 ? cps : nodes.map((n) => n.name)) : [];
  }
  c.members = members;
  applyLimits(c);
  return members;
}

// Nodes, members and the members that are not healthy now.
export async function liveState(c: Cluster, env: LiveEnv): Promise<LiveState> {
  const nodes = await readNodes(c.client);
  const members = await readMembers(c, env);
  const unhealthy = new Map<string, string>();
  const etcd = c.datastore === 'etcd' ? await readEtcdMembers(c.client).catch(() => undefined) : undefined;
  if (etcd) {
    for (const m of etcd) if (!m.healthy) unhealthy.set(m.node, m.why ?? 'etcd not healthy');
  } else if (c.datastore) {
    const unit = DATASTORE_UNIT[c.datastore];
    await Promise.all(members.map(async (m) => {
      const host = c.hosts.get(m);
      if (!host) return;
      const r = await env.run(host, `systemctl is-active ${unit}`).catch((e: Error) => ({ rc: -1, stdout: `unreachable (${e.message})`, stderr: '' }));
      const state = r.stdout.trim();
      if (r.rc !== 0 || state !== 'active') unhealthy.set(m, `${unit} ${state || 'not active'}`);
    }));
  }
  for (const m of members) if (!unhealthy.has(m) && nodes.some((n) => n.name === m && !n.ready)) unhealthy.set(m, 'node NotReady');
  return { nodes, members, unhealthy };
}
