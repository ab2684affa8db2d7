// k8s: kubernetes.core.k8s's present/absent for objects given as definition (a mapping, a list
// or YAML text with several documents) or src (a controller file), or by kind/name/namespace;
// through tsplay's Kubernetes client, for the kinds it knows. present creates a missing object and
// merge-patches one whose fields differ from the definition; absent deletes. Check mode only reads.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { KubeClient, KubeResource } from '../engine/kube/index.js';
import { defineModule, type ApplyContext, type ModuleResult, type Probe } from '../engine/module.js';
import { kubeErrorText, withKube } from './lib/kube-connect.js';
import { knownKinds, resourceOf, type Obj } from './lib/kube-objects.js';
import { K8S_AUTH, kubeSettings, unsupportedAuth } from './lib/k8s-common.js';
import { findSource } from './copy.js';

// The k8s arguments (kubernetes.core's names and defaults; templates and server-side apply left out).
export const schema = {
  type: 'object',
  properties: {
    state: { enum: ['present', 'absent'], default: 'present', description: 'whether the objects exist (patched to match when present)' },
    definition: { type: ['object', 'array', 'string'], aliases: ['resource_definition'], description: 'the object(s): a mapping, a list, or YAML text' },
    src: { type: 'string', description: 'a YAML file on the controller with the object(s)' },
    kind: { type: 'string', description: 'the kind, for objects named without a definition' },
    api_version: { type: 'string', default: 'v1', aliases: ['api', 'version'], description: 'accepted; the kind decides the API group' },
    name: { type: 'string', description: 'the object name (without a definition, or overriding it)' },
    namespace: { type: 'string', description: 'the namespace (overrides the definition\'s when it has none)' },
    force: { type: 'boolean', default: false, description: 'replace instead of patch: not supported (a merge patch is used)' },
    apply: { type: 'boolean', default: false, description: 'accepted: tsplay always compares and merge-patches' },
    wait: { type: 'boolean', default: false, description: 'accepted and ignored (use the kubectl module\'s wait)' },
    wait_timeout: { type: 'integer', default: 120, description: 'accepted and ignored' },
    wait_sleep: { type: 'integer', default: 5, description: 'accepted and ignored' },
    wait_condition: { type: 'object', description: 'accepted and ignored' },
    merge_type: { type: ['array', 'string'], description: 'accepted; a JSON merge patch is used' },
    validate: { type: 'object', description: 'accepted and ignored' },
    delete_options: { type: 'object', description: 'accepted and ignored' },
    ...K8S_AUTH,
  },
  additionalProperties: false,
} as const;

interface Target {
  resource: KubeResource;
  name: string;
  namespace?: string | undefined;
  body: Obj;
}

// Whether every field of `want` is in `have` with the same value (lists compared whole).
export function contains(have: unknown, want: unknown): boolean {
  if (want === null || typeof want !== 'object') return have === want || (typeof want !== 'object' && String(have) === String(want) && have !== undefined);
  if (Array.isArray(want)) return Array.isArray(have) && have.length === want.length && want.every((w, i) => contains(have[i], w));
  if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
  return Object.entries(want as Obj).every(([k, v]) => contains((have as Obj)[k], v));
}

async function definitions(a: { definition?: unknown; src?: string | undefined }, searchPaths: string[]): Promise<Obj[] | string> {
  let def = a.definition;
  if (a.src !== undefined) {
    const path = findSource(a.src, searchPaths);
    if (!path) return `Could not find or access '${a.src}' on the Ansible Controller.`;
    def = await readFile(path, 'utf8');
  }
  if (def === undefined) return [];
  if (typeof def === 'string') return parseAllDocuments(def).map((d) => d.toJS() as Obj).filter((o) => o && typeof o === 'object');
  return (Array.isArray(def) ? def : [def]) as Obj[];
}

function targets(objs: Obj[], a: { kind?: string | undefined; name?: string | undefined; namespace?: string | undefined }): Target[] | string {
  const list = objs.length ? objs : [{ kind: a.kind, metadata: { name: a.name } }];
  const out: Target[] = [];
  for (const o of list) {
    const kind = String(o['kind'] ?? a.kind ?? '');
    const resource = resourceOf(kind);
    if (!resource) return `unknown kind ${JSON.stringify(kind)} (tsplay knows: ${knownKinds()})`;
    const name = String(a.name ?? o['metadata']?.name ?? '');
    if (!name) return `a ${kind} needs metadata.name (or name)`;
    const namespace = o['metadata']?.namespace ?? a.namespace;
    out.push({ resource, name, namespace, body: { ...o, metadata: { ...o['metadata'], name, ...(namespace ? { namespace } : {}) } } });
  }
  return out;
}

export default defineModule({
  name: 'k8s',
  aliases: ['kubernetes.core.k8s', 'community.kubernetes.k8s', 'k8s_raw'],
  summary: 'Create, patch or delete Kubernetes objects (kubernetes.core.k8s present/absent)',
  schema,
  checkMode: 'only GETs: reports which objects would be created, patched or deleted',
  example: '- kubernetes.core.k8s:\n    state: present\n    definition:\n      apiVersion: v1\n      kind: ConfigMap\n      metadata: {name: upgrade-marker, namespace: kube-system}\n      data: {version: "1.29"}',
  apiCluster: (args) => kubeSettings(args),
  async probe(ctx, args): Promise<Probe> {
    const bad = unsupportedAuth(args);
    if (bad) return { changed: false, failed: bad };
    const objs = await definitions(args, ctx.searchPaths);
    if (typeof objs === 'string') return { changed: false, failed: objs };
    const list = targets(objs, args);
    if (typeof list === 'string') return { changed: false, failed: list };
    try {
      return await withKube(ctx, kubeSettings(args), (c) => plan(c, list, args.state, kubeSettings(args), ctx.checkMode ? ctx.checkState : undefined));
    } catch (e) {
      return { changed: false, failed: kubeErrorText(e) };
    }
  },
});

// --check: the key under which an object a check-mode create would have made is remembered
// (a later state: absent of it then reports the delete a real run makes).
const created = (t: Target) => `k8s/${t.resource}/${t.namespace ?? ''}/${t.name}`;

async function plan(client: KubeClient, list: Target[], state: string, settings: { kubeconfig?: string; context?: string }, checkState?: Map<string, unknown>): Promise<Probe> {
  const steps: { t: Target; verb: 'create' | 'patch' | 'delete'; existing?: Obj }[] = [];
  const unchanged: Obj[] = [];
  for (const t of list) {
    const existing = await client.find(t.resource, t.name, t.namespace ? { namespace: t.namespace } : {});
    if (state === 'absent') {
      if (existing || checkState?.get(created(t)) === true) steps.push({ t, verb: 'delete', ...(existing ? { existing } : {}) });
      checkState?.delete(created(t));
    } else if (!existing) {
      steps.push({ t, verb: 'create' });
      checkState?.set(created(t), true);
    }
    else if (!contains(existing, t.body)) steps.push({ t, verb: 'patch', existing });
    else unchanged.push(existing);
  }
  const shape = (results: Obj[]): ModuleResult => (list.length === 1 ? { result: results[0] ?? {} } : { result: { results: results.map((r) => ({ result: r })) } });
  if (steps.length === 0) return { changed: false, result: { changed: false, ...shape(unchanged) } };
  const diff = [{ prepared: steps.map((s) => `${s.verb} ${s.t.resource}/${s.t.namespace ? `${s.t.namespace}/` : ''}${s.t.name}`).join(', ') }];
  return {
    changed: true,
    diff,
    result: shape(unchanged),
    apply: async (actx: ApplyContext) => {
      const out: Obj[] = [...unchanged];
      try {
        await withKube(actx, settings, async (c) => {
          for (const s of steps) {
            const ns = s.t.namespace ? { namespace: s.t.namespace } : {};
            if (s.verb === 'create') out.push(await c.create(s.t.resource, s.t.body, ns));
            else if (s.verb === 'patch') out.push(await c.patch(s.t.resource, s.t.name, s.t.body, ns));
            else out.push((await c.delete(s.t.resource, s.t.name, ns)) ?? {});
          }
        });
      } catch (e) {
        return { changed: true, failed: true, msg: kubeErrorText(e), ...shape(out) };
      }
      return { changed: true, ...shape(out) };
    },
  };
}
