// One reconciliation pass of every built-in controller, run by the store after each change.
import type { KubeStore } from '../store.js';
import { syncDeployments } from './deployments.js';
import { syncJobs } from './jobs.js';
import { syncEndpointSlices } from './endpointslices.js';
import { syncNodeLeases } from './node-leases.js';
import { syncPdbs } from './pdb.js';
import { replaceGonePods, syncReplicaSets, syncWorkloadStatus } from './replicas.js';
import { schedulePods } from './scheduler.js';

// Run the controllers once in dependency order: workloads, then pods, then derived status.
export function reconcileCluster(store: KubeStore): void {
  syncNodeLeases(store);
  syncDeployments(store);
  syncReplicaSets(store);
  syncJobs(store);
  replaceGonePods(store);
  schedulePods(store);
  syncWorkloadStatus(store);
  syncPdbs(store);
  syncEndpointSlices(store);
}
