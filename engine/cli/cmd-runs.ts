// `tsplay runs`: recent runs from .tsplay/runs with their state (finished, failed, interrupted,
// refused, check, running, handed-off), how far they got, and the chain of resumed runs; with
// --namespace NS, the runs journaled in the cluster by in-cluster runners (tsplay cluster install).
import { listRuns, type JournalState } from '../run/journal-read.js';
import type { ParsedArgs } from './args.js';
import type { Io } from './app.js';

function statusText(r: JournalState): string {
  if (r.end) return `${r.status} (${r.end.rc})`;
  return r.status === 'interrupted' ? 'interrupted (killed)' : r.status;
}

function chain(r: JournalState): string {
  const parts: string[] = [];
  if (r.header.resumed_from) parts.push(`resumes ${r.header.resumed_from}`);
  if (r.resumedBy.length > 0) parts.push(`resumed by ${r.resumedBy.join(', ')}`);
  if (r.torn) parts.push('last record cut');
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

// The runs an in-cluster install journaled in namespace `ns` (through --kubeconfig/--context).
async function clusterRuns(args: ParsedArgs, ns: string): Promise<JournalState[]> {
  const { KubeClient, loadKubeconfig } = await import('../kube/index.js');
  const { listClusterRuns } = await import('../incluster/journal-configmap.js');
  const f = (k: string) => (typeof args.flags[k] === 'string' ? (args.flags[k] as string) : undefined);
  const client = new KubeClient(loadKubeconfig({ ...(f('kubeconfig') ? { path: f('kubeconfig') } : {}), ...(f('context') ? { context: f('context') } : {}) }));
  try {
    return await listClusterRuns(client, ns);
  } finally {
    client.close();
  }
}

export async function cmdRuns(args: ParsedArgs, io: Io): Promise<number> {
  const ns = typeof args.flags['namespace'] === 'string' ? args.flags['namespace'] : undefined;
  const runs = (ns ? await clusterRuns(args, ns) : listRuns()).slice(0, 20);
  if (args.flags['json']) {
    const out = runs.map((r) => ({
      run: r.header.run, playbook: r.header.playbook, started: r.header.started, status: r.status, rc: r.end?.rc, check: r.header.check === true,
      ...(r.end?.reason ? { reason: r.end.reason } : {}), resumed_from: r.header.resumed_from, resumed_by: r.resumedBy, ...(r.torn ? { torn: true } : {}),
      batches: r.batches.map((b) => ({ play: b.play, batch: b.batch, hosts: b.hosts, ok: b.ok, complete: b.complete })),
    }));
    io.out(JSON.stringify(out, null, 2));
    return 0;
  }
  if (runs.length === 0) {
    io.out(ns ? `no runs journaled in namespace ${ns}` : 'no runs recorded yet (.tsplay/runs is empty)');
    return 0;
  }
  io.out(`${'RUN'.padEnd(23)} ${'STARTED'.padEnd(19)} ${'STATUS'.padEnd(20)} ${'BATCHES'.padEnd(7)} PLAYBOOK`);
  for (const r of runs) {
    const done = r.batches.filter((b) => b.complete).length;
    io.out(`${r.header.run.padEnd(23)} ${r.header.started.slice(0, 19).replace('T', ' ').padEnd(19)} ${statusText(r).padEnd(20)} ${`${done}/${r.batches.length}`.padEnd(7)} ${r.header.playbook}${chain(r)}`);
  }
  return 0;
}
