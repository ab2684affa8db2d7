// The shape of `tsplay lab status --json` and its plain-text table (the CLI side: no simulation).
import { relative } from 'node:path';
import type { Datastore, Flavor, Incident } from './types.js';

// One node's line of the status.
export interface NodeStatus {
  name: string;
  // kubeadm: control-plane (with a stacked etcd member) or worker; every microk8s node is a control plane.
  role: 'control-plane' | 'worker';
  sshPort: number;
  up: boolean;
  bootId: string;
  ready: boolean;
  cordoned: boolean;
  kubeletVersion: string;
  held: string[];
  datastore: string;
  snapChannel?: string;
  sandboxes: number;
  notes: string[];
}

// The whole status (what GET /status and `lab status --json` return).
export interface LabStatus {
  running: boolean;
  pid: number;
  flavor: Flavor;
  datastore: Datastore;
  api: { url: string; version: string; available: boolean; writable: boolean };
  prometheusUrl: string;
  inventory: string;
  kubeconfig: string;
  quorum: { ok: boolean; voters: number; up: number; leader: string | null };
  nodes: NodeStatus[];
  faults: { name: string; on: boolean; nodes?: string[]; note?: string }[];
  // How many nodes may be unavailable at once, and which are now (and why).
  budget: number;
  unavailable: { node: string; why: string[] }[];
  // The incident log, oldest first.
  incidents: Incident[];
  warnings: string[];
}

const SHOWN_INCIDENTS = 5;

// The node budget line of `lab status` and `lab budget`: the budget and which nodes are unavailable now.
export function formatBudget(s: Pick<LabStatus, 'budget' | 'unavailable'>): string {
  const now = s.unavailable?.length ? s.unavailable.map((u) => `${u.node} (${u.why.join(', ')})`).join(', ') : 'none';
  return `node budget: ${s.budget} unavailable at a time; unavailable now: ${now}`;
}

// One incident as `lab status` and `lab incidents` print it.
export function formatIncident(i: Incident): string {
  return `${i.at.replace(/\.\d{3}Z$/, 'Z')}  ${i.kind}  [${i.nodes.join(',')}]  ${i.message}`;
}

function incidentLines(list: Incident[] | undefined): string[] {
  if (!list?.length) return ['incidents: none'];
  const more = list.length > SHOWN_INCIDENTS ? ` (the last ${SHOWN_INCIDENTS} shown; all: tsplay lab incidents)` : '';
  return [`incidents: ${list.length}${more}`, ...list.slice(-SHOWN_INCIDENTS).map((i) => `  ${formatIncident(i)}`)];
}

function table(rows: string[][]): string {
  const w = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((w[i] ?? 0) + 2))).join('').trimEnd()).join('\n');
}

// The status as the plain text `tsplay lab status` prints.
export function formatStatus(s: LabStatus, cwd = process.cwd()): string {
  const rel = (p: string) => (p.startsWith(cwd) ? relative(cwd, p) || '.' : p);
  const rows = [['NODE', 'ROLE', 'SSH', 'POWER', 'READY', 'CORDONED', 'KUBELET', 'BOOT ID', 'HELD', 'DATASTORE', 'NOTES']];
  for (const n of s.nodes) {
    rows.push([n.name, n.role ?? '-', String(n.sshPort), n.up ? 'up' : 'down', n.ready ? 'Ready' : 'NotReady', n.cordoned ? 'yes' : 'no', n.kubeletVersion, n.bootId.slice(0, 8), n.held.join(',') || '-', n.datastore, n.notes.join('; ') || '-']);
  }
  const q = s.quorum;
  const on = s.faults.filter((f) => f.on);
  const lines = [
    `tsplay lab (pid ${s.pid}): ${s.flavor} with ${s.datastore}, ${s.nodes.length} node(s)`,
    `  API ${s.api.url} (${s.api.version})${s.api.available ? (s.api.writable ? '' : ' — writes failing') : ' — unavailable'}   Prometheus/Alertmanager ${s.prometheusUrl}`,
    '',
    table(rows),
    '',
    `datastore: ${q.ok ? 'quorum' : 'NO QUORUM'} (${q.up}/${q.voters} voters up), leader ${q.leader ?? 'none'}`,
    ...(on.length ? ['faults:', ...on.map((f) => `  ${f.name}${f.nodes ? ` [${f.nodes.join(',')}]` : ''}${f.note ? `: ${f.note}` : ''}`)] : ['faults: none active']),
    formatBudget(s),
    ...incidentLines(s.incidents),
    `inventory: ${rel(s.inventory)}   kubeconfig: ${rel(s.kubeconfig)} (context lab)`,
    ...s.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n');
}
