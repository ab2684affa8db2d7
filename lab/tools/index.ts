// The simulated commands by name, and the one entry point the control API calls.
import type { LabSim } from '../sim.js';
import type { ToolCall, ToolResult } from '../types.js';
import { aptGet } from './apt-get.js';
import { aptCache, aptMark, dpkg, dpkgQuery } from './apt-query.js';
import { crictl } from './crictl.js';
import { journalctl } from './journalctl.js';
import { kubeadm } from './kubeadm.js';
import { etcdctl } from './etcd.js';
import { dqlite, microk8s } from './microk8s.js';
import { iptables, reboot, service, shutdown } from './misc.js';
import { snap } from './snap.js';
import { systemctl } from './systemctl.js';
import { fail, type ToolFn } from './util.js';

// Every simulated command (the shims call these through the control API).
export const TOOLS: Readonly<Record<string, ToolFn>> = {
  systemctl, journalctl, 'apt-get': aptGet, apt: aptGet, 'apt-mark': aptMark, 'apt-cache': aptCache, 'dpkg-query': dpkgQuery, dpkg,
  snap, microk8s, dqlite, etcdctl, etcdutl: etcdctl, crictl, kubeadm, reboot, poweroff: reboot, halt: reboot, shutdown, iptables, 'ip6tables': iptables, service,
};

// Run one simulated command; unknown nodes and tools are errors, thrown tool bugs become rc 70.
export async function runTool(sim: LabSim, call: ToolCall): Promise<ToolResult> {
  const node = sim.node(call.node);
  if (!node) return fail(127, `lab: no node named ${call.node}`);
  if (!node.up) return fail(255, `lab: ${node.name} is down`);
  const fn = TOOLS[call.tool];
  if (!fn) return fail(127, `sh: 1: ${call.tool}: not found`);
  try {
    return await fn(sim, node, call);
  } catch (e) {
    return fail(70, `lab: internal error in the simulated ${call.tool}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}
