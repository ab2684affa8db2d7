// Object shapes shared by the store, the controllers and the REST layer (loose JSON, like unstructured).

// metav1.OwnerReference.
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

// metav1.ObjectMeta (the fields the simulator maintains or reads).
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

// Any API object; spec and status stay loosely typed JSON, as in client-go's unstructured.
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

// The watch event types of the Kubernetes watch protocol.
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

// One change recorded by the store: what the watch stream sends, plus the previous object.
export interface StoreEvent {
  type: WatchEventType;
  resource: string;
  object: KubeObject;
  old: KubeObject | undefined;
  rv: number;
}

// The current time as the API renders timestamps (RFC 3339, seconds).
export function nowTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// A deep copy of a JSON value.
export function cloneJson<T>(v: T): T {
  return structuredClone(v);
}

// Whether two JSON values are equal (key order ignored).
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

// The pod's Ready condition is True (and the pod is not terminating).
export function isPodReady(pod: KubeObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const conds: { type?: string; status?: string }[] = pod.status?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

// The ownerReference marked controller: true, if any.
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

// The node's Ready condition is True.
export function isNodeReady(node: KubeObject): boolean {
  const conds: { type?: string; status?: string }[] = node.status?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}
