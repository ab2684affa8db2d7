// Fault injection: turning each seed failure on and off (fault-hooks.ts arms the after-reboot faults
// and notices the repairs the runbooks prescribe: a restarted component, a deleted slice or pod).
import { addons, setAddonVersions } from './addons.js';
import { schedulableNodes } from './cluster-seed.js';
import { startContention, startContextCanceled } from './contention.js';
import { startLeaderChurn } from './etcd-log.js';
import { freezeIngress, thawIngress } from './ingress.js';
import { makeDeployment, makePdb, SERVICE_NAME_LABEL } from './kube/index.js';
import { breakCoreDns, healCoreDns, holdPods, releasePods } from './pod-faults.js';
import { restartPodInPlace } from './pods.js';
import { flushStale } from './sandboxes.js';
import type { FaultState, LabSim } from './sim.js';
import { FAULT_NAMES, type FaultName } from './types.js';

import { leaseHolder } from './fault-hooks.js';

export { checkRepairs } from './fault-hooks.js';

// Whether a string names a fault.
export function isFaultName(s: string): s is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(s);
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

function needs(sim: LabSim, name: FaultName, kind: 'dqlite' | 'etcd'): void {
  if (sim.kind !== kind) throw new Error(`${name} needs ${kind === 'dqlite' ? 'a dqlite (microk8s)' : 'an etcd (kubeadm)'} lab`);
}

// Turn a fault on or off; returns a message for the operator, or throws an Error explaining why not.
export function setFault(sim: LabSim, name: FaultName, on: boolean, nodes: string[] = []): string {
  for (const n of nodes) if (!sim.node(n)) throw new Error(`no node named ${n}`);
  const was = sim.faults.get(name);
  if (!on) {
    if (was?.stop) was.stop();
    sim.faults.set(name, { on: false });
    undo(sim, name, was);
    return `${name} off`;
  }
  if (was?.on) return `${name} is already on`;
  const state: FaultState = { on: true };
  if (nodes.length) state.nodes = nodes;
  switch (name) {
    case 'dqlite-lock-contention': {
      needs(sim, name, 'dqlite');
      state.nodes = nodes.length ? nodes : sim.datastore.voters().map((m) => m.node);
      state.stop = startContention(sim, state.nodes);
      break;
    }
    case 'dqlite-context-canceled': {
      needs(sim, name, 'dqlite');
      const voters = sim.datastore.voters().map((m) => m.node);
      state.nodes = nodes.length ? nodes : [voters[1] ?? voters[0] ?? 'k8s01'];
      sim.faults.set(name, state);
      state.stop = startContextCanceled(sim, () => sim.faults.get(name)?.nodes ?? []);
      state.note = `k8s-dqlite on ${state.nodes.join(', ')} logs "context canceled" until it is restarted there`;
      break;
    }
    case 'etcd-leader-churn': {
      needs(sim, name, 'etcd');
      state.nodes = nodes.length ? nodes : sim.datastore.members.map((m) => m.node);
      state.stop = startLeaderChurn(sim, state.nodes);
      state.note = `etcd leader changes and "apply request took too long" in the etcd log of ${state.nodes.join(', ')}`;
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
    case 'pods-stuck-terminating': {
      state.nodes = nodes.length ? nodes : sim.nodes.map((n) => n.name);
      sim.faults.set(name, state);
      holdPods(sim, state.nodes);
      state.note = `pods deleted or evicted on ${state.nodes.join(', ')} stay Terminating (finalizer lab.tsplay.dev/stuck-terminating) until force-deleted (grace period 0) or the finalizer is removed`;
      break;
    }
    case 'scheduler-stall':
      sim.store.schedulerPaused = true;
      state.note = `kube-scheduler (lease held by ${leaseHolder(sim, 'kube-scheduler') ?? '?'}) schedules nothing`;
      break;
    case 'coredns-replica-down': {
      const pod = breakCoreDns(sim, nodes[0]);
      state.pod = pod.metadata.uid ?? '';
      state.note = `kube-system/${pod.metadata.name} on ${pod.spec?.nodeName ?? '?'} is not Ready (readiness probe failing) until it is deleted or restarted`;
      break;
    }
    case 'addon-versions-too-old': {
      setAddonVersions(sim, true);
      state.note = addons(sim.flavor).map((a) => `${a.name} ${a.old} (up to ${a.oldSupportsUpTo})`).join(', ');
      break;
    }
    default:
      break;
  }
  sim.faults.set(name, state);
  return `${name} on${state.note ? `: ${state.note}` : ''}`;
}

// Put back what turning a fault on changed.
export function undo(sim: LabSim, name: FaultName, was?: FaultState): void {
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
    case 'pods-stuck-terminating':
      releasePods(sim);
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
    case 'kube-proxy-nat-missing-after-reboot':
      for (const n of sim.nodes) n.kubeProxyNatMissing = false;
      break;
    case 'coredns-replica-down':
      healCoreDns(sim, was?.pod);
      break;
    case 'addon-versions-too-old':
      if (was?.on) setAddonVersions(sim, false);
      break;
    default:
      break;
  }
}
