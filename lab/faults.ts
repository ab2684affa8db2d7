// Fault injection: turning each seed failure on and off, what arms it at reboot, and what repairs it
// (a restart of the right component, a deleted EndpointSlice or pod, as in the runbooks).
import { randomUUID } from 'node:crypto';
import { CALICO_LABELS, schedulableNodes } from './cluster-seed.js';
import { freezeIngress, thawIngress } from './ingress.js';
import { makeDeployment, makePdb, SERVICE_NAME_LABEL } from './kube/index.js';
import type { NodeSim } from './node.js';
import { podsOn, restartPodInPlace } from './pods.js';
import { flushStale } from './sandboxes.js';
import type { FaultState, LabSim } from './sim.js';
import { FAULT_NAMES, type FaultName } from './types.js';
import { startContention } from './contention.js';

// Whether a string names a fault.
export function isFaultName(s: string): s is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(s);
}

// The node a leader lease names (`k8s02_<uuid>` → k8s02).
export function leaseHolder(sim: LabSim, lease: string): string | undefined {
  return (sim.store.peek('leases', lease, 'kube-system')?.spec?.holderIdentity as string | undefined)?.split('_')[0];
}

function off(sim: LabSim, name: FaultName, note: string): void {
  const f = sim.faults.get(name);
  if (f?.on) sim.faults.set(name, { on: false, note });
}

// Restart one `web` pod in place: it gets a new IP (how stale state becomes visible).
function bounceWebPod(sim: LabSim): { pod: string; oldIp: string; newIp: string } | undefined {
  const pod = sim.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).find((p) => p.status?.podIP && p.spec?.nodeName);
  const node = pod ? sim.node(pod.spec.nodeName) : undefined;
  if (!pod || !node) return undefined;
  restartPodInPlace(sim, node, pod);
  const now = sim.store.get('pods', pod.metadata.name ?? '', 'default');
  return { pod: pod.metadata.name ?? '', oldIp: pod.status.podIP, newIp: now?.status?.podIP ?? '' };
}

// Turn a fault on or off; returns a message for the operator, or throws an Error explaining why not.
export function setFault(sim: LabSim, name: FaultName, on: boolean, nodes: string[] = []): string {
  for (const n of nodes) if (!sim.node(n)) throw new Error(`no node named ${n}`);
  const was = sim.faults.get(name);
  if (!on) {
    if (was?.stop) was.stop();
    sim.faults.set(name, { on: false });
    undo(sim, name);
    return `${name} off`;
  }
  if (was?.on) return `${name} is already on`;
  const state: FaultState = { on: true };
  if (nodes.length) state.nodes = nodes;
  switch (name) {
    case 'dqlite-lock-contention': {
      if (sim.kind !== 'dqlite') throw new Error('dqlite-lock-contention needs a dqlite (microk8s) lab');
      const voters = sim.datastore.voters().map((m) => m.node);
      const targets = nodes.length ? nodes : voters;
      state.nodes = targets;
      state.stop = startContention(sim, targets);
      break;
    }
    case 'stale-endpointslice': {
      const slice = sim.store.list('endpointslices', { namespace: 'default', labelSelector: `${SERVICE_NAME_LABEL}=web` })[0];
      if (!slice) throw new Error('the web Service has no EndpointSlice yet');
      sim.store.freezeEndpointSlice('default', slice.metadata.name ?? '', true);
      const b = bounceWebPod(sim);
      state.slice = slice.metadata.name ?? '';
      state.note = `default/${slice.metadata.name} keeps ${b?.oldIp ?? '?'} of pod ${b?.pod ?? '?'} (now ${b?.newIp ?? '?'})`;
      break;
    }
    case 'stale-ingress-backend': {
      freezeIngress(sim);
      const b = bounceWebPod(sim);
      state.note = `ingress-nginx still routes default-web-80 to ${b?.oldIp ?? '?'} (pod ${b?.pod ?? '?'} is now ${b?.newIp ?? '?'})`;
      break;
    }
    case 'pdb-blocks-drain': {
      const replicas = schedulableNodes(sim.flavor, sim.nodes);
      if (!sim.store.peek('deployments', 'critical', 'default')) sim.store.add(makeDeployment('critical', { replicas, labels: { app: 'critical' }, image: 'ghcr.io/example/critical:1.0' }));
      if (!sim.store.peek('poddisruptionbudgets', 'critical', 'default')) sim.store.add(makePdb('critical', { minAvailable: replicas, selector: { app: 'critical' } }));
      state.note = `PodDisruptionBudget default/critical: minAvailable ${replicas} of ${replicas} replicas, one on each node`;
      break;
    }
    case 'scheduler-stall':
      sim.store.schedulerPaused = true;
      state.note = `kube-scheduler (lease held by ${leaseHolder(sim, 'kube-scheduler') ?? '?'}) schedules nothing`;
      break;
    default:
      break;
  }
  sim.faults.set(name, state);
  return `${name} on${state.note ? `: ${state.note}` : ''}`;
}

function undo(sim: LabSim, name: FaultName): void {
  switch (name) {
    case 'stale-endpointslice':
      for (const s of sim.store.items('endpointslices')) sim.store.freezeEndpointSlice(s.metadata.namespace ?? '', s.metadata.name ?? '', false);
      break;
    case 'stale-ingress-backend':
      thawIngress(sim);
      break;
    case 'pdb-blocks-drain':
      if (sim.store.peek('poddisruptionbudgets', 'critical', 'default')) sim.store.delete('poddisruptionbudgets', 'critical', 'default');
      if (sim.store.peek('deployments', 'critical', 'default')) sim.store.delete('deployments', 'critical', 'default');
      break;
    case 'scheduler-stall':
      sim.store.schedulerPaused = false;
      sim.store.reconcile();
      break;
    case 'stale-sandbox-after-reboot':
      for (const n of sim.nodes) flushStale(n);
      break;
    case 'calico-nat-missing-after-reboot':
      for (const n of sim.nodes) n.natMissing = false;
      break;
    default:
      break;
  }
}

// A node booted: arm the after-reboot faults.
export function onNodeBoot(sim: LabSim, node: NodeSim): void {
  if (sim.faultOn('calico-nat-missing-after-reboot')) {
    node.natMissing = true;
    node.calicoUidAtBoot = podsOn(sim, node).find((p) => p.metadata.labels?.['k8s-app'] === CALICO_LABELS['k8s-app'])?.metadata.uid;
  }
}

// A node's kubelet (kubelite) stopped: a stalled scheduler or endpoint controller on it is gone, leases move.
export function onKubeletStopped(sim: LabSim, node: NodeSim): void {
  if (leaseHolder(sim, 'kube-scheduler') === node.name) off(sim, 'scheduler-stall', `cleared: the kube-scheduler on ${node.name} was restarted`);
  if (leaseHolder(sim, 'kube-controller-manager') === node.name && sim.faultOn('stale-endpointslice')) {
    undo(sim, 'stale-endpointslice');
    off(sim, 'stale-endpointslice', `cleared: the kube-controller-manager on ${node.name} was restarted and resynced`);
  }
  if (!sim.faultOn('scheduler-stall')) {
    sim.store.schedulerPaused = false;
    sim.store.reconcile();
  }
  const next = sim.nodes.find((n) => n !== node && n.role === 'control-plane' && n.kubeletUp);
  if (!next) return;
  for (const lease of ['kube-scheduler', 'kube-controller-manager']) {
    const cur = sim.store.get('leases', lease, 'kube-system');
    if (!cur || leaseHolder(sim, lease) !== node.name) continue;
    const now = new Date().toISOString().replace(/Z$/, '000Z');
    sim.store.update('leases', { ...cur, spec: { ...cur.spec, holderIdentity: `${next.name}_${randomUUID()}`, acquireTime: now, renewTime: now, leaseTransitions: (cur.spec?.leaseTransitions ?? 0) + 1 } });
  }
}

// A node's kubelet started: nothing to re-arm today (kept as the hook for after-start effects).
export function onKubeletStarted(_sim: LabSim, _node: NodeSim): void {}

// After any store change: repairs the operator made through the API.
export function checkRepairs(sim: LabSim): void {
  for (const n of sim.nodes) {
    if (!n.natMissing) continue;
    const calico = podsOn(sim, n).find((p) => p.metadata.labels?.['k8s-app'] === CALICO_LABELS['k8s-app']);
    if (calico && calico.metadata.uid !== n.calicoUidAtBoot && calico.status?.phase === 'Running') n.natMissing = false;
  }
  const slice = sim.faults.get('stale-endpointslice')?.slice;
  if (sim.faultOn('stale-endpointslice') && slice && !sim.store.peek('endpointslices', slice, 'default')) off(sim, 'stale-endpointslice', `cleared: EndpointSlice default/${slice} was deleted and recreated`);
  if (sim.faultOn('pdb-blocks-drain') && !sim.store.peek('poddisruptionbudgets', 'critical', 'default')) off(sim, 'pdb-blocks-drain', 'cleared: PodDisruptionBudget default/critical was deleted');
}
