// Services and power: starting, stopping and restarting units with their effect on the node
// (NotReady/Ready, datastore membership and quorum) and reboots (down, new boot id, back up).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { etcdElection, etcdNoQuorumTick, etcdStarted } from './etcd-log.js';
import { datastoreStopping, quorumLost, rebootChecks } from './incident-checks.js';
import { klog, logrus } from './journal.js';
import { setNodeCondition } from './kube/index.js';
import { renewNodeLeases } from './leases.js';
import { kernelRelease, newPid, type NodeSim } from './node.js';
import { onKubeletStarted, onKubeletStopped, onNodeBoot, onUnitStarted } from './fault-hooks.js';
import { evictControllerPods, markPodsNotReady } from './pods.js';
import { bootSandboxes, flushStale, syncSandboxes } from './sandboxes.js';
import type { LabSim } from './sim.js';
import { startsAtBoot, type UnitState } from './units.js';
import { gitVersion } from './versions.js';

// Update the Node object: Ready condition, kubelet version and boot id as the node reports them.
export function reportNode(sim: LabSim, node: NodeSim, ready: boolean, message?: string): void {
  const cur = sim.store.get('nodes', node.name);
  if (!cur) return;
  const info = { ...cur.status?.nodeInfo, kubeletVersion: node.kubeletVersion, kubeProxyVersion: node.kubeletVersion, bootID: node.bootId, kernelVersion: node.kernel };
  sim.store.update('nodes', { ...cur, status: { ...cur.status, nodeInfo: info } }, 'status');
  if (ready) setNodeCondition(sim.store, node.name, 'Ready', 'True', 'KubeletReady', 'kubelet is posting ready status');
  else setNodeCondition(sim.store, node.name, 'Ready', 'Unknown', 'NodeStatusUnknown', message ?? 'Kubelet stopped posting node status.');
}

function runningKubeletVersion(sim: LabSim, node: NodeSim): string {
  if (sim.flavor === 'microk8s') return node.snap?.version ?? node.kubeletVersion;
  const pkg = node.packages.get('kubelet');
  return pkg?.installed ? gitVersion(pkg.installed) : node.kubeletVersion;
}

// The kubelet (re)started: after kubeletStartMs it reports Ready and restarts what needs restarting.
export function kubeletStarting(sim: LabSim, node: NodeSim): void {
  const bootId = node.bootId;
  sim.later(sim.timings.kubeletStartMs, () => {
    const k = sim.unit(node, 'kubelet');
    if (!node.up || node.bootId !== bootId || k?.active !== 'active' || sim.unit(node, 'runtime')?.active !== 'active' || node.kubeletUp) return;
    node.kubeletVersion = runningKubeletVersion(sim, node);
    node.kubeletUp = true;
    sim.log(node, k, klog('I', k.pid, 'server.go:487', `"Kubelet version" kubeletVersion="${node.kubeletVersion}"`));
    reportNode(sim, node, true);
    renewNodeLeases(sim, node);
    onKubeletStarted(sim, node);
    syncSandboxes(sim, node);
  });
}

function memberChange(sim: LabSim, node: NodeSim, up: boolean): void {
  if (!sim.datastore.member(node.name)) return;
  const change = sim.datastore.setUp(node.name, up, sim.timings.quorumRecoveryMs);
  if (change.leaderChanged?.to) {
    const leader = sim.node(change.leaderChanged.to);
    const addr = sim.datastore.member(change.leaderChanged.to)?.address ?? '';
    if (leader && sim.kind === 'dqlite') sim.log(leader, sim.unit(leader, 'datastore'), logrus('info', `dqlite: this node (${addr}) is now the leader`));
  }
  if (sim.kind === 'etcd' && (change.leaderChanged || change.lost)) etcdElection(sim, change);
  if (change.lost) {
    quorumLost(sim);
    quorumTicker(sim);
  }
}

// While writes fail for lack of quorum, the surviving members and kubelites log the errors of the seeds
// (every second; more often when quorumRecoveryMs is shorter than the default 20 s).
function quorumTicker(sim: LabSim): void {
  let n = 0;
  const stop = sim.every(Math.min(1000, sim.timings.quorumRecoveryMs / 20), () => {
    if (!sim.datastore.writesFailing()) return stop();
    n++;
    if (sim.kind === 'etcd' && !sim.datastore.hasQuorum()) etcdNoQuorumTick(sim);
    for (const m of sim.datastore.members.filter((x) => x.up)) {
      const node = sim.node(m.node);
      if (!node?.up) continue;
      const ds = sim.unit(node, 'datastore');
      if (sim.kind === 'dqlite' && ds) {
        if (!sim.datastore.hasQuorum()) sim.log(node, ds, logrus('warning', `dqlite: no known leader (attempt ${n})`));
        sim.log(node, ds, logrus('error', 'error in txn: context deadline exceeded'));
      }
      const k = sim.unit(node, 'kubelet');
      if (k?.active === 'active') sim.log(node, k, klog('E', k.pid, 'controller.go:195', '"Failed to update lease" err="rpc error: code = Unknown desc = context deadline exceeded"'));
    }
  });
}

function unitStopped(sim: LabSim, node: NodeSim, u: UnitState): void {
  u.active = 'inactive';
  u.pid = 0;
  u.since = Date.now();
  sim.stateChanged();
  if (u.role === 'kubelet' || u.role === 'runtime') {
    const was = node.kubeletUp;
    node.kubeletUp = false;
    if (was && node.up) reportNode(sim, node, false, u.role === 'runtime' ? 'container runtime is down' : undefined);
    if (was) onKubeletStopped(sim, node);
  }
  if (u.role === 'datastore' && sim.kind === 'dqlite') memberChange(sim, node, false);
}

// systemctl stop: the unit goes inactive now.
export function stopUnit(sim: LabSim, node: NodeSim, u: UnitState): void {
  if (u.active === 'inactive' || u.active === 'failed') return;
  if (u.role === 'datastore') datastoreStopping(sim, node, 'stopped');
  stopQuietly(sim, node, u);
}

// Stop a unit without checking for incidents (the units of a node going down: the reboot is checked).
function stopQuietly(sim: LabSim, node: NodeSim, u: UnitState): void {
  sim.syslog(node, u, `Stopping ${u.id} - ${u.description}...`);
  unitStopped(sim, node, u);
  sim.syslog(node, u, `${u.id}: Deactivated successfully.`);
  sim.syslog(node, u, `Stopped ${u.id} - ${u.description}.`);
}

function unitStarted(sim: LabSim, node: NodeSim, u: UnitState, atBoot = false): void {
  u.active = 'active';
  u.pid = newPid(node);
  u.since = Date.now();
  sim.stateChanged();
  sim.syslog(node, u, `Started ${u.id} - ${u.description}.`);
  if (u.role === 'datastore' && sim.kind === 'dqlite') {
    sim.log(node, u, logrus('info', 'Starting dqlite'));
    memberChange(sim, node, true);
  }
  // A restart of containerd or kubelite clears stale sandbox names; the start at boot is what finds them.
  if ((u.role === 'runtime' || u.role === 'kubelet') && !atBoot) flushStale(node);
  if (u.role === 'kubelet') sim.log(node, u, klog('I', u.pid, 'server.go:1530', '"Starting kubelet"'));
  if (u.role === 'kubelet' || u.role === 'runtime') kubeletStarting(sim, node);
  onUnitStarted(sim, node, u);
}

// systemctl start: the unit becomes active (datastore members rejoin; the kubelet becomes Ready later).
export function startUnit(sim: LabSim, node: NodeSim, u: UnitState): void {
  if (u.active === 'active' || u.active === 'activating') return;
  sim.syslog(node, u, `Starting ${u.id} - ${u.description}...`);
  unitStarted(sim, node, u);
}

// systemctl restart: stop now; a datastore member stays down serviceRestartMs (activating), others start at once.
export function restartUnit(sim: LabSim, node: NodeSim, u: UnitState): void {
  if (u.active === 'active' || u.active === 'activating') {
    if (u.role === 'datastore') datastoreStopping(sim, node, 'restarted');
    sim.syslog(node, u, `Stopping ${u.id} - ${u.description}...`);
    unitStopped(sim, node, u);
    sim.syslog(node, u, `Stopped ${u.id} - ${u.description}.`);
  }
  sim.syslog(node, u, `Starting ${u.id} - ${u.description}...`);
  if (u.role !== 'datastore') return unitStarted(sim, node, u);
  u.active = 'activating';
  const bootId = node.bootId;
  sim.later(sim.timings.serviceRestartMs, () => {
    if (node.bootId === bootId && node.up && u.active === 'activating') unitStarted(sim, node, u);
  });
}

// reboot / shutdown -r: after rebootDelayMs the node goes down; rebootDownMs later it boots with a new boot id.
export function rebootNode(sim: LabSim, node: NodeSim): void {
  if (node.rebootPending) return;
  node.rebootPending = true;
  sim.stateChanged();
  sim.later(sim.timings.rebootDelayMs, () => {
    goDown(sim, node);
    sim.later(sim.timings.rebootDownMs, () => bootUp(sim, node));
  });
}

function goDown(sim: LabSim, node: NodeSim): void {
  rebootChecks(sim, node);
  for (const u of node.units.values()) if (u.active !== 'inactive' && u.active !== 'failed') stopQuietly(sim, node, u);
  node.up = false;
  node.kubeletUp = false;
  if (sim.kind === 'etcd') memberChange(sim, node, false);
  for (const s of node.sandboxes) s.ready = false;
  sim.hooks.nodeDown?.(node);
  reportNode(sim, node, false);
  markPodsNotReady(sim, node);
  evictControllerPods(sim, node);
}

function bootUp(sim: LabSim, node: NodeSim): void {
  node.bootId = randomUUID();
  node.bootedAt = Date.now();
  node.up = true;
  node.rebootPending = false;
  sim.stateChanged();
  const image = node.packages.get('linux-image-generic')?.installed;
  if (image) node.kernel = kernelRelease(image);
  if (node.rebootRequired) {
    node.rebootRequired = false;
    rmSync(join(node.dir, 'var/run/reboot-required'), { force: true });
  }
  bootSandboxes(node, sim.faultOn('stale-sandbox-after-reboot'));
  if (sim.kind === 'etcd' && sim.datastore.member(node.name)) etcdStarted(sim, node);
  if (sim.kind === 'etcd') memberChange(sim, node, true);
  for (const u of node.units.values()) if (startsAtBoot(u)) unitStarted(sim, node, u, true);
  reportNode(sim, node, false);
  onNodeBoot(sim, node);
  sim.hooks.nodeUp?.(node);
}
