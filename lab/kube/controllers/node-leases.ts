// Node heartbeats: one Lease per node in kube-node-lease, owned by the node (as the kubelet creates it).
import type { KubeStore } from '../store.js';
import { controllerRef } from './replicas.js';

// Create the missing node Leases (renewTime is set at creation; the lab may renew them).
export function syncNodeLeases(store: KubeStore): void {
  for (const node of store.items('nodes')) {
    const name = node.metadata.name ?? '';
    if (store.peek('leases', name, 'kube-node-lease')) continue;
    const now = new Date().toISOString().replace(/Z$/, '000Z');
    store.create('leases', {
      metadata: { name, namespace: 'kube-node-lease', ownerReferences: [{ ...controllerRef(node), controller: false }] },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: now },
    });
  }
}
