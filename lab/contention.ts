// dqlite write contention: "database is locked" lines in the k8s-dqlite journal of the chosen
// voters, backfilled for the last two minutes and then written continuously.
import { logrus } from './journal.js';
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
