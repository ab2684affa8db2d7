// Builders for the objects a simulated cluster is made of (plain objects; add them with store.add).
import type { LabelSelectorObject } from './selectors.js';
import { nowTimestamp, type KubeObject, type OwnerReference } from './types.js';

// A node address (status.addresses entry).
export interface NodeAddress { type: 'InternalIP' | 'ExternalIP' | 'Hostname' | 'InternalDNS' | 'ExternalDNS'; address: string }
// A node taint.
export interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }

// Options of makeNode.
export interface NodeOptions {
  ready?: boolean;
  version?: string;
  addresses?: NodeAddress[];
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  pressure?: { memory?: boolean; disk?: boolean; pid?: boolean };
  osImage?: string;
  kernelVersion?: string;
  containerRuntimeVersion?: string;
}

function cond(type: string, ok: boolean, reasonTrue: string, reasonFalse: string, message: string): Record<string, string> {
  const t = nowTimestamp();
  return { type, status: ok ? 'True' : 'False', reason: ok ? reasonTrue : reasonFalse, message, lastHeartbeatTime: t, lastTransitionTime: t };
}

// The status.conditions of a node with the given readiness and pressures.
export function nodeConditions(ready: boolean, pressure: NodeOptions['pressure'] = {}): Record<string, string>[] {
  return [
    cond('MemoryPressure', pressure.memory ?? false, 'KubeletHasInsufficientMemory', 'KubeletHasSufficientMemory', 'kubelet memory status'),
    cond('DiskPressure', pressure.disk ?? false, 'KubeletHasDiskPressure', 'KubeletHasNoDiskPressure', 'kubelet disk status'),
    cond('PIDPressure', pressure.pid ?? false, 'KubeletHasInsufficientPID', 'KubeletHasSufficientPID', 'kubelet PID status'),
    cond('Ready', ready, 'KubeletReady', 'KubeletNotReady', ready ? 'kubelet is posting ready status' : 'container runtime network not ready'),
  ];
}

// A v1 Node with conditions, nodeInfo (kubeletVersion), addresses, capacity and the usual labels.
export function makeNode(name: string, opts: NodeOptions = {}): KubeObject {
  const version = opts.version ?? 'v1.28.15';
  const resources = { cpu: '4', memory: '8148024Ki', pods: '110', 'ephemeral-storage': '81106868Ki' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', ...(opts.labels ?? {}) } },
    spec: { ...(opts.unschedulable ? { unschedulable: true } : {}), ...(opts.taints?.length ? { taints: opts.taints } : {}) },
    status: {
      conditions: nodeConditions(opts.ready ?? true, opts.pressure),
      addresses: opts.addresses ?? [{ type: 'Hostname', address: name }],
      capacity: resources,
      allocatable: resources,
      nodeInfo: {
        kubeletVersion: version,
        kubeProxyVersion: version,
        osImage: opts.osImage ?? 'Ubuntu 22.04.4 LTS',
        kernelVersion: opts.kernelVersion ?? '5.15.0-105-generic',
        containerRuntimeVersion: opts.containerRuntimeVersion ?? 'containerd://1.6.28',
        operatingSystem: 'linux',
        architecture: 'amd64',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}

// Options of makePod. `owner` (a created workload object) or `ownerKind` (+ `ownerName`) sets the controller.
export interface PodOptions {
  name: string;
  namespace?: string;
  nodeName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: KubeObject;
  ownerKind?: 'ReplicaSet' | 'DaemonSet' | 'StatefulSet';
  ownerName?: string;
  emptyDir?: boolean;
  ip?: string;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  ready?: boolean;
  mirror?: boolean;
  terminationGracePeriodSeconds?: number;
  tolerations?: Record<string, string>[];
  image?: string;
}

function ownerRef(o: PodOptions): OwnerReference | undefined {
  if (o.owner) return { apiVersion: o.owner.apiVersion ?? 'apps/v1', kind: o.owner.kind ?? '', name: o.owner.metadata.name ?? '', uid: o.owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
  if (!o.ownerKind) return undefined;
  const name = o.ownerName ?? o.name.replace(/-[^-]+$/, '');
  return { apiVersion: 'apps/v1', kind: o.ownerKind, name, uid: `${o.ownerKind.toLowerCase()}-${name}`, controller: true, blockOwnerDeletion: true };
}

// A v1 Pod. With nodeName it is bound and has the given phase/readiness (IP assigned by the kubelet
// controller if `ip` is not given); without nodeName the scheduler places it.
export function makePod(o: PodOptions): KubeObject {
  const ref = ownerRef(o);
  const annotations = { ...(o.annotations ?? {}), ...(o.mirror ? { 'kubernetes.io/config.mirror': 'mirror' } : {}) };
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace ?? 'default', labels: { ...(o.labels ?? {}) }, ...(Object.keys(annotations).length ? { annotations } : {}), ...(ref ? { ownerReferences: [ref] } : {}) },
    spec: {
      containers: [{ name: 'main', image: o.image ?? 'registry.k8s.io/pause:3.9', ...(o.emptyDir ? { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] } : {}) }],
      ...(o.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      terminationGracePeriodSeconds: o.terminationGracePeriodSeconds ?? 30,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
    },
  };
  if (!o.nodeName) return pod;
  const ready = o.ready ?? true;
  const phase = o.phase ?? 'Running';
  const t = nowTimestamp();
  const c = (type: string, ok: boolean) => ({ type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t });
  pod.status = {
    phase,
    conditions: [c('Initialized', true), c('Ready', ready), c('ContainersReady', ready), c('PodScheduled', true)],
    ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
    startTime: t,
    qosClass: 'BestEffort',
    containerStatuses: [{ name: 'main', image: o.image ?? 'registry.k8s.io/pause:3.9', imageID: '', ready, restartCount: 0, started: phase === 'Running' }],
  };
  return pod;
}

function labelSelector(sel: Record<string, string> | LabelSelectorObject): LabelSelectorObject {
  return 'matchLabels' in sel || 'matchExpressions' in sel ? (sel as LabelSelectorObject) : { matchLabels: sel as Record<string, string> };
}

// A policy/v1 PodDisruptionBudget; selector is matchLabels or a full LabelSelector.
export function makePdb(name: string, o: { namespace?: string; minAvailable?: number | string; maxUnavailable?: number | string; selector: Record<string, string> | LabelSelectorObject; unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow' }): KubeObject {
  const spec: Record<string, unknown> = { selector: labelSelector(o.selector) };
  if (o.minAvailable !== undefined) spec['minAvailable'] = o.minAvailable;
  if (o.maxUnavailable !== undefined) spec['maxUnavailable'] = o.maxUnavailable;
  if (o.unhealthyPodEvictionPolicy) spec['unhealthyPodEvictionPolicy'] = o.unhealthyPodEvictionPolicy;
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: o.namespace ?? 'default' }, spec };
}
