// The in-memory object store behind the simulated apiserver: create/update/patch/delete with
// resourceVersions, graceful pod deletion, garbage collection, and synchronous controllers.
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, invalid, notFound } from './errors.js';
import { buildEvent, type EventInput } from './events.js';
import { evictPod, type EvictOptions } from './controllers/eviction.js';
import { reconcileCluster } from './controllers/index.js';
import { randomSuffix } from './names.js';
import { ObjectTable, objectKey } from './object-table.js';
import { applyPatch, type PatchType } from './patch.js';
import { groupVersion, mustResource, resourceForKind, type ResourceDef } from './resources.js';
import type { DeleteOptions, GonePod, KubeStoreOptions, UpdateScope } from './store-types.js';
import { cloneJson, jsonEqual, nowTimestamp, type KubeObject } from './types.js';

export type { ListOptions, StoreListener } from './object-table.js';
export type { KubeStoreOptions, DeleteOptions, UpdateScope, GonePod } from './store-types.js';

const MAX_RECONCILE_PASSES = 25;
const KEEP_META = ['namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion'];

// The object store. Objects handed out are copies; change them only through these methods.
export class KubeStore extends ObjectTable {
  readonly timeScale: number;
  readonly controllersEnabled: boolean;
  // Pods whose deletion started or finished since the controllers last looked.
  readonly gone: GonePod[] = [];
  // While true the scheduler places no pods and records no FailedScheduling events (a stalled scheduler).
  schedulerPaused = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly frozen = new Set<string>();
  private reconciling = false;
  private dirty = false;

  constructor(opts: KubeStoreOptions = {}) {
    super(opts.historySize ?? 5000);
    this.controllersEnabled = opts.controllers ?? true;
    this.timeScale = opts.timeScale ?? 1;
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) this.create('namespaces', { metadata: { name } });
  }

  // Create an object; fills uid, resourceVersion, timestamps; 409 if it exists. Creates a missing namespace.
  create(resource: string, input: KubeObject): KubeObject {
    const def = mustResource(resource);
    const obj = cloneJson(input);
    obj.apiVersion = groupVersion(def);
    obj.kind = def.kind;
    const meta = (obj.metadata ??= {});
    if (def.namespaced) meta.namespace ??= 'default';
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = this.freshName(def, meta.generateName, meta.namespace);
    if (!meta.name) throw invalid(def, '', 'metadata.name', 'Required value: name or generateName is required');
    const k = objectKey(def, meta.name, meta.namespace);
    if (this.bucket(def).has(k)) throw alreadyExists(def, meta.name);
    if (def.namespaced && !this.peek('namespaces', meta.namespace ?? '')) this.create('namespaces', { metadata: { name: meta.namespace } });
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (resource === 'namespaces') obj.status = { phase: 'Active', ...(obj.status ?? {}) };
    if (resource === 'pods') obj.status = { phase: 'Pending', qosClass: 'BestEffort', ...(obj.status ?? {}) };
    this.commit(def, k, 'ADDED', obj, undefined);
    this.changed();
    return cloneJson(obj);
  }

  // Create objects of any served kind, picking the resource from `kind`.
  add(...objs: KubeObject[]): KubeObject[] {
    return objs.map((o) => {
      const def = resourceForKind(o.kind ?? '');
      if (!def) throw new Error(`no served resource has kind ${JSON.stringify(o.kind)}`);
      return this.create(def.name, o);
    });
  }

  // Replace an object (PUT); 409 on a stale metadata.resourceVersion, 404 if missing. No-op updates change nothing.
  update(resource: string, input: KubeObject, scope: UpdateScope = 'all'): KubeObject {
    const def = mustResource(resource);
    const name = input.metadata?.name ?? '';
    const k = objectKey(def, name, input.metadata?.namespace);
    const old = this.bucket(def).get(k);
    if (!old) throw notFound(def, name);
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(def, name);
    let next = cloneJson(input);
    if (scope === 'status') next = { ...cloneJson(old), status: next.status };
    if (scope === 'main' && def.hasStatus) next.status = cloneJson(old.status);
    next.apiVersion = old.apiVersion;
    next.kind = old.kind;
    for (const f of KEEP_META) {
      if (old.metadata[f] === undefined) delete next.metadata[f];
      else next.metadata[f] = old.metadata[f];
    }
    if (jsonEqual(next, old)) return cloneJson(old);
    if (!jsonEqual(specPart(next), specPart(old))) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    this.commit(def, k, 'MODIFIED', next, old);
    this.changed();
    return cloneJson(next);
  }

  // Patch an object; a resourceVersion inside the patch is checked like an update's.
  patch(resource: string, name: string, body: unknown, type: PatchType = 'merge', opts: { namespace?: string; scope?: UpdateScope } = {}): KubeObject {
    const def = mustResource(resource);
    const old = this.peek(resource, name, opts.namespace);
    if (!old) throw notFound(def, name);
    const next = applyPatch(old, body, type);
    next.metadata = { ...(next.metadata ?? {}), name: old.metadata.name, namespace: old.metadata.namespace };
    if (!def.namespaced) delete next.metadata.namespace;
    return this.update(resource, next, opts.scope ?? 'all');
  }

  // Delete an object. A scheduled, running pod with a grace period starts terminating and goes later.
  delete(resource: string, name: string, namespace?: string, opts: DeleteOptions = {}): KubeObject {
    const def = mustResource(resource);
    const k = objectKey(def, name, namespace);
    const old = this.bucket(def).get(k);
    if (!old) throw notFound(def, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) throw conflict(def, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(def, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    const grace = resource === 'pods' ? podGrace(old, opts.gracePeriodSeconds) : 0;
    if (grace > 0 && this.timeScale > 0) return this.startTermination(def, k, old, grace, opts);
    return this.remove(def, k, old, opts);
  }

  // Evict a pod through its PodDisruptionBudget like POST pods/{name}/eviction (throws 404/429/500).
  evict(name: string, namespace = 'default', opts: EvictOptions = {}): KubeObject {
    return evictPod(this, name, namespace, opts);
  }

  // Record a core/v1 Event about an object (e.g. FailedScheduling); returns the Event.
  recordEvent(input: EventInput): KubeObject {
    return this.create('events', buildEvent(input));
  }

  // Keep (or release) an EndpointSlice as it is: the controller stops updating it while frozen.
  freezeEndpointSlice(namespace: string, name: string, frozen: boolean): void {
    const k = `${namespace}/${name}`;
    if (frozen) this.frozen.add(k);
    else this.frozen.delete(k);
    this.changed();
  }

  // Whether an EndpointSlice is frozen.
  isEndpointSliceFrozen(namespace: string, name: string): boolean {
    return this.frozen.has(`${namespace}/${name}`);
  }

  // Run the controllers now (after changing state they cannot see, such as schedulerPaused).
  reconcile(): void {
    this.changed();
  }

  // Stop pending termination timers and drop listeners (the store stays readable).
  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.dropListeners();
  }

  private startTermination(def: ResourceDef, k: string, old: KubeObject, grace: number, opts: DeleteOptions): KubeObject {
    const prev = old.metadata.deletionGracePeriodSeconds;
    if (old.metadata.deletionTimestamp && prev !== undefined && prev <= grace) return cloneJson(old);
    const next = cloneJson(old);
    next.metadata.deletionTimestamp = nowTimestamp(new Date(Date.now() + grace * 1000));
    next.metadata.deletionGracePeriodSeconds = grace;
    if (!old.metadata.deletionTimestamp && this.controllersEnabled && opts.cause !== 'gc') this.gone.push({ pod: cloneJson(next), final: false });
    clearTimeout(this.timers.get(k));
    const timer = setTimeout(() => {
      this.timers.delete(k);
      const cur = this.bucket(def).get(k);
      if (cur && cur.metadata.uid === old.metadata.uid) this.remove(def, k, cur, opts);
    }, grace * 1000 * this.timeScale);
    timer.unref();
    this.timers.set(k, timer);
    this.commit(def, k, 'MODIFIED', next, old);
    this.changed();
    return cloneJson(next);
  }

  private remove(def: ResourceDef, k: string, old: KubeObject, opts: DeleteOptions): KubeObject {
    clearTimeout(this.timers.get(k));
    this.timers.delete(k);
    const gone = this.uncommit(def, k, old);
    if (def.name === 'pods' && this.controllersEnabled && opts.cause !== 'gc') this.gone.push({ pod: cloneJson(gone), final: true });
    if (opts.propagationPolicy !== 'Orphan') this.collectDependents(old);
    this.changed();
    return gone;
  }

  // Cascading deletion: objects owned by the deleted one, or inside a deleted namespace.
  private collectDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    for (const [resource, bucket] of this.buckets()) {
      for (const o of [...bucket.values()]) {
        const inNamespace = owner.kind === 'Namespace' && o.metadata.namespace === owner.metadata.name;
        const owned = o.metadata.ownerReferences?.some((r) => r.uid === uid) ?? false;
        if ((inNamespace || owned) && this.peek(resource, o.metadata.name ?? '', o.metadata.namespace)) {
          this.delete(resource, o.metadata.name ?? '', o.metadata.namespace, { cause: 'gc' });
        }
      }
    }
  }

  // Run the controllers until nothing changes (bounded), unless already inside a pass.
  private changed(): void {
    if (!this.controllersEnabled) return;
    if (this.reconciling) {
      this.dirty = true;
      return;
    }
    this.reconciling = true;
    try {
      for (let pass = 0; pass < MAX_RECONCILE_PASSES; pass++) {
        this.dirty = false;
        reconcileCluster(this);
        if (!this.dirty) break;
      }
    } finally {
      this.reconciling = false;
    }
  }

  private freshName(def: ResourceDef, prefix: string, namespace: string | undefined): string {
    for (let i = 0; i < 100; i++) {
      const name = prefix + randomSuffix();
      if (!this.bucket(def).has(objectKey(def, name, namespace))) return name;
    }
    throw new Error(`could not generate a free name for ${prefix}`);
  }
}

function specPart(o: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

// The grace period a pod deletion gets: 0 for unscheduled or finished pods, else the request or the pod's own.
function podGrace(pod: KubeObject, requested: number | undefined): number {
  if (!pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = requested === undefined || requested < 0 ? (pod.spec?.terminationGracePeriodSeconds ?? 30) : requested;
  return Math.max(0, Number(g) || 0);
}
