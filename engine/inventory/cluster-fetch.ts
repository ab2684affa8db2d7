// The API reads behind the tsplay.cluster inventory plugin, run in a worker thread so the
// (synchronous) inventory loader can wait for them: the cluster's Nodes, and which of them run an
// etcd static pod. Started by cluster-plugin.ts with the plugin's settings; answers on its port.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { KubeClient, loadKubeconfig } from '../kube/index.js';

/** what the plugin asks */
export interface FetchRequest {
  kubeconfig?: string;
  context?: string;
  labelSelector?: string;
  port: MessagePort;
  signal: Int32Array;
}

/** what the worker answers */
export type FetchAnswer =
  | { ok: true; nodes: Record<string, any>[]; etcd: string[]; kubeconfig: string; inCluster: boolean; server: string }
  | { ok: false; error: string };

async function fetchCluster(r: FetchRequest): Promise<FetchAnswer> {
  try {
    const target = loadKubeconfig({ ...(r.kubeconfig ? { path: r.kubeconfig } : {}), ...(r.context ? { context: r.context } : {}) });
    const client = new KubeClient(target, { timeoutMs: 15_000, retry: { budgetMs: 20_000 } });
    try {
      const nodes = (await client.list('nodes', r.labelSelector ? { labelSelector: r.labelSelector } : {})).items;
      const pods = await client.list('pods', { namespace: 'kube-system', labelSelector: 'component=etcd' }).catch(() => ({ items: [] }));
      const etcd = pods.items.map((p) => String(p['spec']?.nodeName ?? '')).filter(Boolean);
      const inCluster = target.context === 'in-cluster';
      return { ok: true, nodes, etcd, kubeconfig: target.source, inCluster, server: target.server };
    } finally {
      client.close();
    }
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

if (parentPort && workerData) {
  const r = workerData as FetchRequest;
  void fetchCluster(r).then((answer) => {
    r.port.postMessage(answer);
    Atomics.store(r.signal, 0, 1);
    Atomics.notify(r.signal, 0);
  });
}
