// A simulated cluster over real HTTP for the kubectl module tests: three nodes, a DaemonSet pod on
// each, a Deployment `web` (3 replicas, one per node) with a PodDisruptionBudget, and helpers to
// run the module like the engine does (the host connection must never be used).
import { makeDaemonSet, makeDeployment, makeNode, makePdb, makePod, startKubeApi, type KubeApi, type KubeObject } from '../../../lab/kube/index.js';
import type { ModuleResult } from '../../../engine/module.js';
import kubectl, { type KubectlArgs } from '../../../modules/kubectl.js';
import { recordedHost, runRecorded } from './recorded-host.js';

// A running simulated apiserver (grace periods scaled by timeScale: 30 s → 30 ms).
export async function startRig(o: { minAvailable?: number; timeScale?: number } = {}): Promise<KubeApi> {
  const api = await startKubeApi({ timeScale: o.timeScale ?? 0.001 });
  const s = api.store;
  s.add(makeNode('n1'), makeNode('n2'), makeNode('n3'));
  const [ds] = s.add(makeDaemonSet('calico-node', { namespace: 'kube-system', labels: { 'k8s-app': 'calico-node' } }));
  for (const n of ['n1', 'n2', 'n3']) s.add(makePod({ name: `calico-node-${n}`, namespace: 'kube-system', nodeName: n, owner: ds as KubeObject, labels: { 'k8s-app': 'calico-node' } }));
  s.add(makeDeployment('web', { replicas: 3, labels: { app: 'web' } }), makePdb('web-pdb', { minAvailable: o.minAvailable ?? 2, selector: { app: 'web' } }));
  return api;
}

// The web pods' node names.
export function webNodes(api: KubeApi): string[] {
  return api.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).filter((p) => !p.metadata.deletionTimestamp).map((p) => String(p.spec?.nodeName)).sort();
}

// Runs the kubectl module (probe, then apply unless check) with the simulator's kubeconfig as host var.
export async function runKubectl(api: KubeApi, args: KubectlArgs, opts: { check?: boolean; vars?: Record<string, unknown>; onProgress?: (m: string) => void } = {}): Promise<{ result: ModuleResult; progress: string[] }> {
  const host = recordedHost([]);
  const vars = { tsplay_kubeconfig: api.kubeconfig(), tsplay_run_id: 'run-42', ...(opts.vars ?? {}) };
  const out = await runRecorded(kubectl, host, args, { check: opts.check ?? false, vars, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  if (host.log.length > 0) throw new Error(`kubectl used the host connection: ${host.log.join('; ')}`);
  return out;
}
