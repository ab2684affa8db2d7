// `tsplay lab status`: the running lab's state, as GET /status returns it.
import { apiserverUp } from './api-gate.js';
import { unavailableNodes } from './incident-checks.js';
import { stuckPods } from './pod-faults.js';
import type { LabSim } from './sim.js';
import type { LabStatus, NodeStatus } from './status-format.js';
import { FAULT_NAMES } from './types.js';

export type { LabStatus, NodeStatus } from './status-format.js';

// Collect the status of a running lab.
export function collectStatus(sim: LabSim, o: { apiUrl: string; prometheusUrl: string; inventory: string; kubeconfig: string; warnings: string[] }): LabStatus {
  const voters = sim.datastore.voters();
  const nodes = sim.nodes.map((n): NodeStatus => {
    const kn = sim.store.peek('nodes', n.name);
    const notes: string[] = [];
    if (n.natMissing) notes.push('calico NAT rules missing');
    if (n.kubeProxyNatMissing) notes.push('kube-proxy NAT rules missing');
    const stuck = stuckPods(sim, n).length;
    if (stuck) notes.push(`stuck Terminating: ${stuck}`);
    if (n.staleSandboxes) notes.push(`stale sandboxes: ${n.sandboxes.filter((s) => s.stale).length}`);
    if (n.rebootRequired) notes.push('reboot required');
    if (n.rebootPending && n.up) notes.push('rebooting');
    const down = [...n.units.values()].filter((u) => u.role !== 'other' && u.active !== 'active').map((u) => `${u.id.replace(/\.service$/, '')} ${u.active}`);
    if (n.up && down.length) notes.push(...down);
    return {
      name: n.name,
      role: n.role,
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
    budget: sim.budget,
    unavailable: unavailableNodes(sim),
    incidents: sim.incidents.list(),
    warnings: o.warnings,
  };
}
