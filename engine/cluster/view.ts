// Reads a cluster's state from its API: its Nodes (names, addresses, Ready, cordoned, pressure)
// and, for kubeadm's stacked etcd, the etcd members from their static pods; parses microk8s's
// `dqlite .cluster` answer into dqlite members.
import type { KubeClient } from '../kube/index.js';
import type { ClusterNode } from './identity.js';

interface KNode {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean };
  status?: { conditions?: { type: string; status: string }[]; addresses?: { type: string; address: string }[] };
}

// The problems of a node: NotReady, pressure, cordoned.
export function nodeProblems(n: KNode): string[] {
  const out: string[] = [];
  const conds = n.status?.conditions ?? [];
  for (const c of conds) {
    if (c.type === 'Ready' && c.status !== 'True') out.push('NotReady');
    if (['MemoryPressure', 'DiskPressure', 'PIDPressure'].includes(c.type) && c.status === 'True') out.push(c.type);
  }
  if (!conds.some((c) => c.type === 'Ready')) out.push('no Ready condition');
  if (n.spec?.unschedulable) out.push('cordoned');
  return out;
}

// A Node object as the identity and budget code sees it.
export function toClusterNode(n: KNode): ClusterNode {
  const labels = n.metadata.labels ?? {};
  const problems = nodeProblems(n);
  return {
    name: n.metadata.name,
    addresses: (n.status?.addresses ?? []).map((a) => a.address),
    controlPlane: 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels || 'node.kubernetes.io/microk8s-controlplane' in labels,
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    cordoned: n.spec?.unschedulable === true,
    problems,
  };
}

// Every Node of the cluster.
export async function readNodes(client: KubeClient): Promise<ClusterNode[]> {
  const list = (await client.list('nodes')) as unknown as { items: KNode[] };
  return list.items.map(toClusterNode);
}

interface KPod {
  metadata: { name: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** a datastore member and whether it is healthy now */
export interface MemberState {
  node: string;
  healthy: boolean;
  why?: string;
}

// kubeadm's stacked etcd: one static pod etcd-NODE per member (undefined when the cluster has none).
export async function readEtcdMembers(client: KubeClient): Promise<MemberState[] | undefined> {
  const list = (await client.list('pods', { namespace: 'kube-system', labelSelector: 'component=etcd' })) as unknown as { items: KPod[] };
  if (list.items.length === 0) return undefined;
  return list.items.map((p) => {
    const node = p.spec?.nodeName ?? p.metadata.name.replace(/^etcd-/, '');
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    const healthy = p.status?.phase === 'Running' && ready;
    return healthy ? { node, healthy } : { node, healthy, why: `etcd pod ${p.status?.phase ?? 'unknown'}${ready ? '' : ', not Ready'}` };
  });
}

/** a dqlite member from `dqlite .cluster` */
export interface DqliteMember {
  address: string;
  voter: boolean;
  /** the node whose address it is, when one matches */
  node?: string;
}

// Parses `dqlite -f json k8s .cluster` ([{ID, Address, Role}], Role 0 = voter) and maps addresses to nodes.
export function parseDqliteCluster(out: string, nodes: readonly ClusterNode[]): DqliteMember[] {
  let list: { Address?: string; Role?: number }[];
  try {
    list = JSON.parse(out.trim()) as { Address?: string; Role?: number }[];
  } catch {
    list = out.split('\n').filter((l) => l.includes('|')).map((l) => {
      const [, address, role] = l.split('|');
      return { Address: address ?? '', Role: role === 'voter' || role === '0' ? 0 : 1 };
    });
  }
  if (!Array.isArray(list)) return [];
  return list.map((m) => {
    const address = String(m.Address ?? '');
    const ip = address.replace(/^\[?([^\]]*?)\]?:\d+$/, '$1');
    const node = nodes.find((n) => n.addresses.includes(ip))?.name;
    return { address, voter: m.Role === 0, ...(node ? { node } : {}) };
  });
}
