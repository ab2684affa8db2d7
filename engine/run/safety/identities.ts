// Resolves inventory hosts to what they are: one probe over the host's own connection (the
// hostname and addresses it reports, which cluster units it has) matched against the Nodes of
// the clusters the run knows. Aliases, IPs, add_host names and delegate_to targets all resolve to
// the same node. Cached per host for the run.
import { quote, shellLine } from '../../connection/command.js';
import { matchNode, looksLikeMember, parseHostReport, type ClusterNode, type HostReport } from '../../cluster/identity.js';
import { readNodes } from '../../cluster/view.js';
import { clusterRefOf, limitsOf, type Cluster, type Clusters } from './clusters.js';
import type { VarScope } from '../scope.js';

/** a host resolved to its identity */
export interface Resolved {
  host: string;
  cluster?: Cluster;
  node?: string;
  via?: string;
  report?: HostReport;
  /** it looks like a cluster member but could not be identified: disruptions fail closed */
  unknownMember?: string;
}

export const CLUSTER_UNITS = ['snap.microk8s.daemon-kubelite', 'snap.microk8s.daemon-k8s-dqlite', 'kubelet', 'etcd'];

// The identity probe: one round trip, read-only.
export const PROBE = `hostname; hostname -I 2>/dev/null || true; echo ---; systemctl show -p Id -p LoadState -p ActiveState ${CLUSTER_UNITS.join(' ')} 2>/dev/null || true`;

/** how the resolver reaches hosts and their variables */
export interface ResolveEnv {
  clusters: Clusters;
  scope(host: string): VarScope;
  /** the address the host is reached at (ansible_host) */
  address(host: string): string;
  /** runs a read-only command on a host (as root when `root`); rejects when it is unreachable */
  run(host: string, cmd: string, root?: boolean): Promise<{ rc: number; stdout: string; stderr: string }>;
  /** the host variable tsplay_node_root (a prefix of node paths; empty on real nodes) */
  nodeRoot(host: string): string;
  /** hosts declared members by a quorum group's name or tsplay_quorum */
  declaredMember(host: string): boolean;
}

export class Identities {
  private readonly cache = new Map<string, Promise<Resolved>>();
  private readonly nodes = new Map<string, Promise<ClusterNode[]>>();

  constructor(private readonly env: ResolveEnv) {}

  // The identity of a host (probed once per run).
  resolve(host: string): Promise<Resolved> {
    let p = this.cache.get(host);
    if (!p) {
      p = this.resolveNow(host);
      this.cache.set(host, p);
    }
    return p;
  }

  // The Nodes of a cluster as first read in this run (names and addresses do not change mid-run).
  clusterNodes(c: Cluster): Promise<ClusterNode[]> {
    let p = this.nodes.get(c.key);
    if (!p) {
      p = readNodes(c.client);
      this.nodes.set(c.key, p);
      p.catch(() => this.nodes.delete(c.key));
    }
    return p;
  }

  // The cluster a member node belongs to, from the kubeconfig it holds (microk8s config, admin.conf).
  private async discover(host: string): Promise<Cluster | undefined> {
    const root = this.env.nodeRoot(host);
    for (const cmd of ['microk8s config', `cat ${quote(`${root}/etc/kubernetes/admin.conf`)}`]) {
      const r = await this.env.run(host, cmd, true).catch(() => undefined);
      if (r && r.rc === 0 && /apiVersion|clusters:/.test(r.stdout)) return this.env.clusters.open({ text: r.stdout });
    }
    return undefined;
  }

  private async resolveNow(host: string): Promise<Resolved> {
    const scope = this.env.scope(host);
    const ref = clusterRefOf(scope);
    const declared = this.env.declaredMember(host);
    let report: HostReport | undefined;
    let probeError: string | undefined;
    try {
      const r = await this.env.run(host, PROBE);
      report = parseHostReport(r.stdout);
    } catch (e) {
      probeError = (e as Error).message;
    }
    const candidates: Cluster[] = [];
    let apiError: string | undefined;
    if (ref) {
      try {
        const c = this.env.clusters.open(ref);
        this.env.clusters.declare(c, limitsOf(scope));
        candidates.push(c);
      } catch (e) {
        apiError = (e as Error).message;
      }
    }
    if (!ref && looksLikeMember(report)) {
      const found = await this.discover(host).catch((e: Error) => {
        apiError = e.message;
        return undefined;
      });
      if (found && !candidates.includes(found)) candidates.push(found);
    }
    for (const c of this.env.clusters.all()) if (!candidates.includes(c)) candidates.push(c);
    for (const c of candidates) {
      let nodes: ClusterNode[];
      try {
        nodes = await this.clusterNodes(c);
      } catch (e) {
        apiError = `cannot list the nodes of cluster ${c.name}: ${(e as Error).message}`;
        continue;
      }
      const m = matchNode(nodes, { name: host, address: this.env.address(host), ...(report ? { report } : {}) });
      if (m) {
        if (!c.hosts.has(m.node.name)) c.hosts.set(m.node.name, host);
        return { host, cluster: c, node: m.node.name, via: m.via, ...(report ? { report } : {}) };
      }
    }
    const out: Resolved = { host, ...(report ? { report } : {}) };
    // a declared member with no cluster API anywhere keeps the inventory's quorum-group limit alone
    const noApi = !ref && this.env.clusters.all().length === 0 && !looksLikeMember(report);
    if (looksLikeMember(report) || (declared && !noApi) || (ref && !report)) {
      const why = apiError ?? probeError ?? (candidates.length === 0 ? 'no cluster API is configured for it (tsplay_kubeconfig)' : `it matches no Node of ${candidates.map((c) => c.name).join(', ')}`);
      out.unknownMember = `${host} ${declared ? 'is declared a datastore member' : report ? `runs ${Object.entries(report.units).filter(([, s]) => s !== 'missing').map(([u]) => u).join(', ')}` : 'is in a cluster'} but its identity cannot be established: ${why}`;
    }
    return out;
  }
}

// Runs the identity probe as a plain read-only shell line.
export function probeCommand(): ReturnType<typeof shellLine> {
  return shellLine(PROBE);
}
