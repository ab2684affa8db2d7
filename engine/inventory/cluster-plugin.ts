// The `tsplay.cluster` inventory plugin: an inventory file `plugin: tsplay.cluster` becomes the
// cluster's Nodes, read from its API (a kubeconfig, or inside a Pod its service account): every
// node in group `k8s` (control plane first), in kube_control_plane / kube_node, in role_<name> for
// each node-role.kubernetes.io/<name> label and in etcd when it runs an etcd static pod;
// ansible_host is its InternalIP; its name, labels, taints and roles are host vars
// (k8s_node_name, k8s_node_labels, k8s_node_taints, k8s_node_roles); the group gets the cluster's
// tsplay_kubeconfig, k8s_flavor and tsplay_quorum, then the file's own `vars`.
//
//   plugin: tsplay.cluster
//   kubeconfig: ~/.kube/config     # default: $KUBECONFIG, ~/.kube/config, else the Pod's service account
//   context: admin@prod            # default: the current context
//   label_selector: ''             # only the nodes matching it
//   group: k8s                     # the group of every node
//   vars: { ansible_user: ubuntu } # variables of that group
import { receiveMessageOnPort, MessageChannel, Worker } from 'node:worker_threads';
import type { Document } from 'yaml';
import { diag, type Diagnostic } from '../diagnostics.js';
import { addChild, addGroup, addHost, setEntityVar, type Inventory } from './model.js';
import { keyRange, toPlain } from './py-yaml.js';
import type { FetchAnswer } from './cluster-fetch.js';

export const CLUSTER_PLUGIN = 'tsplay.cluster';
const KEYS = new Set(['plugin', 'kubeconfig', 'context', 'label_selector', 'group', 'vars']);
const TIMEOUT_MS = 60_000;
const ROLE = 'node-role.kubernetes.io/';
const MICROK8S_CP = 'node.kubernetes.io/microk8s-controlplane';

type Obj = Record<string, any>;

// Reads the cluster through a worker thread, waiting for its answer (the loader is synchronous).
function fetchSync(req: { kubeconfig?: string; context?: string; labelSelector?: string }): FetchAnswer {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./cluster-fetch.js', import.meta.url), { workerData: { ...req, port: port2, signal }, transferList: [port2] });
  try {
    if (Atomics.wait(signal, 0, 0, TIMEOUT_MS) === 'timed-out') return { ok: false, error: `no answer from the cluster's API within ${TIMEOUT_MS / 1000}s` };
    const m = receiveMessageOnPort(port1);
    return m ? (m.message as FetchAnswer) : { ok: false, error: 'the cluster reader gave no answer' };
  } finally {
    void worker.terminate();
    port1.close();
  }
}

function isControlPlane(n: Obj): boolean {
  const l: Record<string, string> = n['metadata']?.labels ?? {};
  return `${ROLE}control-plane` in l || `${ROLE}master` in l || MICROK8S_CP in l;
}

function roles(n: Obj): string[] {
  return Object.keys(n['metadata']?.labels ?? {}).filter((k) => k.startsWith(ROLE)).map((k) => k.slice(ROLE.length)).filter(Boolean);
}

function address(n: Obj): string | undefined {
  const a: { type?: string; address?: string }[] = n['status']?.addresses ?? [];
  return (a.find((x) => x.type === 'InternalIP') ?? a.find((x) => x.type === 'ExternalIP') ?? a.find((x) => x.type === 'Hostname'))?.address;
}

// Fills `inv` from a `plugin: tsplay.cluster` file; problems are diagnostics at the file's keys.
export function parseClusterPlugin(inv: Inventory, doc: Document, file: string): Diagnostic[] {
  const cfg = (toPlain(doc, doc.contents) ?? {}) as Obj;
  const at = (key: string) => ({ file, ...(keyRange(doc.contents, key) ?? { offset: 0 }) });
  if (cfg['plugin'] !== CLUSTER_PLUGIN) return [diag('unsupported', `unknown inventory plugin ${JSON.stringify(cfg['plugin'])} (tsplay has ${CLUSTER_PLUGIN})`, at('plugin'))];
  const unknown = Object.keys(cfg).filter((k) => !KEYS.has(k));
  if (unknown.length > 0) return unknown.map((k) => diag('inventory', `${CLUSTER_PLUGIN}: unknown option ${k} (known: ${[...KEYS].join(', ')})`, at(k)));
  const str = (k: string) => (typeof cfg[k] === 'string' && cfg[k] ? (cfg[k] as string) : undefined);
  const vars = cfg['vars'] ?? {};
  if (typeof vars !== 'object' || Array.isArray(vars)) return [diag('inventory', `${CLUSTER_PLUGIN}: vars must be a mapping`, at('vars'))];
  const kubeconfig = str('kubeconfig');
  const context = str('context');
  const labelSelector = str('label_selector');
  const r = fetchSync({ ...(kubeconfig ? { kubeconfig: kubeconfig.replace(/^~(?=$|\/)/, process.env['HOME'] ?? '~') } : {}), ...(context ? { context } : {}), ...(labelSelector ? { labelSelector } : {}) });
  if (!r.ok) return [diag('inventory', `${CLUSTER_PLUGIN}: cannot read the cluster's nodes: ${r.error}`, at('plugin'))];
  const group = str('group') ?? 'k8s';
  const nodes = [...r.nodes].sort((a, b) => Number(isControlPlane(b)) - Number(isControlPlane(a)) || String(a['metadata']?.name).localeCompare(String(b['metadata']?.name)));
  addGroup(inv, group, at('plugin'));
  for (const g of ['kube_control_plane', 'kube_node']) {
    addGroup(inv, g, at('plugin'));
    addChild(inv, group, g);
  }
  for (const n of nodes) {
    const name = String(n['metadata']?.name);
    addHost(inv, name, group, undefined, at('plugin'));
    addHost(inv, name, isControlPlane(n) ? 'kube_control_plane' : 'kube_node', undefined, at('plugin'));
    const extra = [...roles(n).map((role) => `role_${role.replace(/[^A-Za-z0-9_]/g, '_')}`), ...(r.etcd.includes(name) ? ['etcd'] : [])];
    for (const g of extra) {
      if (!inv.groups.has(g)) addGroup(inv, g, at('plugin'));
      addHost(inv, name, g, undefined, at('plugin'));
    }
    const ip = address(n);
    if (ip) setEntityVar(inv, name, 'ansible_host', ip);
    setEntityVar(inv, name, 'k8s_node_name', name);
    setEntityVar(inv, name, 'k8s_node_labels', n['metadata']?.labels ?? {});
    setEntityVar(inv, name, 'k8s_node_taints', n['spec']?.taints ?? []);
    setEntityVar(inv, name, 'k8s_node_roles', isControlPlane(n) && !roles(n).includes('control-plane') ? ['control-plane', ...roles(n)] : roles(n));
  }
  const microk8s = nodes.some((n) => Object.keys(n['metadata']?.labels ?? {}).some((k) => k.startsWith('node.kubernetes.io/microk8s-')));
  const datastore = microk8s ? 'dqlite' : r.etcd.length > 0 ? 'etcd' : undefined;
  setEntityVar(inv, group, 'tsplay_kubeconfig', r.kubeconfig);
  if (context) setEntityVar(inv, group, 'tsplay_kube_context', context);
  setEntityVar(inv, group, 'k8s_flavor', microk8s ? 'microk8s' : 'kubeadm');
  if (datastore) setEntityVar(inv, group, 'tsplay_quorum', { datastore, max_unavailable: 1 });
  for (const [k, v] of Object.entries(vars as Obj)) setEntityVar(inv, group, k, v);
  return [];
}
