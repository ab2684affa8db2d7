// Shared types of the rehearsal lab: options, timings, tool calls and the fault names.

// Which Kubernetes distribution the simulated nodes run.
export type Flavor = 'microk8s' | 'kubeadm';
// Which datastore backs the simulated cluster (dqlite = microk8s HA, etcd = kubeadm).
export type Datastore = 'dqlite' | 'etcd';

// The failures from the seeds that `tsplay lab fault NAME on|off` injects.
export type FaultName =
  | 'dqlite-lock-contention'
  | 'dqlite-context-canceled'
  | 'etcd-leader-churn'
  | 'stale-endpointslice'
  | 'stale-ingress-backend'
  | 'pdb-blocks-drain'
  | 'pods-stuck-terminating'
  | 'stale-sandbox-after-reboot'
  | 'calico-nat-missing-after-reboot'
  | 'kube-proxy-nat-missing-after-reboot'
  | 'scheduler-stall'
  | 'coredns-replica-down'
  | 'addon-versions-too-old'
  | 'alert-firing';

// Every fault name, in the order status lists them.
export const FAULT_NAMES: readonly FaultName[] = [
  'dqlite-lock-contention',
  'dqlite-context-canceled',
  'etcd-leader-churn',
  'stale-endpointslice',
  'stale-ingress-backend',
  'pdb-blocks-drain',
  'pods-stuck-terminating',
  'stale-sandbox-after-reboot',
  'calico-nat-missing-after-reboot',
  'kube-proxy-nat-missing-after-reboot',
  'scheduler-stall',
  'coredns-replica-down',
  'addon-versions-too-old',
  'alert-firing',
];

// What the lab records when a rehearsal does something that would hurt a real cluster.
export type IncidentKind = 'quorum-lost' | 'restart-under-contention' | 'over-budget' | 'reboot-undrained';

// One recorded incident (`tsplay lab incidents`, `lab status --json` field `incidents`).
export interface Incident {
  // ISO time.
  at: string;
  kind: IncidentKind;
  nodes: string[];
  message: string;
}

// How long simulated things take (milliseconds). Tests shorten them.
export interface LabTimings {
  // After `reboot` returns, before the node goes down (the command's exit status gets out first).
  rebootDelayMs: number;
  // How long a rebooting node stays down (SSH refuses connections).
  rebootDownMs: number;
  // From kubelet/kubelite start (boot, restart) until the node is Ready again.
  kubeletStartMs: number;
  // How long a restarted service (dqlite, containerd, ...) is down.
  serviceRestartMs: number;
  // After the datastore regains quorum, API writes keep failing this long.
  quorumRecoveryMs: number;
  // The kubelet's resync period: recreates sandboxes crictl removed under running pods, retries failed ones.
  kubeletSyncMs: number;
  // How often the contention faults write their lines (`dqlite-lock-contention`, `dqlite-context-canceled`, `etcd-leader-churn`).
  contentionIntervalMs: number;
  // How often a running kubelet renews its node Lease in kube-node-lease.
  nodeLeaseRenewMs: number;
  // Simulated-time multiplier for pod termination grace periods (1 = real time).
  timeScale: number;
}

// The default timings of `tsplay lab up`.
export const DEFAULT_TIMINGS: LabTimings = {
  rebootDelayMs: 300,
  rebootDownMs: 4000,
  kubeletStartMs: 2000,
  serviceRestartMs: 1500,
  quorumRecoveryMs: 20_000,
  kubeletSyncMs: 3000,
  contentionIntervalMs: 1000,
  nodeLeaseRenewMs: 10_000,
  timeScale: 0.05,
};

// How to start a lab.
export interface LabOptions {
  // The directory whose `.tsplay/lab` and `inventory/lab.yml` the lab owns (default: process.cwd()).
  cwd?: string;
  // Number of nodes k8s01..k8sNN (default 3, or the number of control planes when that is more).
  nodes?: number;
  // dqlite: microk8s nodes (the first three are voters); etcd: kubeadm, control planes with stacked etcd, then workers.
  datastore?: Datastore;
  // etcd only: how many of the nodes (k8s01…) are kubeadm control planes with a stacked etcd member (default 1).
  controlPlanes?: number;
  timings?: Partial<LabTimings>;
  // How many nodes may be unavailable at once before an over-budget incident (default 1).
  budget?: number;
  // Write inventory/lab.yml (default true).
  writeInventory?: boolean;
  // The unprivileged user shells run as when the lab runs as root (default: nobody).
  shellUser?: string;
  // How exec requests made only of simulated commands run: in the lab's process (default), or
  // always through a real shell and the node dispatcher (`shell`; what every other command does).
  dispatch?: 'in-process' | 'shell';
}

// One simulated command invocation, as the shims send it to the control API.
export interface ToolCall {
  node: string;
  tool: string;
  args: string[];
  // Whether the caller is root on the node (sudo, or a root login).
  root: boolean;
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
}

// What a simulated command printed and returned. `exec` asks the shim to run a real program instead.
export interface ToolResult {
  stdout: string;
  stderr: string;
  rc: number;
  exec?: { file: string; args: string[]; env?: Record<string, string> };
}
