// `tsplay lab status`: the lab's state as JSON and as a table.
import { relative } from 'node:path';
import { apiserverUp } from './api-gate.js';
import type { LabSim } from './sim.js';
import { FAULT_NAMES, type Datastore, type Flavor } from './types.js';

// One node's line of the status.
export interface NodeStatus {
  name: string;
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
  warnings: string[];
}

// Collect the status of a running lab.
export function collectStatus(sim: LabSim, o: { apiUrl: string; prometheusUrl: string; inventory: string; kubeconfig: string; warnings: string[] }): LabStatus {
  const voters = sim.datastore.voters();
  const nodes = sim.nodes.map((n): NodeStatus => {
    const kn = sim.store.peek('nodes', n.name);
    const notes: string[] = [];
    if (n.natMissing) notes.push('calico NAT rules missing');
    if (n.staleSandboxes) notes.push(`stale sandboxes: ${n.sandboxes.filter((s) => s.stale).length}`);
    if (n.rebootRequired) notes.push('reboot required');
    if (n.rebootPending && n.up) notes.push('rebooting');
    const down = [...n.units.values()].filter((u) => u.role !== 'other' && u.active !== 'active').map((u) => `${u.id.replace(/\.service$/, '')} ${u.active}`);
    if (n.up && down.length) notes.push(...down);
    return {
      name: n.name,
      sshPort: n.sshPort,
      up: n.up,
      bootId: n.bootId,
      ready: (kn?.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True'),
      cordoned: kn?.spec?.unschedulable === true,
      kubeletVersion: kn?.status?.nodeInfo?.kubeletVersion ?? n.kubeletVersion,
      held: [...n.packages.values()].filter((p) => p.held).map((p) => p.name).sort(),
      datastore: sim.datastore.roleText(n.name),
      ...(n.snap ? { snapChannel: n.snap.channel } : {}),
      sandboxes: n.sandboxes.length,
      notes,
    };
  });
  const api = sim.api;
  return {
    running: true,
    pid: process.pid,
    flavor: sim.flavor,
    datastore: sim.kind,
    api: { url: o.apiUrl, version: sim.refreshServerVersion(), available: apiserverUp(sim), writable: apiserverUp(sim) && !sim.datastore.writesFailing() && api !== undefined },
    prometheusUrl: o.prometheusUrl,
    inventory: o.inventory,
    kubeconfig: o.kubeconfig,
    quorum: { ok: sim.datastore.hasQuorum(), voters: voters.length, up: voters.filter((m) => m.up).length, leader: sim.datastore.leader ?? null },
    nodes,
    faults: FAULT_NAMES.map((name) => {
      const f = sim.faults.get(name);
      return { name, on: f?.on ?? false, ...(f?.nodes ? { nodes: f.nodes } : {}), ...(f?.note ? { note: f.note } : {}) };
    }),
    warnings: o.warnings,
  };
}

function table(rows: string[][]): string {
  const w = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((w[i] ?? 0) + 2))).join('').trimEnd()).join('\n');
}

// The status as the plain text `tsplay lab status` prints.
export function formatStatus(s: LabStatus, cwd = process.cwd()): string {
  const rel = (p: string) => (p.startsWith(cwd) ? relative(cwd, p) || '.' : p);
  const rows = [['NODE', 'SSH', 'POWER', 'READY', 'CORDONED', 'KUBELET', 'BOOT ID', 'HELD', 'DATASTORE', 'NOTES']];
  for (const n of s.nodes) {
    rows.push([n.name, String(n.sshPort), n.up ? 'up' : 'down', n.ready ? 'Ready' : 'NotReady', n.cordoned ? 'yes' : 'no', n.kubeletVersion, n.bootId.slice(0, 8), n.held.join(',') || '-', n.datastore, n.notes.join('; ') || '-']);
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
    `inventory: ${rel(s.inventory)}   kubeconfig: ${rel(s.kubeconfig)} (context lab)`,
    ...s.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n');
}
