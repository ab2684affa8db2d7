// The EndpointSlice controller: one discovery.k8s.io/v1 slice per selector Service, listing the
// matching pods' IPs with their readiness and a targetRef to the pod. Frozen slices are left alone.
import type { KubeStore } from '../store.js';
import { mapSelectorMatches } from '../selectors.js';
import { isPodReady, jsonEqual, type KubeObject } from '../types.js';
import { controllerRef } from './replicas.js';

// The label that ties an EndpointSlice to its Service.
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
// The managed-by label value of the built-in controller.
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

interface ServicePort { name?: string; port?: number; targetPort?: number | string; protocol?: string }
interface ContainerPort { name?: string; containerPort?: number }

function targetPortFor(p: ServicePort, pods: KubeObject[]): number | undefined {
  const t = p.targetPort ?? p.port;
  if (typeof t === 'number') return t;
  for (const pod of pods) {
    for (const c of pod.spec?.containers ?? []) {
      const hit = ((c.ports ?? []) as ContainerPort[]).find((cp) => cp.name === t);
      if (hit?.containerPort) return hit.containerPort;
    }
  }
  return Number(t) || undefined;
}

// The endpoints and ports a Service's slice should list now.
export function desiredEndpoints(store: KubeStore, svc: KubeObject): { endpoints: unknown[]; ports: unknown[] } {
  const pods = store
    .items('pods')
    .filter((p) => p.metadata.namespace === svc.metadata.namespace && mapSelectorMatches(svc.spec?.selector, p.metadata.labels))
    .filter((p) => p.status?.podIP && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
  const endpoints = pods.map((p) => {
    const terminating = Boolean(p.metadata.deletionTimestamp);
    const serving = (p.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
    return {
      addresses: [p.status.podIP],
      conditions: { ready: isPodReady(p), serving, terminating },
      targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
      ...(p.spec?.nodeName ? { nodeName: p.spec.nodeName } : {}),
    };
  });
  const ports = ((svc.spec?.ports ?? []) as ServicePort[]).map((p) => ({ name: p.name ?? '', port: targetPortFor(p, pods), protocol: p.protocol ?? 'TCP' }));
  return { endpoints, ports };
}

// Create or update the slice of every Service that has a selector.
export function syncEndpointSlices(store: KubeStore): void {
  for (const svc of store.items('services')) {
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) continue;
    const ns = svc.metadata.namespace ?? 'default';
    const slices = store.items('endpointslices').filter((s) => s.metadata.namespace === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name && s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY);
    if (slices.some((s) => store.isEndpointSliceFrozen(ns, s.metadata.name ?? ''))) continue;
    const want = desiredEndpoints(store, svc);
    const slice = slices[0];
    if (!slice) {
      store.create('endpointslices', {
        metadata: {
          generateName: `${svc.metadata.name}-`,
          namespace: ns,
          labels: { [SERVICE_NAME_LABEL]: svc.metadata.name ?? '', 'endpointslice.kubernetes.io/managed-by': MANAGED_BY },
          ownerReferences: [controllerRef(svc)],
        },
        addressType: 'IPv4',
        ...want,
      });
    } else {
      if (!jsonEqual(want.endpoints, slice['endpoints']) || !jsonEqual(want.ports, slice['ports'])) store.update('endpointslices', { ...slice, ...want });
    }
  }
}
