// The rehearsal lab: a simulated microk8s/kubeadm cluster with SSH nodes and a Kubernetes API.
// Start a lab in this process.
export { startLab, LAB_LOGIN, type Lab } from './lab.js';
// Options, timings, tool calls and the fault names.
export { DEFAULT_TIMINGS, FAULT_NAMES, type Datastore, type FaultName, type Flavor, type Incident, type IncidentKind, type LabOptions, type LabTimings, type ToolCall, type ToolResult } from './types.js';
// Where a lab keeps its files.
export { INVENTORY_MARKER, labPaths, removeRuntimeFiles, type LabPaths } from './paths.js';
// `tsplay lab status`.
export { formatStatus, type LabStatus, type NodeStatus } from './status-format.js';
