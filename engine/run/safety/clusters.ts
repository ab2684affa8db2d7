// The clusters a run can touch: one per API (the kubeconfig and context a host's
// tsplay_kubeconfig/tsplay_kube_context, a kubectl task's own arguments, or the controller's
// default kubeconfig name), each with its datastore kind, its limits and its budget.
import { DisruptionBudget, type BudgetLimits } from '../../cluster/budget.js';
import { isUndefined } from '../../expr/index.js';
import { KubeClient, loadKubeconfig } from '../../kube/index.js';
import type { VarScope } from '../scope.js';

export type DatastoreKind = 'dqlite' | 'etcd';

/** one cluster reached through its API */
export interface Cluster {
  /** the API server URL: two kubeconfigs (or contexts) for one API are one cluster */
  key: string;
  /** for messages: the context name */
  name: string;
  client: KubeClient;
  kubeconfig?: string;
  context?: string;
  datastore?: DatastoreKind;
  budget: DisruptionBudget;
  /** the tightest limits the inventory declares (tsplay_quorum max_unavailable, tsplay_max_unavailable_nodes) */
  declared: Partial<BudgetLimits>;
  /** node names of the datastore members (voters), once read */
  members?: string[];
  /** inventory hosts known to be the cluster's nodes (node name → host) */
  hosts: Map<string, string>;
}

/** how a host or task reaches a cluster's API */
export interface ClusterRef {
  kubeconfig?: string;
  context?: string;
  /** a kubeconfig's text (discovered on a node: microk8s config, kubeadm's admin.conf) */
  text?: string;
}

function str(scope: VarScope, name: string): string | undefined {
  const v = scope.get(name);
  return isUndefined(v) || v === undefined || v === null || v === '' ? undefined : String(v);
}

// The cluster a host's variables name (tsplay_kubeconfig / tsplay_kube_context), if any.
export function clusterRefOf(scope: VarScope): ClusterRef | undefined {
  const kubeconfig = str(scope, 'tsplay_kubeconfig');
  const context = str(scope, 'tsplay_kube_context');
  return kubeconfig || context ? { ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) } : undefined;
}

// A non-negative integer limit from a variable (undefined when not set or not valid).
export function limitOf(v: unknown): number | undefined {
  if (v === undefined || v === null || isUndefined(v)) return undefined;
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  // invalid values are validation errors (plan/quorum.ts); here they are ignored rather than loosen anything
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100) return undefined;
  return n;
}

// The limits a host's variables set: max_unavailable of its tsplay_quorum and tsplay_max_unavailable_nodes.
export function limitsOf(scope: VarScope): Partial<BudgetLimits> & { datastore?: DatastoreKind } {
  const out: Partial<BudgetLimits> & { datastore?: DatastoreKind } = {};
  const q = scope.get('tsplay_quorum');
  if (q && typeof q === 'object' && !Array.isArray(q) && !isUndefined(q)) {
    const d = q as Record<string, unknown>;
    const m = limitOf(d['max_unavailable']);
    if (m !== undefined) out.maxMembers = m;
    if (d['datastore'] === 'dqlite' || d['datastore'] === 'etcd') out.datastore = d['datastore'];
  }
  const nodes = limitOf(scope.get('tsplay_max_unavailable_nodes'));
  if (nodes !== undefined) out.maxNodes = nodes;
  const flavor = str(scope, 'k8s_flavor');
  if (!out.datastore && flavor === 'microk8s') out.datastore = 'dqlite';
  if (!out.datastore && flavor === 'kubeadm') out.datastore = 'etcd';
  return out;
}

export class Clusters {
  private readonly byKey = new Map<string, Cluster>();

  // The cluster behind a reference, opened on first use (throws when the kubeconfig cannot be read).
  open(ref: ClusterRef): Cluster {
    const target = loadKubeconfig({ ...(ref.kubeconfig ? { path: ref.kubeconfig } : {}), ...(ref.context ? { context: ref.context } : {}), ...(ref.text !== undefined ? { text: ref.text } : {}) });
    const key = target.server;
    let c = this.byKey.get(key);
    if (!c) {
      c = { key, name: target.context || target.server, client: new KubeClient(target, { timeoutMs: 10_000 }), budget: new DisruptionBudget({ maxMembers: 1, maxNodes: 1 }), declared: {}, hosts: new Map(), ...(ref.kubeconfig ? { kubeconfig: ref.kubeconfig } : {}), ...(ref.context ? { context: ref.context } : {}) };
      this.byKey.set(key, c);
    }
    return c;
  }

  // Records a host's declarations for its cluster: the tightest of them wins.
  declare(c: Cluster, d: Partial<BudgetLimits> & { datastore?: DatastoreKind }): void {
    if (d.maxMembers !== undefined) c.declared.maxMembers = Math.min(c.declared.maxMembers ?? Infinity, d.maxMembers);
    if (d.maxNodes !== undefined) c.declared.maxNodes = Math.min(c.declared.maxNodes ?? Infinity, d.maxNodes);
    if (d.datastore && !c.datastore) c.datastore = d.datastore;
    applyLimits(c);
  }

  all(): Cluster[] {
    return [...this.byKey.values()];
  }
}

// The members that may be down while quorum holds: a minority of the voters (at least 1, since a
// cluster of one or two voters cannot be maintained otherwise), never more than declared.
export function applyLimits(c: Cluster): void {
  const voters = c.members?.length ?? 3;
  const quorum = voters <= 2 ? 1 : Math.floor((voters - 1) / 2);
  const l = c.budget.limits as BudgetLimits;
  l.maxMembers = Math.min(quorum, c.declared.maxMembers ?? Infinity);
  l.maxNodes = c.declared.maxNodes ?? 1;
}
