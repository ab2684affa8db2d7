// A small seeded cluster for the kube tests: three nodes, a DaemonSet pod on each, a Deployment
// `web` (3 replicas) with a Service and a PodDisruptionBudget, and a Lease.
import { KubeStore, makeDaemonSet, makeDeployment, makeLease, makeNode, makePdb, makePod, makeService, type KubeObject } from '../../../lab/kube/index.js';

export interface SeedOptions {
  minAvailable?: number | string;
  replicas?: number;
}

// Seed `store` and return the DaemonSet object.
export function seedCluster(store: KubeStore, o: SeedOptions = {}): { ds: KubeObject } {
  store.add(
    makeNode('n1', { labels: { 'node-role.kubernetes.io/control-plane': '' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] }),
    makeNode('n2', { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] }),
    makeNode('n3', { addresses: [{ type: 'InternalIP', address: '10.0.0.3' }] }),
  );
  const [ds] = store.add(makeDaemonSet('calico-node', { namespace: 'kube-system', labels: { 'k8s-app': 'calico-node' } }));
  if (!ds) throw new Error('no daemonset');
  for (const n of ['n1', 'n2', 'n3']) {
    store.add(makePod({ name: `calico-node-${n}`, namespace: 'kube-system', nodeName: n, owner: ds, labels: { 'k8s-app': 'calico-node' } }));
  }
  store.add(
    makeDeployment('web', { replicas: o.replicas ?? 3, labels: { app: 'web' } }),
    makeService('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
    makePdb('web', { minAvailable: o.minAvailable ?? 2, selector: { app: 'web' } }),
    makeLease('tsplay-run-lock', { holderIdentity: 'tsplay@controller' }),
  );
  return { ds };
}

// The pods of app=web, sorted by name.
export function webPods(store: KubeStore): KubeObject[] {
  return store.list('pods', { namespace: 'default', labelSelector: 'app=web' });
}

// Poll `check` every 10 ms until it returns true (bounded by `ms`).
export async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
