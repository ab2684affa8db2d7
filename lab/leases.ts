// The kubelet's heartbeat: every running kubelet (kubelite) renews its node's Lease in kube-node-lease
// (spec.renewTime) every nodeLeaseRenewMs, as long as the API takes writes.
import { apiserverUp } from './api-gate.js';
import type { NodeSim } from './node.js';
import type { LabSim } from './sim.js';

// Renew the node Leases of running kubelets (all nodes, or just `only`); nothing while writes fail.
export function renewNodeLeases(sim: LabSim, only?: NodeSim): void {
  if (!apiserverUp(sim) || sim.datastore.writesFailing()) return;
  const now = new Date().toISOString().replace(/Z$/, '000Z');
  sim.store.batch(() => {
    for (const n of only ? [only] : sim.nodes) {
      if (!sim.kubeletActive(n)) continue;
      const cur = sim.store.get('leases', n.name, 'kube-node-lease');
      if (cur) sim.store.update('leases', { ...cur, spec: { ...cur.spec, holderIdentity: n.name, renewTime: now } });
    }
  });
}
