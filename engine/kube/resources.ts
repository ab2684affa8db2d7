// REST paths of the resources tsplay uses, keyed by their plural names.

// A resource the client knows the path of.
export type KubeResource =
  | 'nodes'
  | 'pods'
  | 'namespaces'
  | 'services'
  | 'events'
  | 'configmaps'
  | 'poddisruptionbudgets'
  | 'endpointslices'
  | 'leases'
  | 'deployments'
  | 'daemonsets'
  | 'replicasets'
  | 'statefulsets'
  | 'serviceaccounts'
  | 'secrets'
  | 'jobs'
  | 'cronjobs'
  | 'roles'
  | 'rolebindings'
  | 'clusterroles'
  | 'clusterrolebindings';

// Where a resource lives: API group, version, scope and kind.
export interface ResourceInfo {
  group: string;
  version: string;
  namespaced: boolean;
  kind: string;
}

// Every known resource.
export const KUBE_RESOURCES: Record<KubeResource, ResourceInfo> = {
  nodes: { group: '', version: 'v1', namespaced: false, kind: 'Node' },
  pods: { group: '', version: 'v1', namespaced: true, kind: 'Pod' },
  namespaces: { group: '', version: 'v1', namespaced: false, kind: 'Namespace' },
  services: { group: '', version: 'v1', namespaced: true, kind: 'Service' },
  events: { group: '', version: 'v1', namespaced: true, kind: 'Event' },
  configmaps: { group: '', version: 'v1', namespaced: true, kind: 'ConfigMap' },
  poddisruptionbudgets: { group: 'policy', version: 'v1', namespaced: true, kind: 'PodDisruptionBudget' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', namespaced: true, kind: 'EndpointSlice' },
  leases: { group: 'coordination.k8s.io', version: 'v1', namespaced: true, kind: 'Lease' },
  deployments: { group: 'apps', version: 'v1', namespaced: true, kind: 'Deployment' },
  daemonsets: { group: 'apps', version: 'v1', namespaced: true, kind: 'DaemonSet' },
  replicasets: { group: 'apps', version: 'v1', namespaced: true, kind: 'ReplicaSet' },
  statefulsets: { group: 'apps', version: 'v1', namespaced: true, kind: 'StatefulSet' },
  serviceaccounts: { group: '', version: 'v1', namespaced: true, kind: 'ServiceAccount' },
  secrets: { group: '', version: 'v1', namespaced: true, kind: 'Secret' },
  jobs: { group: 'batch', version: 'v1', namespaced: true, kind: 'Job' },
  cronjobs: { group: 'batch', version: 'v1', namespaced: true, kind: 'CronJob' },
  roles: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: true, kind: 'Role' },
  rolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: true, kind: 'RoleBinding' },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: false, kind: 'ClusterRole' },
  clusterrolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: false, kind: 'ClusterRoleBinding' },
};

// Where in the path a request points: a namespace (omit for all namespaces / cluster scope), a name, a subresource.
export interface PathParts {
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

// Whether `name` is a resource the client knows.
export function isKubeResource(name: string): name is KubeResource {
  return Object.hasOwn(KUBE_RESOURCES, name);
}

// `apiVersion` of a resource's objects: `v1` or `group/version`.
export function apiVersionOf(resource: KubeResource): string {
  const r = KUBE_RESOURCES[resource];
  return r.group ? `${r.group}/${r.version}` : r.version;
}

// The REST path, e.g. /api/v1/namespaces/default/pods/web-1/eviction or /apis/apps/v1/deployments.
export function resourcePath(resource: KubeResource, parts: PathParts = {}): string {
  const r = KUBE_RESOURCES[resource];
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && parts.namespace ? `/namespaces/${encodeURIComponent(parts.namespace)}` : '';
  const name = parts.name !== undefined ? `/${encodeURIComponent(parts.name)}` : '';
  const sub = parts.name !== undefined && parts.subresource ? `/${parts.subresource}` : '';
  return `${base}${ns}/${resource}${name}${sub}`;
}
