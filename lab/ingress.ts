// ingress-nginx's backend list (`/configuration/backends`), live from the pods or, under
// stale-ingress-backend, frozen per controller pod until that pod is replaced.
import { INGRESS_BACKENDS, INGRESS_LABELS, INGRESS_NS } from './cluster-seed.js';
import type { KubeObject } from './kube/types.js';
import type { LabSim } from './sim.js';

// One ingress-nginx backend (the fields the lab fills).
export interface Backend {
  name: string;
  service: { name: string; namespace: string } | null;
  port: number | string;
  sslPassthrough: boolean;
  endpoints: { address: string; port: string }[];
  noServer: boolean;
}

const caches = new WeakMap<LabSim, Map<string, Backend[]>>();

function cacheOf(sim: LabSim): Map<string, Backend[]> {
  let c = caches.get(sim);
  if (!c) caches.set(sim, (c = new Map()));
  return c;
}

function ready(p: KubeObject): boolean {
  return p.status?.phase === 'Running' && !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
}

// The backends as a freshly started controller sees them now.
export function liveBackends(sim: LabSim): Backend[] {
  const out: Backend[] = [];
  for (const b of INGRESS_BACKENDS) {
    const svc = sim.store.get('services', b.service, b.namespace);
    if (!svc) continue;
    const port = (svc.spec?.ports ?? []).find((p: { port?: number }) => p.port === b.port) as { targetPort?: number | string; port?: number } | undefined;
    const target = String(port?.targetPort ?? b.port);
    const selector = Object.entries((svc.spec?.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = sim.store.list('pods', { namespace: b.namespace, labelSelector: selector }).filter((p) => ready(p) && p.status?.podIP);
    out.push({ name: `${b.namespace}-${b.service}-${b.port}`, service: { name: b.service, namespace: b.namespace }, port: b.port, sslPassthrough: false, endpoints: pods.map((p) => ({ address: String(p.status.podIP), port: target })), noServer: false });
  }
  out.push({ name: 'upstream-default-backend', service: null, port: 0, sslPassthrough: false, endpoints: [{ address: '127.0.0.1', port: '8181' }], noServer: false });
  return out;
}

// The ingress controller pods, sorted by name.
export function ingressPods(sim: LabSim): KubeObject[] {
  return sim.store.list('pods', { namespace: INGRESS_NS, labelSelector: `app.kubernetes.io/name=${INGRESS_LABELS['app.kubernetes.io/name']}` });
}

// Freeze every current controller pod's view (stale-ingress-backend on).
export function freezeIngress(sim: LabSim): void {
  const c = cacheOf(sim);
  const live = liveBackends(sim);
  for (const p of ingressPods(sim)) c.set(p.metadata.uid ?? '', structuredClone(live));
}

// Drop every frozen view (the fault turned off).
export function thawIngress(sim: LabSim): void {
  cacheOf(sim).clear();
}

// What one controller pod serves: its frozen view if it has one, else the live list.
export function backendsOf(sim: LabSim, pod: KubeObject): Backend[] {
  const c = cacheOf(sim);
  for (const uid of [...c.keys()]) if (!ingressPods(sim).some((p) => p.metadata.uid === uid)) c.delete(uid);
  return c.get(pod.metadata.uid ?? '') ?? liveBackends(sim);
}

// Whether any controller pod serves a frozen view.
export function ingressStale(sim: LabSim): boolean {
  return ingressPods(sim).some((p) => cacheOf(sim).has(p.metadata.uid ?? ''));
}

const SERVICE_PATH = /^\/api\/v1\/namespaces\/ingress\/services\/(?:https?:)?ingress-nginx-controller(?::10246)?\/proxy\/configuration\/backends\/?$/;
const POD_PATH = /^\/api\/v1\/namespaces\/ingress\/pods\/(?:https?:)?([^/:]+)(?::10246)?\/proxy\/configuration\/backends\/?$/;

// Answer a service or pod proxy request for /configuration/backends: [status, body], or undefined for other paths.
export function serveBackends(sim: LabSim, path: string): [number, unknown] | undefined {
  const viaPod = POD_PATH.exec(path);
  if (!SERVICE_PATH.test(path) && !viaPod) return undefined;
  const pods = ingressPods(sim);
  const pod = viaPod ? pods.find((p) => p.metadata.name === viaPod[1]) : pods.find(ready);
  if (!pod) {
    if (viaPod) return [404, status(404, 'NotFound', `pods "${viaPod[1]}" not found`)];
    return [503, status(503, 'ServiceUnavailable', 'no endpoints available for service "ingress-nginx-controller"')];
  }
  if (!ready(pod)) return [503, status(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${pod.status?.podIP ?? ''}:10246: connect: connection refused`)];
  return [200, backendsOf(sim, pod)];
}

// A Status object body.
export function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
