// Applying the install's objects like `kubectl apply` (create, or replace what differs, keeping the
// server's fields; a binding whose roleRef changed is recreated) and removing them again.
import { KubeApiError, isKubeResource, type KubeClient, type KubeResource } from '../kube/index.js';
import { NAME } from './manifests.js';
import { RUN_LABEL } from './journal-configmap.js';

type Obj = Record<string, any>;

const RESOURCE: Record<string, KubeResource> = {
  Namespace: 'namespaces', ServiceAccount: 'serviceaccounts', ClusterRole: 'clusterroles', ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles', RoleBinding: 'rolebindings', ConfigMap: 'configmaps', CronJob: 'cronjobs', Job: 'jobs', Secret: 'secrets',
};

/** what happened to one object */
export interface Applied {
  ref: string;
  action: 'created' | 'configured' | 'unchanged' | 'deleted' | 'not found';
}

function resourceOf(o: Obj): KubeResource {
  const r = RESOURCE[String(o['kind'])];
  if (!r || !isKubeResource(r)) throw new Error(`cannot apply kind ${String(o['kind'])}`);
  return r;
}

function ref(o: Obj): string {
  return `${String(o['kind']).toLowerCase()}/${o['metadata']?.name}${o['metadata']?.namespace ? ` -n ${o['metadata'].namespace}` : ''}`;
}

// Whether every field `want` sets has that value in `have`.
export function covers(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && have.length === want.length && want.every((w, i) => covers(have[i], w));
  if (want && typeof want === 'object') return !!have && typeof have === 'object' && Object.entries(want as Obj).every(([k, v]) => covers((have as Obj)[k], v));
  return have === want;
}

// Creates or updates each object in order.
export async function applyObjects(client: KubeClient, objs: Obj[]): Promise<Applied[]> {
  const out: Applied[] = [];
  for (const o of objs) {
    const resource = resourceOf(o);
    const ns = o['metadata']?.namespace as string | undefined;
    const cur = await client.find(resource, o['metadata'].name, ns ? { namespace: ns } : {});
    if (!cur) {
      await client.create(resource, o, ns ? { namespace: ns } : {});
      out.push({ ref: ref(o), action: 'created' });
      continue;
    }
    const { apiVersion: _a, kind: _k, metadata, ...body } = o;
    if (covers(cur, body) && covers(cur['metadata']?.labels ?? {}, metadata.labels ?? {}) || o['kind'] === 'Namespace') {
      out.push({ ref: ref(o), action: 'unchanged' });
      continue;
    }
    if (/Binding$/.test(String(o['kind'])) && !covers(cur['roleRef'], o['roleRef'])) {
      await client.delete(resource, o['metadata'].name, ns ? { namespace: ns } : {});
      await client.create(resource, o, ns ? { namespace: ns } : {});
    } else {
      await client.update(resource, { ...cur, ...body, metadata: { ...cur['metadata'], labels: { ...(cur['metadata']?.labels ?? {}), ...(metadata.labels ?? {}) } } });
    }
    out.push({ ref: ref(o), action: 'configured' });
  }
  return out;
}

// Deletes the installed objects (newest first), the runner and successor Jobs; with purge also the
// run journals and the namespace. The namespace and the SSH Secret stay otherwise.
export async function removeObjects(client: KubeClient, objs: Obj[], o: { purge: boolean }): Promise<Applied[]> {
  const out: Applied[] = [];
  const namespace = objs.find((x) => x['kind'] === 'Namespace')?.['metadata']?.name as string;
  const del = async (resource: KubeResource, name: string, ns: string | undefined, label: string) => {
    try {
      const r = await client.delete(resource, name, { ...(ns ? { namespace: ns } : {}), propagationPolicy: 'Background', ignoreNotFound: true });
      out.push({ ref: label, action: r ? 'deleted' : 'not found' });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      out.push({ ref: label, action: 'not found' });
    }
  };
  for (const x of [...objs].reverse()) {
    if (x['kind'] === 'Namespace') continue;
    await del(resourceOf(x), x['metadata'].name, x['metadata']?.namespace, ref(x));
  }
  const jobs = await client.list('jobs', { namespace, labelSelector: `app.kubernetes.io/name=${NAME}` }).catch(() => ({ items: [] as Obj[] }));
  for (const j of jobs.items) await del('jobs', j['metadata'].name, namespace, ref(j));
  if (o.purge) {
    const journals = await client.list('configmaps', { namespace, labelSelector: RUN_LABEL }).catch(() => ({ items: [] as Obj[] }));
    for (const c of journals.items) await del('configmaps', c['metadata'].name, namespace, ref(c));
    await del('namespaces', namespace, undefined, `namespace/${namespace}`);
  }
  return out;
}
