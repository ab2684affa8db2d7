// Server-side printing columns per resource, like the apiserver's table convertors (kubectl get).
import { isPodReady, type KubeObject } from './types.js';

// One column: name, type, priority (1 = shown only with -o wide).
export interface Column { name: string; type: 'string' | 'integer' | 'date'; priority: 0 | 1; description: string }
// The columns of a resource and how to fill a row.
export interface Printer { columns: Column[]; cells(o: KubeObject, now: number): unknown[]; ownNameColumn?: boolean }

const col = (name: string, type: Column['type'] = 'string', priority: 0 | 1 = 0): Column => ({ name, type, priority, description: `${name} of the object` });

// kubectl's HumanDuration (k8s.io/apimachinery/pkg/util/duration).
export function humanDuration(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec < -1) return '<invalid>';
  if (sec < 0) return '0s';
  if (sec < 120) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 10) return sec % 60 === 0 ? `${min}m` : `${min}m${sec % 60}s`;
  if (min < 180) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 8) return min % 60 === 0 ? `${h}h` : `${h}h${min % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 730) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  const dy = Math.floor(h / 24) % 365;
  return h < 24 * 365 * 8 && dy !== 0 ? `${y}y${dy}d` : `${y}y`;
}

// The Age cell for a timestamp.
export function age(ts: unknown, now: number): string {
  return typeof ts === 'string' ? humanDuration(now - Date.parse(ts)) : '<unknown>';
}

const none = (v: unknown) => (v === undefined || v === null || v === '' ? '<none>' : String(v));

function nodeStatus(n: KubeObject): string {
  const ready = (n.status?.conditions ?? []).find((c: { type?: string }) => c.type === 'Ready');
  const s = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return n.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
}

function nodeRoles(n: KubeObject): string {
  const roles = Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function address(n: KubeObject, type: string): string {
  return none((n.status?.addresses ?? []).find((a: { type?: string }) => a.type === type)?.address);
}

function podStatus(p: KubeObject): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  return String(p.status?.reason ?? p.status?.phase ?? 'Unknown');
}

function ports(svc: KubeObject): string {
  const ps: { port?: number; nodePort?: number; protocol?: string }[] = svc.spec?.ports ?? [];
  return ps.length ? ps.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') : '<none>';
}

function intOrPct(v: unknown): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

function sliceEndpoints(s: KubeObject): string {
  const ips: string[] = (s['endpoints'] as { addresses?: string[] }[] | undefined ?? []).flatMap((e) => e.addresses ?? []);
  if (ips.length === 0) return '<unset>';
  return ips.length > 3 ? `${ips.slice(0, 3).join(',')} + ${ips.length - 3} more...` : ips.join(',');
}

function slicePorts(s: KubeObject): string {
  const ps = (s['ports'] as { port?: number }[] | undefined) ?? [];
  return ps.length ? ps.map((p) => String(p.port ?? '')).join(',') : '<unset>';
}

function selectorText(sel: Record<string, string> | undefined): string {
  return sel && Object.keys(sel).length ? Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

// Printers by resource name; resources without one print Name and Age.
export const PRINTERS: Record<string, Printer> = {
  nodes: {
    columns: [col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    cells: (n, now) => {
      const i = n.status?.nodeInfo ?? {};
      return [nodeStatus(n), nodeRoles(n), age(n.metadata.creationTimestamp, now), i.kubeletVersion ?? '', address(n, 'InternalIP'), address(n, 'ExternalIP'), none(i.osImage), none(i.kernelVersion), none(i.containerRuntimeVersion)];
    },
  },
  pods: {
    columns: [col('Ready'), col('Status'), col('Restarts', 'integer'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: (p, now) => {
      const cs: { ready?: boolean; restartCount?: number }[] = p.status?.containerStatuses ?? [];
      const total = (p.spec?.containers ?? []).length;
      const ready = cs.filter((c) => c.ready && isPodReady(p)).length;
      return [`${ready}/${total}`, podStatus(p), cs.reduce((a, c) => a + (c.restartCount ?? 0), 0), age(p.metadata.creationTimestamp, now), none(p.status?.podIP), none(p.spec?.nodeName), none(p.status?.nominatedNodeName), '<none>'];
    },
  },
  poddisruptionbudgets: {
    columns: [col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), col('Age')],
    cells: (b, now) => [intOrPct(b.spec?.minAvailable), intOrPct(b.spec?.maxUnavailable), b.status?.disruptionsAllowed ?? 0, age(b.metadata.creationTimestamp, now)],
  },
  services: {
    columns: [col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 'string', 1)],
    cells: (s, now) => [s.spec?.type ?? 'ClusterIP', none(s.spec?.clusterIP), '<none>', ports(s), age(s.metadata.creationTimestamp, now), selectorText(s.spec?.selector)],
  },
  deployments: {
    columns: [col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (d, now) => {
      const cs: { name?: string; image?: string }[] = d.spec?.template?.spec?.containers ?? [];
      return [`${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, age(d.metadata.creationTimestamp, now), cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(','), selectorText(d.spec?.selector?.matchLabels)];
    },
  },
  replicasets: {
    columns: [col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age')],
    cells: (r, now) => [r.spec?.replicas ?? 1, r.status?.replicas ?? 0, r.status?.readyReplicas ?? 0, age(r.metadata.creationTimestamp, now)],
  },
  daemonsets: {
    columns: [col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), col('Age')],
    cells: (d, now) => { const s = d.status ?? {}; return [s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, selectorText(d.spec?.template?.spec?.nodeSelector), age(d.metadata.creationTimestamp, now)]; },
  },
  statefulsets: {
    columns: [col('Ready'), col('Age')],
    cells: (s, now) => [`${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}`, age(s.metadata.creationTimestamp, now)],
  },
  endpointslices: {
    columns: [col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
    cells: (s, now) => [String(s['addressType'] ?? ''), slicePorts(s), sliceEndpoints(s), age(s.metadata.creationTimestamp, now)],
  },
  leases: {
    columns: [col('Holder'), col('Age')],
    cells: (l, now) => [l.spec?.holderIdentity ?? '', age(l.metadata.creationTimestamp, now)],
  },
  namespaces: {
    columns: [col('Status'), col('Age')],
    cells: (n, now) => [n.status?.phase ?? 'Active', age(n.metadata.creationTimestamp, now)],
  },
  events: {
    ownNameColumn: true,
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message'), col('First Seen', 'string', 1), col('Count', 'integer', 1), col('Name', 'string', 1)],
    cells: (e, now) => {
      const io = (e['involvedObject'] ?? {}) as { kind?: string; name?: string };
      const seen = (e['lastTimestamp'] ?? e['eventTime'] ?? e.metadata.creationTimestamp) as string | undefined;
      return [age(seen, now), String(e['type'] ?? ''), String(e['reason'] ?? ''), `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, String(e['message'] ?? ''), age(e['firstTimestamp'] ?? seen, now), Number(e['count'] ?? 1), e.metadata.name ?? ''];
    },
  },
  configmaps: {
    columns: [col('Data', 'integer'), col('Age')],
    cells: (c, now) => [Object.keys((c['data'] as object | undefined) ?? {}).length, age(c.metadata.creationTimestamp, now)],
  },
};
