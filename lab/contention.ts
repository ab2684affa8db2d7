// dqlite trouble in the journals: "database is locked" (write contention) or "context canceled" lines
// in the k8s-dqlite journal of the chosen nodes, backfilled for the last two minutes, then continuous.
import { klog, logrus } from './journal.js';
import type { NodeSim } from './node.js';
import type { LabSim } from './sim.js';

const MESSAGES = [
  (n: string) => `failed to update lease kube-node-lease/${n}: exec (try: 500): database is locked`,
  () => 'error in txn: database is locked',
  () => 'Slow SQL (total time: 1.412s): UPDATE kine SET value = ? WHERE id = ? : database is locked (try: 500)',
];

function burst(sim: LabSim, node: NodeSim, ts: number, i: number): void {
  const ds = sim.unit(node, 'datastore');
  if (!node.up || ds?.active !== 'active') return;
  const msg = MESSAGES[i % MESSAGES.length] as (n: string) => string;
  sim.log(node, ds, logrus('error', msg(node.name), ts), ts);
}

// Start writing contention lines on these nodes; returns the stop function.
export function startContention(sim: LabSim, nodes: string[]): () => void {
  const targets = nodes.map((n) => sim.node(n)).filter((n): n is NodeSim => n !== undefined);
  const now = Date.now();
  let i = 0;
  for (let ago = 120_000; ago > 0; ago -= 3000) for (const n of targets) burst(sim, n, now - ago, i++);
  return sim.every(sim.timings.contentionIntervalMs, () => {
    const ts = Date.now();
    for (const n of targets) {
      burst(sim, n, ts, i++);
      burst(sim, n, ts, i++);
    }
  });
}

const CANCELED = [
  () => 'error while range on /registry/serviceaccounts/kube-system/default : context canceled',
  () => 'error in txn: context canceled',
  (n: string) => `failed to update lease kube-node-lease/${n}: context canceled`,
];

function canceled(sim: LabSim, node: NodeSim, ts: number, i: number): void {
  const ds = sim.unit(node, 'datastore');
  if (!node.up || ds?.active !== 'active') return;
  const msg = CANCELED[i % CANCELED.length] as (n: string) => string;
  sim.log(node, ds, logrus('error', msg(node.name), ts), ts);
  const k = sim.unit(node, 'kubelet');
  if (i % 3 === 0 && k?.active === 'active') sim.log(node, k, klog('E', k.pid, 'kubelet_node_status.go:549', `"Error updating node status, will retry" err="error getting node \\"${node.name}\\": rpc error: code = Unknown desc = context canceled"`, ts), ts);
}

// Start `dqlite-context-canceled` on these nodes (the k8s-dqlite journal's `context canceled` lines of
// seeds 002 and 004, two minutes of backfill, then every interval) while `targets()` still names them.
export function startContextCanceled(sim: LabSim, targets: () => string[]): () => void {
  const now = Date.now();
  let i = 0;
  const each = (ts: number) => {
    for (const name of targets()) {
      const n = sim.node(name);
      if (n) canceled(sim, n, ts, i++);
    }
  };
  for (let ago = 120_000; ago > 0; ago -= 3000) each(now - ago);
  return sim.every(sim.timings.contentionIntervalMs, () => each(Date.now()));
}
