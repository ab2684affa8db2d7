// kubectl action=scheduling: the two stalls of a rolling reboot gone wrong, read from the API.
// A scheduler stall is a Pending, unbound pod older than stuck_after with no FailedScheduling event
// of its own (a busy cluster's unschedulable pods do have one; another pod's event proves nothing).
// A kubelet stall is a pod bound to a node for longer than stuck_after that the node's kubelet has
// neither started nor reported a single event about. Read-only.
import type { KubeClient } from '../../engine/kube/index.js';
import type { Probe } from '../../engine/module.js';
import { conditionOf, keyOf, type Obj } from './kube-objects.js';

// One stalled pod.
export interface Stalled {
  pod: string;
  node?: string;
  age_s: number;
}

function ts(v: unknown): number {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

// The events about a pod (by uid when the event has one, else namespace and name), newest first.
function eventsOf(pod: Obj, events: Obj[]): Obj[] {
  const uid = pod['metadata']?.uid;
  const ns = pod['metadata']?.namespace;
  const name = pod['metadata']?.name;
  const born = ts(pod['metadata']?.creationTimestamp);
  return events.filter((e) => {
    const io = e['involvedObject'] ?? e['regarding'] ?? {};
    if (io.kind && io.kind !== 'Pod') return false;
    if (io.uid && uid) return io.uid === uid;
    const at = ts(e['lastTimestamp'] ?? e['eventTime'] ?? e['firstTimestamp'] ?? e['metadata']?.creationTimestamp);
    return io.namespace === ns && io.name === name && (at === 0 || at >= born - 1000);
  });
}

function fromKubelet(e: Obj): boolean {
  return e['source']?.component === 'kubelet' || e['reportingComponent'] === 'kubelet' || e['reportingController'] === 'kubelet';
}

// Reads the Pending pods and their events and decides (node: only pods bound to that node count for the kubelet check).
export async function schedulingProbe(client: KubeClient, stuckAfterS: number, node?: string, now = Date.now()): Promise<Probe> {
  const pending = (await client.list('pods', { allNamespaces: true, fieldSelector: 'status.phase=Pending' })).items.filter((p) => !p['metadata']?.deletionTimestamp);
  const events = pending.length ? (await client.list('events', { allNamespaces: true })).items : [];
  const unscheduled: Stalled[] = [];
  const unschedulable: Stalled[] = [];
  const kubelet: Stalled[] = [];
  for (const pod of pending) {
    const mine = eventsOf(pod, events);
    const bound = pod['spec']?.nodeName as string | undefined;
    if (!bound) {
      const age = Math.round((now - ts(pod['metadata']?.creationTimestamp)) / 1000);
      const entry = { pod: keyOf(pod), age_s: age };
      if (mine.some((e) => e['reason'] === 'FailedScheduling')) unschedulable.push(entry);
      else if (age >= stuckAfterS) unscheduled.push(entry);
      continue;
    }
    if (node && bound !== node) continue;
    const scheduled = ts(conditionOf(pod, 'PodScheduled')?.lastTransitionTime) || ts(pod['metadata']?.creationTimestamp);
    const age = Math.round((now - scheduled) / 1000);
    const started = ((pod['status']?.containerStatuses ?? []) as Obj[]).length > 0;
    if (!started && age >= stuckAfterS && !mine.some(fromKubelet)) kubelet.push({ pod: keyOf(pod), node: bound, age_s: age });
  }
  const lease = await client.find('leases', 'kube-scheduler', { namespace: 'kube-system' });
  const holder = String(lease?.['spec']?.holderIdentity ?? '').split('_')[0] ?? '';
  const problems: string[] = [];
  if (unscheduled.length) {
    problems.push(`scheduler stall: ${unscheduled.length} pod(s) Pending for ${stuckAfterS}s or more with no FailedScheduling event of their own (${unscheduled.map((p) => `${p.pod} ${p.age_s}s`).join(', ')}); restart the scheduler on its leader${holder ? ` ${holder}` : ''} (kube-scheduler, or kubelite on microk8s)`);
  }
  const nodes = [...new Set(kubelet.map((k) => k.node))];
  if (kubelet.length) {
    problems.push(`kubelet stall on ${nodes.join(', ')}: ${kubelet.length} pod(s) bound for ${stuckAfterS}s or more that the kubelet has not started and reported nothing about (${kubelet.map((p) => `${p.pod} ${p.age_s}s`).join(', ')}); restart the kubelet (kubelite on microk8s) on ${nodes.join(', ')}`);
  }
  const result = {
    changed: false, ok: problems.length === 0, pending: pending.length, unscheduled, unschedulable, kubelet_stalled: kubelet, kubelet_stalled_nodes: nodes,
    scheduler_holder: holder, msg: problems.length ? problems.join('; ') : `no stall: ${pending.length} Pending pod(s), ${unschedulable.length} with their own FailedScheduling event`,
    _tsplay_report: { summary: problems.length ? `${unscheduled.length} unscheduled, ${kubelet.length} not started` : `no stall (${pending.length} Pending)` },
  };
  return { changed: false, result };
}
