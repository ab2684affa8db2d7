// The simulated cluster as one object: nodes, the Kubernetes store, the datastore, faults and
// timers. Behaviour lives in lifecycle.ts, pods.ts, sandboxes.ts and faults.ts; tools read it.
import { KubeStore, type KubeApi, type KubeObject } from './kube/index.js';
import { DatastoreSim } from './datastore.js';
import { ageEtcdLog } from './etcd-log.js';
import { IncidentLog } from './incidents.js';
import { newPid, type NodeSim } from './node.js';
import type { Datastore, FaultName, Flavor, LabTimings } from './types.js';
import { unitByRole, type UnitRole, type UnitState } from './units.js';
import { minorNumber } from './versions.js';

// One fault's state: on/off, the nodes it targets, and a note for status.
export interface FaultState {
  on: boolean;
  nodes?: string[];
  note?: string;
  // stale-endpointslice: the frozen slice.
  slice?: string;
  // coredns-replica-down: the uid of the replica that fails its readiness probe.
  pod?: string;
  // Stops the fault's ticker.
  stop?: () => void;
}

// Hooks the servers attach: the SSH side follows node power.
export interface SimHooks {
  nodeDown?: (node: NodeSim) => void;
  nodeUp?: (node: NodeSim) => void;
  // Called (debounced) after store changes, for repair detection and sandbox sync.
  changed?: () => void;
  // Called (debounced) after store, unit or power changes: the node-budget check.
  availability?: () => void;
}

// The whole simulation.
export class LabSim {
  readonly store: KubeStore;
  readonly datastore: DatastoreSim;
  readonly faults = new Map<FaultName, FaultState>();
  readonly hooks: SimHooks = {};
  readonly incidents = new IncidentLog();
  // How many nodes may be unavailable at once (`lab up --budget`, `lab budget`).
  budget = 1;
  api: KubeApi | undefined;
  // kubeadm: the version `kubeadm upgrade apply` last brought the control plane to.
  clusterVersion: string;
  closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private pendingChange = false;
  private pendingAvailability = false;
  private readonly unwatch: () => void;

  constructor(readonly flavor: Flavor, readonly kind: Datastore, readonly nodes: NodeSim[], readonly timings: LabTimings) {
    this.store = new KubeStore({ controllers: true, timeScale: timings.timeScale });
    this.datastore = new DatastoreSim(kind, nodes);
    this.clusterVersion = nodes[0]?.kubeletVersion ?? 'v1.29.14';
    this.unwatch = this.store.watch(() => {
      this.scheduleChanged();
      this.stateChanged();
    });
  }

  // The node by name.
  node(name: string): NodeSim | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  // Whether a fault is on.
  faultOn(name: FaultName): boolean {
    return this.faults.get(name)?.on ?? false;
  }

  // Run fn after ms (cancelled by close).
  later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, Math.max(0, ms));
    t.unref();
    this.timers.add(t);
  }

  // Run fn every ms until close; returns a stop function.
  every(ms: number, fn: () => void): () => void {
    const t = setInterval(() => {
      if (!this.closed) fn();
    }, Math.max(10, ms));
    t.unref();
    this.timers.add(t as unknown as NodeJS.Timeout);
    return () => {
      clearInterval(t);
      this.timers.delete(t as unknown as NodeJS.Timeout);
    };
  }

  // The node's unit with this role (kubelite/kubelet, k8s-dqlite, containerd).
  unit(node: NodeSim, role: UnitRole): UnitState | undefined {
    return unitByRole(node.units, role);
  }

  // Whether the node's kubelet (kubelite) is running.
  kubeletActive(node: NodeSim): boolean {
    return node.up && node.kubeletUp && this.unit(node, 'kubelet')?.active === 'active' && this.unit(node, 'runtime')?.active === 'active';
  }

  // Append a line to a unit's journal, from the unit's own process.
  log(node: NodeSim, unit: UnitState | undefined, msg: string, ts = Date.now()): void {
    if (!unit) return;
    node.journal.add({ ts, unit: unit.id, ident: unit.ident, pid: unit.pid || newPid(node), msg, bootId: node.bootId });
  }

  // Append a systemd[1] line about a unit (shown by journalctl -u UNIT).
  syslog(node: NodeSim, unit: UnitState, msg: string, ts = Date.now()): void {
    node.journal.add({ ts, unit: unit.id, ident: 'systemd', pid: 1, msg, bootId: node.bootId });
  }

  // The Node object from the API.
  kubeNode(node: NodeSim): KubeObject | undefined {
    return this.store.get('nodes', node.name);
  }

  // Recompute the version the apiserver reports (kubeadm: the applied version; microk8s: the oldest control plane).
  refreshServerVersion(): string {
    let v = this.clusterVersion;
    if (this.flavor === 'microk8s') {
      const cps = this.nodes.filter((n) => n.role === 'control-plane' && n.snap);
      const oldest = cps.sort((a, b) => minorNumber(a.snap?.version ?? '') - minorNumber(b.snap?.version ?? '') || (a.snap?.version ?? '').localeCompare(b.snap?.version ?? ''))[0];
      v = oldest?.snap?.version ?? v;
    }
    this.api?.setServerVersion(v);
    return v;
  }

  // A unit, power or budget change: run the availability hook once this tick's changes are done.
  stateChanged(): void {
    if (this.pendingAvailability || this.closed) return;
    this.pendingAvailability = true;
    setImmediate(() => {
      this.pendingAvailability = false;
      if (!this.closed) this.hooks.availability?.();
    });
  }

  // `tsplay lab advance`: move every journal entry (and etcd log line) back by ms; returns how many moved.
  advance(ms: number): number {
    return this.nodes.reduce((n, node) => n + node.journal.age(ms) + ageEtcdLog(node, ms), 0);
  }

  // Stop every timer and the store's controllers.
  close(): void {
    this.closed = true;
    this.unwatch();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.store.close();
  }

  private scheduleChanged(): void {
    if (this.pendingChange || this.closed) return;
    this.pendingChange = true;
    setImmediate(() => {
      this.pendingChange = false;
      if (!this.closed) this.hooks.changed?.();
    });
  }
}
