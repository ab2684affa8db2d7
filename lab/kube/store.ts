// The in-memory object store behind the simulated apiserver: create/update/patch (and delete, in
// store-delete.ts) with resourceVersions, dry runs, and synchronous controllers.
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, invalid, notFound } from './errors.js';
import { buildEvent, type EventInput } from './events.js';
import { evictPod, type EvictOptions } from './controllers/eviction.js';
import { reconcileCluster } from './controllers/index.js';
import { randomSuffix } from './names.js';
import { objectKey } from './object-table.js';
import { applyPatch, type PatchType } from './patch.js';
import { groupVersion, mustResource, resourceForKind, type ResourceDef } from './resources.js';
import { DeletingTable } from './store-delete.js';
import { defaultJob } from './controllers/jobs.js';
import { validateObject } from './validate.js';
import { fillServiceAccountToken } from './rbac.js';
import type { KubeStoreOptions, UpdateScope } from './store-types.js';
import { cloneJson, jsonEqual, nowTimestamp, type KubeObject } from './types.js';

export type { ListOptions, StoreListener } from './object-table.js';
export type { KubeStoreOptions, DeleteOptions, UpdateScope, GonePod } from './store-types.js';

const MAX_RECONCILE_PASSES = 25;
const KEEP_META = ['namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion'];

// The object store. Objects handed out are copies; change them only through these methods.
export class KubeStore extends DeletingTable {
  // While true the scheduler places no pods and records no FailedScheduling events (a stalled scheduler).
  schedulerPaused = false;
  private readonly frozen = new Set<string>();
  /** recorded events by what they say (recordEvent), to their names */
  private readonly recordedEvents = new Map<string, string>();
  private reconciling = false;
  private dirty = false;

  constructor(opts: KubeStoreOptions = {}) {
    super(opts);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) this.create('namespaces', { metadata: { name } });
  }

  // Create an object; fills uid, resourceVersion, timestamps; 409 if it exists. Creates a missing namespace.
  // dryRun returns what would be stored (no resourceVersion) and stores nothing.
  create(resource: string, input: KubeObject, dryRun = false): KubeObject {
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
    if (def.namespaced && dryRun && !this.peek('namespaces', meta.namespace ?? '')) throw notFound(mustResource('namespaces'), meta.namespace ?? '');
    if (def.namespaced && !this.peek('namespaces', meta.namespace ?? '')) this.create('namespaces', { metadata: { name: meta.namespace } });
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (resource === 'namespaces') obj.status = { phase: 'Active', ...(obj.status ?? {}) };
    if (resource === 'pods') obj.status = { phase: 'Pending', qosClass: 'BestEffort', ...(obj.status ?? {}) };
    if (resource === 'jobs') defaultJob(obj);
    if (resource === 'secrets') {
      encodeStringData(obj);
      fillServiceAccountToken(obj);
    }
    validateObject(def, obj);
    if (dryRun) {
      delete meta.resourceVersion;
      return obj;
    }
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

  // Replace an object (PUT); 409 on a stale metadata.resourceVersion, 404 if missing. No-op updates change
  // nothing; dryRun returns the result without storing it. Removing the last finalizer of an object
  // being deleted deletes it.
  update(resource: string, input: KubeObject, scope: UpdateScope = 'all', dryRun = false): KubeObject {
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
    if (resource === 'secrets') encodeStringData(next);
    validateObject(def, next, old);
    if (jsonEqual(next, old)) return cloneJson(old);
    if (!jsonEqual(specPart(next), specPart(old))) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    if (dryRun) return next;
    this.commit(def, k, 'MODIFIED', next, old);
    this.releaseIfDone(def, k, next);
    this.changed();
    return cloneJson(next);
  }

  // Patch an object; a resourceVersion inside the patch is checked like an update's.
  patch(resource: string, name: string, body: unknown, type: PatchType = 'merge', opts: { namespace?: string; scope?: UpdateScope; dryRun?: boolean } = {}): KubeObject {
    const def = mustResource(resource);
    const old = this.peek(resource, name, opts.namespace);
    if (!old) throw notFound(def, name);
    const next = applyPatch(old, body, type);
    next.metadata = { ...(next.metadata ?? {}), name: old.metadata.name, namespace: old.metadata.namespace };
    if (!def.namespaced) delete next.metadata.namespace;
    return this.update(resource, next, opts.scope ?? 'all', opts.dryRun ?? false);
  }

  // Evict a pod through its PodDisruptionBudget like POST pods/{name}/eviction (throws 404/429/500);
  // with dryRun the same decision is made and nothing changes.
  evict(name: string, namespace = 'default', opts: EvictOptions = {}): KubeObject {
    return evictPod(this, name, namespace, opts);
  }

  // Record a core/v1 Event about an object (e.g. FailedScheduling); returns the Event.
  // An event like one already recorded (same object, reason, message, type and source) counts
  // up that one, as client-go's event correlator does, instead of adding another.
  recordEvent(input: EventInput): KubeObject {
    const ev = buildEvent(input);
    const { resourceVersion: _rv, ...involved } = ev['involvedObject'] as Record<string, unknown>;
    const key = JSON.stringify([ev.metadata.namespace, involved, ev['reason'], ev['message'], ev['type'], ev['source']]);
    const seen = this.recordedEvents.get(key);
    const old = seen === undefined ? undefined : this.get('events', seen, ev.metadata.namespace);
    if (!old) {
      const made = this.create('events', ev);
      this.recordedEvents.set(key, made.metadata.name ?? '');
      return made;
    }
    return this.update('events', { ...old, count: Number(old['count'] ?? 1) + 1, lastTimestamp: ev['lastTimestamp'] });
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
    this.stopTimers();
    this.dropListeners();
  }

  // Runs fn's writes with the controllers held, then runs them once if anything changed: periodic
  // work that writes one object per node (Lease renewals) reconciles once, not once per node.
  batch(fn: () => void): void {
    if (this.reconciling) return fn();
    this.reconciling = true;
    this.dirty = false;
    try {
      fn();
    } finally {
      this.reconciling = false;
    }
    if (this.dirty) this.changed();
  }

  // Run the controllers until nothing changes (bounded), unless already inside a pass.
  protected changed(): void {
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

// A Secret's stringData is written into its data, base64 encoded, as the apiserver does.
function encodeStringData(o: KubeObject): void {
  const sd = o['stringData'];
  if (!sd || typeof sd !== 'object') return;
  o['data'] = { ...(o['data'] ?? {}), ...Object.fromEntries(Object.entries(sd as Record<string, unknown>).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')])) };
  delete o['stringData'];
}
