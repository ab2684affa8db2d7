// The simulated Kubernetes API (the rehearsal lab's cluster and tsplay's kubectl test fixture).
export { startKubeApi, isLoopbackHost, type KubeApi, type KubeApiOptions } from './server.js';
export { KubeStore, type KubeStoreOptions, type DeleteOptions, type UpdateScope, type GonePod, type ListOptions, type StoreListener } from './store.js';
export { KubeStatusError, type KubeStatus, type StatusReason, type StatusCause, type StatusDetails } from './errors.js';
export { makeNode, makePod, makePdb, nodeConditions, type NodeOptions, type PodOptions, type NodeAddress, type Taint } from './makers.js';
export { makeDeployment, makeReplicaSet, makeDaemonSet, makeStatefulSet, makeService, makeEndpointSlice, makeLease, makeNamespace, type WorkloadOptions, type ServicePortSpec, type EndpointSpec } from './makers-workloads.js';
export { setNodeCondition, setNodeReady, setPodReady, type NodeConditionType } from './ops.js';
export { buildKubeconfig, type KubeconfigSpec } from './kubeconfig.js';
export { computePdbCounts, scaledValue, type PdbCounts } from './controllers/pdb.js';
export { PDB_VIOLATION_MESSAGE, type EvictOptions } from './controllers/eviction.js';
export { SERVICE_NAME_LABEL } from './controllers/endpointslices.js';
export { parseLabelSelector, matchesLabels, selectorMatches, parseFieldSelector, type LabelRequirement, type FieldRequirement, type LabelSelectorObject } from './selectors.js';
export { applyPatch, applyJsonPatch, type PatchType } from './patch.js';
export { RESOURCES, resourceByName, type ResourceDef } from './resources.js';
export type { KubeObject, ObjectMeta, OwnerReference, StoreEvent, WatchEventType } from './types.js';
export { makeSelfSignedCert } from './selfsigned.js';
export { logStamp, type LogLine, type PodLogSource } from './logs.js';
