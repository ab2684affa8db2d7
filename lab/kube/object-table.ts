// Storage, resourceVersions, history and change listeners: the base of the simulator's store.
import { mustResource, type ResourceDef } from './resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { cloneJson, type KubeObject, type StoreEvent, type WatchEventType } from './types.js';

// Which objects a list or watch selects.
export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

// Listener for every committed change.
export type StoreListener = (event: StoreEvent) => void;

// Objects per resource, keyed `namespace/name` (or `name` when cluster-scoped), with a change log.
export class ObjectTable {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private rv = 0;

  constructor(private readonly historySize: number) {}

  // The current (latest) resourceVersion.
  get resourceVersion(): string {
    return String(this.rv);
  }

  // A copy of one object; namespaced resources default to namespace `default`.
  get(resource: string, name: string, namespace?: string): KubeObject | undefined {
    const o = this.peek(resource, name, namespace);
    return o ? cloneJson(o) : undefined;
  }

  // The stored object itself (read-only by convention), for controllers and the REST layer.
  peek(resource: string, name: string, namespace?: string): KubeObject | undefined {
    const def = mustResource(resource);
    return this.bucket(def).get(objectKey(def, name, namespace));
  }

  // Stored objects of a resource (read-only by convention).
  items(resource: string): KubeObject[] {
    return [...this.bucket(mustResource(resource)).values()];
  }

  // Copies of the objects matching namespace and selectors, sorted by namespace then name.
  list(resource: string, opts: ListOptions = {}): KubeObject[] {
    return this.select(resource, opts).map((o) => cloneJson(o));
  }

  // The stored objects list() would copy (read-only by convention), for a controller's frequent reads.
  select(resource: string, opts: ListOptions = {}): KubeObject[] {
    const match = this.matcher(mustResource(resource), opts);
    return this.items(resource).filter(match).sort(byNamespaceName);
  }

  // A predicate for the list options (selectors parsed once; throws 400 on bad syntax).
  matcher(def: ResourceDef, opts: ListOptions): (o: KubeObject) => boolean {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, def.fields);
    const ns = def.namespaced ? opts.namespace : undefined;
    return (o) => (!ns || o.metadata.namespace === ns) && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
  }

  // Subscribe to every committed change; returns the unsubscribe function.
  watch(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Events after resourceVersion `rv`, or undefined when they have left the history window.
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv >= this.rv) return [];
    const first = this.history[0];
    if (!first || first.rv > rv + 1) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  // Drop every listener (watch streams end on their own side).
  protected dropListeners(): void {
    this.listeners.clear();
  }

  // Store obj under k with a new resourceVersion and tell the listeners.
  protected commit(def: ResourceDef, k: string, type: WatchEventType, obj: KubeObject, old: KubeObject | undefined): void {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    this.bucket(def).set(k, obj);
    this.emit({ type, resource: def.name, object: cloneJson(obj), old: old ? cloneJson(old) : undefined, rv: this.rv });
  }

  // Remove the object under k with a new resourceVersion and tell the listeners; returns its last state.
  protected uncommit(def: ResourceDef, k: string, old: KubeObject): KubeObject {
    this.rv += 1;
    const gone = cloneJson(old);
    gone.metadata.resourceVersion = String(this.rv);
    this.bucket(def).delete(k);
    this.emit({ type: 'DELETED', resource: def.name, object: cloneJson(gone), old: cloneJson(old), rv: this.rv });
    return gone;
  }

  // Every stored resource bucket, for cross-resource scans (garbage collection).
  protected buckets(): [string, Map<string, KubeObject>][] {
    return [...this.objects.entries()];
  }

  protected bucket(def: ResourceDef): Map<string, KubeObject> {
    let b = this.objects.get(def.name);
    if (!b) this.objects.set(def.name, (b = new Map()));
    return b;
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    for (const l of [...this.listeners]) l(e);
  }
}

// The key of an object in its resource bucket.
export function objectKey(def: ResourceDef, name: string, namespace: string | undefined): string {
  return def.namespaced ? `${namespace ?? 'default'}/${name}` : name;
}

function byNamespaceName(a: KubeObject, b: KubeObject): number {
  const an = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const bn = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}
