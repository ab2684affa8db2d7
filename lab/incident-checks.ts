// How the lab notices incidents: quorum lost, the datastore restarted under write contention, more
// nodes unavailable than the node budget, a reboot of a node that was not cordoned and drained.
// lifecycle.ts calls these where the simulated change happens; lab.ts runs checkBudget after changes.
import type { NodeSim } from './node.js';
import { podsOn } from './pods.js';
import type { LabSim } from './sim.js';

const CONTENTION_WINDOW_MS = 60_000;

// The datastore just lost quorum: record which voters are down (not for a single-voter datastore,
// whose only voter cannot go down any other way).
export function quorumLost(sim: LabSim): void {
  const voters = sim.datastore.voters();
  if (voters.length < 2) return;
  const down = voters.filter((m) => !m.up).map((m) => m.node);
  const up = voters.length - down.length;
  sim.incidents.record('quorum-lost', down, `the ${sim.kind} datastore lost quorum: voters ${down.join(', ')} down (${up}/${voters.length} up)`);
}

// Why the node's datastore is under write contention now, or undefined: the dqlite-lock-contention
// (etcd-leader-churn) fault on it, or `database is locked` lines in its datastore journal (etcd's
// `leader changed` / `apply request took too long` in its etcd log) within the last 60 s.
function contention(sim: LabSim, node: NodeSim): string | undefined {
  if (sim.kind === 'etcd') {
    const churn = sim.faults.get('etcd-leader-churn');
    if (churn?.on && (churn.nodes ?? []).includes(node.name)) return 'etcd-leader-churn is on for it';
    const since = Date.now() - CONTENTION_WINDOW_MS;
    const lines = node.etcdLog.filter((l) => l.ts >= since && /leader changed|apply request took too long/.test(l.line)).length;
    return lines ? `${lines} "leader changed"/"apply request took too long" line(s) in its etcd log within the last 60 s` : undefined;
  }
  const f = sim.faults.get('dqlite-lock-contention');
  if (f?.on && (f.nodes ?? []).includes(node.name)) return 'dqlite-lock-contention is on for it';
  const ds = sim.unit(node, 'datastore');
  if (!ds) return undefined;
  const lines = node.journal.query({ units: [ds.id], since: Date.now() - CONTENTION_WINDOW_MS, grep: /database is locked/ }).length;
  return lines ? `${lines} "database is locked" line(s) in its ${ds.id.replace(/\.service$/, '')} journal within the last 60 s` : undefined;
}

// The node's datastore member is being stopped, restarted or taken down by a reboot.
export function datastoreStopping(sim: LabSim, node: NodeSim, how: 'stopped' | 'restarted' | 'rebooted'): void {
  if (!sim.datastore.member(node.name)) return;
  const why = contention(sim, node);
  if (!why) return;
  const what = how === 'rebooted' ? `${node.name} rebooted (its ${sim.kind} member went down)` : `${sim.unit(node, 'datastore')?.id ?? sim.kind} ${how} on ${node.name}`;
  sim.incidents.record('restart-under-contention', [node.name], `${what} under write contention: ${why}`);
}

// The node is going down for a reboot: record it unless it was cordoned and drained (only DaemonSet
// and mirror pods left, as kubectl drain leaves them).
export function rebootChecks(sim: LabSim, node: NodeSim): void {
  const problems: string[] = [];
  if (sim.store.peek('nodes', node.name)?.spec?.unschedulable !== true) problems.push('it was not cordoned');
  const left = podsOn(sim, node).filter((p) => {
    const owner = p.metadata.ownerReferences?.find((r) => r.controller)?.kind;
    return owner !== 'DaemonSet' && p.metadata.annotations?.['kubernetes.io/config.mirror'] === undefined;
  });
  if (left.length) {
    const names = left.map((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? '?'}`);
    problems.push(`${left.length} pod(s) not drained: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`);
  }
  if (problems.length) sim.incidents.record('reboot-undrained', [node.name], `${node.name} rebooted but ${problems.join('; ')}`);
  datastoreStopping(sim, node, 'rebooted');
}

// Why each unavailable node is unavailable: powered off or rebooting, cordoned, NotReady, kubelet down.
export function unavailableNodes(sim: LabSim): { node: string; why: string[] }[] {
  const out: { node: string; why: string[] }[] = [];
  for (const n of sim.nodes) {
    const kn = sim.store.peek('nodes', n.name);
    const why: string[] = [];
    if (!n.up) why.push('powered off (rebooting)');
    else if (n.rebootPending) why.push('rebooting');
    if (kn?.spec?.unschedulable === true) why.push('cordoned');
    if (n.up) {
      const ready = (kn?.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
      if (!ready) why.push('NotReady');
      const k = sim.unit(n, 'kubelet');
      if (k && k.active !== 'active') why.push(`${k.id.replace(/\.service$/, '')} ${k.active}`);
    }
    if (why.length) out.push({ node: n.name, why });
  }
  return out;
}

// After any change: one over-budget incident when more nodes than the budget are unavailable, and
// another only after the count has dropped back within the budget.
export function checkBudget(sim: LabSim): void {
  const down = unavailableNodes(sim);
  if (down.length <= sim.budget) {
    sim.incidents.overBudget = false;
    return;
  }
  if (sim.incidents.overBudget) return;
  sim.incidents.overBudget = true;
  const detail = down.map((d) => `${d.node} ${d.why.join(', ')}`).join('; ');
  sim.incidents.record('over-budget', down.map((d) => d.node), `${down.length} nodes unavailable at once (budget ${sim.budget}): ${detail}`);
}
