// Who a host is to a cluster, by what it is rather than what the inventory calls it: the
// Kubernetes Node whose name or addresses match the host's address or the hostname and
// addresses it reports, and the datastore member on that node. Pure matching; the probes that
// feed it are in engine/run/safety.

/** a Node as the cluster's API describes it */
export interface ClusterNode {
  name: string;
  /** InternalIP, ExternalIP and Hostname addresses */
  addresses: string[];
  controlPlane: boolean;
  ready: boolean;
  cordoned: boolean;
  /** why it is not healthy (NotReady, pressure, cordoned), for messages */
  problems: string[];
}

/** what a host says about itself (one probe over its connection) */
export interface HostReport {
  hostname: string;
  addresses: string[];
  /** which cluster units the host has (loaded), and which of them are active */
  units: Record<string, 'active' | 'inactive' | 'missing'>;
}

/** the result of resolving one inventory host */
export interface Identity {
  /** the Node it is, when it is one */
  node?: string;
  /** the cluster that node belongs to */
  cluster?: string;
  /** how the match was made, for the plan */
  via?: string;
}

const short = (s: string) => s.toLowerCase().split('.')[0] ?? '';

// The node a host is: by its reported hostname, its inventory name, then any address it is reached
// at or reports. Undefined when nothing matches.
export function matchNode(nodes: readonly ClusterNode[], host: { name: string; address?: string; report?: HostReport }): { node: ClusterNode; via: string } | undefined {
  const rep = host.report;
  if (rep?.hostname) {
    const n = nodes.find((x) => x.name === rep.hostname) ?? nodes.find((x) => short(x.name) === short(rep.hostname) || x.addresses.some((a) => a.toLowerCase() === rep.hostname.toLowerCase()));
    if (n) return { node: n, via: `reports hostname ${rep.hostname}` };
  }
  const addrs = new Set([...(rep?.addresses ?? []), ...(host.address && !isLoopback(host.address) ? [host.address] : [])].map((a) => a.toLowerCase()));
  const byAddr = nodes.find((x) => x.addresses.some((a) => addrs.has(a.toLowerCase())));
  if (byAddr) return { node: byAddr, via: `address ${[...addrs].find((a) => byAddr.addresses.some((b) => b.toLowerCase() === a))}` };
  const byName = nodes.find((x) => x.name === host.name || short(x.name) === short(host.name) || x.addresses.includes(host.name));
  if (byName && !rep) return { node: byName, via: `inventory name ${host.name}` };
  return undefined;
}

// Whether an address is the loopback (which says nothing about which node is behind it).
export function isLoopback(a: string): boolean {
  return a === 'localhost' || a === '::1' || a.startsWith('127.');
}

// Whether a host's own report says it runs Kubernetes or a datastore (a member we must identify).
export function looksLikeMember(rep: HostReport | undefined): boolean {
  return rep !== undefined && Object.values(rep.units).some((s) => s !== 'missing');
}

// The first word of the `hostname` output and the addresses of `hostname -I`, then `systemctl show`
// records (Id=, LoadState=, ActiveState=) of the cluster units.
export function parseHostReport(out: string): HostReport {
  const [head = '', units = ''] = out.split(/^---$/m);
  const lines = head.split('\n').map((l) => l.trim()).filter(Boolean);
  const report: HostReport = { hostname: lines[0]?.split(/\s+/)[0] ?? '', addresses: (lines[1] ?? '').split(/\s+/).filter((a) => /^[0-9a-f.:]+$/i.test(a)), units: {} };
  for (const rec of units.split(/\n\s*\n/)) {
    const kv = Object.fromEntries(rec.split('\n').map((l) => l.trim()).filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const id = kv['Id'];
    if (!id) continue;
    report.units[id.replace(/\.service$/, '')] = kv['LoadState'] === 'loaded' ? (kv['ActiveState'] === 'active' ? 'active' : 'inactive') : 'missing';
  }
  return report;
}
