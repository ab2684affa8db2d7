// Cluster-side state changes the lab and tests make directly: node and pod readiness.
import type { KubeStore } from './store.js';
import { nowTimestamp, type KubeObject } from './types.js';

// A node condition type.
export type NodeConditionType = 'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'NetworkUnavailable';

function setCondition(obj: KubeObject, type: string, status: 'True' | 'False' | 'Unknown', reason?: string, message?: string): KubeObject {
  const next = structuredClone(obj);
  const conds: Record<string, unknown>[] = (next.status ??= {}).conditions ??= [];
  const now = nowTimestamp();
  const cur = conds.find((c) => c['type'] === type);
  if (cur) {
    if (cur['status'] !== status) cur['lastTransitionTime'] = now;
    cur['status'] = status;
    if (reason !== undefined) cur['reason'] = reason;
    if (message !== undefined) cur['message'] = message;
    if ('lastHeartbeatTime' in cur) cur['lastHeartbeatTime'] = now;
  } else {
    conds.push({ type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastTransitionTime: now });
  }
  return next;
}

// Set one condition of a node (as its kubelet or the node lifecycle controller would).
export function setNodeCondition(store: KubeStore, name: string, type: NodeConditionType, status: 'True' | 'False' | 'Unknown', reason?: string, message?: string): KubeObject {
  const node = store.get('nodes', name);
  if (!node) throw new Error(`node ${name} not found`);
  return store.update('nodes', setCondition(node, type, status, reason, message), 'status');
}

// Mark a node Ready or NotReady.
export function setNodeReady(store: KubeStore, name: string, ready: boolean): KubeObject {
  return ready
    ? setNodeCondition(store, name, 'Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
    : setNodeCondition(store, name, 'Ready', 'False', 'KubeletNotReady', 'container runtime network not ready');
}

// Mark a pod Ready or not (its Ready and ContainersReady conditions).
export function setPodReady(store: KubeStore, name: string, namespace: string, ready: boolean): KubeObject {
  const pod = store.get('pods', name, namespace);
  if (!pod) throw new Error(`pod ${namespace}/${name} not found`);
  const s = ready ? 'True' : 'False';
  const next = setCondition(setCondition(pod, 'Ready', s), 'ContainersReady', s);
  for (const cs of next.status?.containerStatuses ?? []) cs.ready = ready;
  return store.update('pods', next, 'status');
}
