// The resources the simulated apiserver serves: names, groups, kinds, verbs, short names.

// One REST resource (a plural name in one group/version).
export interface ResourceDef {
  name: string;
  singular: string;
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  // Whether the resource has a status subresource (PUT/PATCH .../status).
  hasStatus: boolean;
  // Fields accepted in a fieldSelector besides metadata.name and metadata.namespace.
  fields: string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(group: string, version: string, name: string, kind: string, extra: Partial<ResourceDef> = {}): ResourceDef {
  return {
    name,
    singular: kind.toLowerCase(),
    group,
    version,
    kind,
    namespaced: true,
    shortNames: [],
    categories: [],
    hasStatus: false,
    fields: [],
    ...extra,
  };
}

const POD_FIELDS = ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'];
const EVENT_FIELDS = ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'];

// Every served resource, in discovery order.
export const RESOURCES: readonly ResourceDef[] = [
  def('', 'v1', 'namespaces', 'Namespace', { namespaced: false, shortNames: ['ns'], hasStatus: true, fields: ['status.phase'] }),
  def('', 'v1', 'nodes', 'Node', { namespaced: false, shortNames: ['no'], hasStatus: true, fields: ['spec.unschedulable'] }),
  def('', 'v1', 'pods', 'Pod', { shortNames: ['po'], categories: ['all'], hasStatus: true, fields: POD_FIELDS }),
  def('', 'v1', 'services', 'Service', { shortNames: ['svc'], categories: ['all'], hasStatus: true }),
  def('', 'v1', 'events', 'Event', { shortNames: ['ev'], fields: EVENT_FIELDS }),
  def('', 'v1', 'configmaps', 'ConfigMap', { shortNames: ['cm'] }),
  def('apps', 'v1', 'deployments', 'Deployment', { shortNames: ['deploy'], categories: ['all'], hasStatus: true }),
  def('apps', 'v1', 'replicasets', 'ReplicaSet', { shortNames: ['rs'], categories: ['all'], hasStatus: true }),
  def('apps', 'v1', 'daemonsets', 'DaemonSet', { shortNames: ['ds'], categories: ['all'], hasStatus: true }),
  def('apps', 'v1', 'statefulsets', 'StatefulSet', { shortNames: ['sts'], categories: ['all'], hasStatus: true }),
  def('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', { shortNames: ['pdb'], hasStatus: true }),
  def('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  def('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  def('', 'v1', 'serviceaccounts', 'ServiceAccount', { shortNames: ['sa'] }),
  def('', 'v1', 'secrets', 'Secret', { fields: ['type'] }),
  def('batch', 'v1', 'jobs', 'Job', { categories: ['all'], hasStatus: true, fields: ['status.successful'] }),
  def('batch', 'v1', 'cronjobs', 'CronJob', { shortNames: ['cj'], categories: ['all'], hasStatus: true }),
  def('rbac.authorization.k8s.io', 'v1', 'roles', 'Role'),
  def('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding'),
  def('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', { namespaced: false }),
  def('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', { namespaced: false }),
];

// The verbs every served resource supports.
export function resourceVerbs(): string[] {
  return [...VERBS];
}

// `v1` for the core group, `apps/v1` otherwise.
export function groupVersion(d: Pick<ResourceDef, 'group' | 'version'>): string {
  return d.group ? `${d.group}/${d.version}` : d.version;
}

// `pods`, or `deployments.apps` for a named group: how error messages name a resource.
export function qualifiedName(d: ResourceDef): string {
  return d.group ? `${d.name}.${d.group}` : d.name;
}

// The resource with this plural name (names are unique across the served groups).
export function resourceByName(name: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.name === name);
}

// The resource served at this group/version under this plural name.
export function resourceAt(group: string, version: string, name: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.name === name);
}

// The resource for an object's kind (and optionally apiVersion).
export function resourceForKind(kind: string, apiVersion?: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.kind === kind && (apiVersion === undefined || groupVersion(r) === apiVersion));
}

// The resource definition by name, or a thrown Error for a programming mistake.
export function mustResource(name: string): ResourceDef {
  const d = resourceByName(name);
  if (!d) throw new Error(`unknown resource ${JSON.stringify(name)}; known: ${RESOURCES.map((r) => r.name).join(', ')}`);
  return d;
}
