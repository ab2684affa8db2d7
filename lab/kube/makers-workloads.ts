// Builders for workloads, Services, EndpointSlices and Leases.
import type { KubeObject } from './types.js';

// Options shared by the workload builders: pod labels (also the selector), replicas, image.
export interface WorkloadOptions {
  namespace?: string;
  labels?: Record<string, string>;
  replicas?: number;
  image?: string;
  emptyDir?: boolean;
  terminationGracePeriodSeconds?: number;
}

function template(name: string, o: WorkloadOptions, tolerateAll = false): Record<string, unknown> {
  return {
    metadata: { labels: { ...(o.labels ?? { app: name }) } },
    spec: {
      containers: [{ name: 'main', image: o.image ?? 'registry.k8s.io/pause:3.9', ...(o.emptyDir ? { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] } : {}) }],
      ...(o.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
      terminationGracePeriodSeconds: o.terminationGracePeriodSeconds ?? 30,
      ...(tolerateAll ? { tolerations: [{ operator: 'Exists' }] } : {}),
    },
  };
}

function workload(apiKind: string, name: string, o: WorkloadOptions, withReplicas: boolean): KubeObject {
  const labels = o.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: apiKind,
    metadata: { name, namespace: o.namespace ?? 'default', labels: { ...labels } },
    spec: {
      ...(withReplicas ? { replicas: o.replicas ?? 1 } : {}),
      selector: { matchLabels: { ...labels } },
      template: template(name, o, apiKind === 'DaemonSet'),
    },
  };
}

// An apps/v1 Deployment; the controllers create its ReplicaSet and pods.
export function makeDeployment(name: string, o: WorkloadOptions = {}): KubeObject {
  return workload('Deployment', name, o, true);
}

// An apps/v1 ReplicaSet; the controllers keep spec.replicas pods of it.
export function makeReplicaSet(name: string, o: WorkloadOptions = {}): KubeObject {
  return workload('ReplicaSet', name, o, true);
}

// An apps/v1 DaemonSet object (pods are added with makePod({owner}) per node).
export function makeDaemonSet(name: string, o: WorkloadOptions = {}): KubeObject {
  return workload('DaemonSet', name, o, false);
}

// An apps/v1 StatefulSet object (pods are added with makePod({owner}); deleted ones come back by name).
export function makeStatefulSet(name: string, o: WorkloadOptions = {}): KubeObject {
  const sts = workload('StatefulSet', name, o, true);
  sts.spec.serviceName = name;
  return sts;
}

// A Service port.
export interface ServicePortSpec { name?: string; port: number; targetPort?: number | string; protocol?: 'TCP' | 'UDP' | 'SCTP' }

// A v1 Service; with a selector the EndpointSlice controller maintains its slice.
export function makeService(name: string, o: { namespace?: string; selector?: Record<string, string>; ports?: ServicePortSpec[]; clusterIP?: string; type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default' },
    spec: {
      type: o.type ?? 'ClusterIP',
      ...(o.selector ? { selector: { ...o.selector } } : {}),
      ports: (o.ports ?? [{ port: 80 }]).map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
      clusterIP: o.clusterIP ?? '10.152.183.10',
      clusterIPs: [o.clusterIP ?? '10.152.183.10'],
    },
  };
}

// One endpoint of a hand-made EndpointSlice.
export interface EndpointSpec { ip: string; ready?: boolean; podName?: string; podUid?: string; nodeName?: string }

// A discovery.k8s.io/v1 EndpointSlice for `service` (hand-made, e.g. a stale one; not managed by the controller
// unless managedBy is the controller's name).
export function makeEndpointSlice(name: string, o: { namespace?: string; service: string; endpoints: EndpointSpec[]; ports?: { name?: string; port: number; protocol?: string }[]; managedBy?: string }): KubeObject {
  const ns = o.namespace ?? 'default';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': o.service, 'endpointslice.kubernetes.io/managed-by': o.managedBy ?? 'tsplay-lab' } },
    addressType: 'IPv4',
    endpoints: o.endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.ready ?? true, terminating: false },
      ...(e.podName ? { targetRef: { kind: 'Pod', namespace: ns, name: e.podName, ...(e.podUid ? { uid: e.podUid } : {}) } } : {}),
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
    })),
    ports: (o.ports ?? [{ port: 80 }]).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

// A coordination.k8s.io/v1 Lease (default namespace kube-system), e.g. a leader-election or run lock.
export function makeLease(name: string, o: { namespace?: string; holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string } = {}): KubeObject {
  const now = new Date().toISOString().replace(/Z$/, '000Z');
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: o.namespace ?? 'kube-system' },
    spec: {
      ...(o.holderIdentity !== undefined ? { holderIdentity: o.holderIdentity } : {}),
      leaseDurationSeconds: o.leaseDurationSeconds ?? 15,
      acquireTime: o.acquireTime ?? now,
      renewTime: o.renewTime ?? now,
      leaseTransitions: 0,
    },
  };
}

// A v1 Namespace.
export function makeNamespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}
