// ServiceAccount tokens and RBAC, as the apiserver does them for the kinds the lab stores: a Secret
// of type kubernetes.io/service-account-token gets a token (the legacy token controller); a request
// with that token is the ServiceAccount (system:serviceaccount:NS:NAME) and may do only what its
// RoleBindings and ClusterRoleBindings grant (verbs, API groups, resources and subresources,
// resourceNames, nonResourceURLs). The lab's admin token is not affected.
import { randomBytes } from 'node:crypto';
import { KubeStatusError } from './errors.js';
import { mustResource as resourceDef } from './resources.js';
import type { ResourceRoute } from './routes.js';
import type { KubeStore } from './store.js';
import type { KubeObject } from './types.js';

export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const SA_ANNOTATION = 'kubernetes.io/service-account.name';

/** a ServiceAccount a token stands for */
export interface ServiceAccountUser {
  namespace: string;
  name: string;
}

type Rule = { verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };

// Fills a new service account token Secret's data (token, namespace), as the token controller does.
export function fillServiceAccountToken(o: KubeObject): void {
  if (o['type'] !== SA_TOKEN_TYPE || !o.metadata.annotations?.[SA_ANNOTATION]) return;
  const data = (o['data'] ??= {}) as Record<string, string>;
  data['token'] ??= Buffer.from(`sa-${randomBytes(24).toString('hex')}`).toString('base64');
  data['namespace'] ??= Buffer.from(o.metadata.namespace ?? 'default').toString('base64');
}

// The ServiceAccount a bearer token belongs to, if it is one's.
export function serviceAccountOf(store: KubeStore, token: string): ServiceAccountUser | undefined {
  const b64 = Buffer.from(token).toString('base64');
  const s = store.items('secrets').find((x) => x['type'] === SA_TOKEN_TYPE && (x['data'] as Record<string, string> | undefined)?.['token'] === b64);
  const name = s?.metadata.annotations?.[SA_ANNOTATION];
  return s && name ? { namespace: s.metadata.namespace ?? 'default', name } : undefined;
}

function verbOf(method: string, route: ResourceRoute | undefined, url: URL): string {
  const watch = url.searchParams.get('watch');
  switch (method) {
    case 'GET':
      if (watch === 'true' || watch === '1') return 'watch';
      return route && !route.name ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return route && !route.name ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

const has = (list: string[] | undefined, v: string) => (list ?? []).includes('*') || (list ?? []).includes(v);

function allows(r: Rule, verb: string, route: ResourceRoute | undefined, path: string): boolean {
  if (!has(r.verbs, verb)) return false;
  if (!route) return (r.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
  if (!has(r.apiGroups, route.def.group)) return false;
  const resource = route.subresource ? `${route.def.name}/${route.subresource}` : route.def.name;
  if (!has(r.resources, resource)) return false;
  return !r.resourceNames?.length || (route.name !== undefined && r.resourceNames.includes(route.name));
}

// The rules that apply to a ServiceAccount in a namespace (undefined: cluster-wide requests).
function rulesFor(store: KubeStore, u: ServiceAccountUser, namespace: string | undefined): Rule[] {
  const isMe = (b: KubeObject) => ((b['subjects'] ?? []) as { kind?: string; name?: string; namespace?: string }[]).some((s) => s.kind === 'ServiceAccount' && s.name === u.name && (s.namespace ?? b.metadata.namespace) === u.namespace);
  const roleRules = (ref: { kind?: string; name?: string }, ns?: string): Rule[] => {
    const role = ref.kind === 'ClusterRole' ? store.peek('clusterroles', ref.name ?? '') : store.peek('roles', ref.name ?? '', ns);
    return (role?.['rules'] ?? []) as Rule[];
  };
  const out: Rule[] = [];
  for (const b of store.items('clusterrolebindings')) if (isMe(b)) out.push(...roleRules(b['roleRef'] ?? {}));
  if (namespace) for (const b of store.items('rolebindings')) if (b.metadata.namespace === namespace && isMe(b)) out.push(...roleRules(b['roleRef'] ?? {}, namespace));
  return out;
}

// Throws 403 unless the ServiceAccount may make this request (discovery and /version: everyone).
export function authorize(store: KubeStore, u: ServiceAccountUser, method: string, url: URL, parsed: ResourceRoute | undefined): void {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  // the service proxy (/api/v1/namespaces/NS/services/NAME[:PORT]/proxy/...) is services/proxy
  const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/|$)/.exec(path);
  const route: ResourceRoute | undefined = proxy ? { def: { ...resourceDef('services') }, namespace: decodeURIComponent(proxy[1] as string), name: decodeURIComponent(proxy[2] as string).split(':')[0], subresource: 'proxy' } : parsed;
  if (!route && method === 'GET' && /^\/(version|healthz|livez|readyz|api(\/v1)?|apis(\/[^/]+(\/[^/]+)?)?)$/.test(path)) return;
  const verb = verbOf(method, route, url);
  const ns = route?.def.namespaced ? route.namespace : undefined;
  if (rulesFor(store, u, ns).some((r) => allows(r, verb, route, path))) return;
  const who = `User "system:serviceaccount:${u.namespace}:${u.name}"`;
  const what = route
    ? `${route.def.name}${route.subresource ? `/${route.subresource}` : ''}${route.name ? ` "${route.name}"` : ''} is forbidden: ${who} cannot ${verb} resource "${route.def.name}${route.subresource ? `/${route.subresource}` : ''}" in API group "${route.def.group}" ${ns ? `in the namespace "${ns}"` : 'at the cluster scope'}`
    : `forbidden: ${who} cannot ${verb} path "${path}"`;
  throw new KubeStatusError(403, 'Forbidden', what, { ...(route ? { kind: route.def.name, ...(route.name ? { name: route.name } : {}) } : {}) });
}
