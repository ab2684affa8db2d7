// Deletion in the simulator's store: graceful pod termination (the kubelet confirms after the grace
// period), finalizers that hold an object until they are removed, garbage collection of dependents.
import { conflict, notFound } from './errors.js';
import { ObjectTable, objectKey } from './object-table.js';
import { mustResource, type ResourceDef } from './resources.js';
import type { DeleteOptions, GonePod, KubeStoreOptions } from './store-types.js';
import { cloneJson, nowTimestamp, type KubeObject } from './types.js';

// The object table plus deletion: what KubeStore builds its create/update/patch on.
export abstract class DeletingTable extends ObjectTable {
  readonly timeScale: number;
  readonly controllersEnabled: boolean;
  // Pods whose deletion started or finished since the controllers last looked.
  readonly gone: GonePod[] = [];
  // Finalizers whose holder lets go when a pod's deletion is forced (gracePeriodSeconds 0): the
  // stand-in for a driver that waits for the termination to be confirmed (the lab's stuck pods).
  readonly forceReleased = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(opts: KubeStoreOptions) {
    super(opts.historySize ?? 5000);
    this.controllersEnabled = opts.controllers ?? true;
    this.timeScale = opts.timeScale ?? 1;
  }

  // Run the controllers after a change.
  protected abstract changed(): void;

  // Delete an object. A scheduled, running pod with a grace period starts terminating and goes later;
  // an object with finalizers keeps its deletionTimestamp until they are removed. dryRun changes nothing.
  delete(resource: string, name: string, namespace?: string, opts: DeleteOptions = {}): KubeObject {
    const def = mustResource(resource);
    const k = objectKey(def, name, namespace);
    const found = this.bucket(def).get(k);
    if (!found) throw notFound(def, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== found.metadata.uid) throw conflict(def, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${found.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== found.metadata.resourceVersion) {
      throw conflict(def, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${found.metadata.resourceVersion}`);
    }
    const grace = resource === 'pods' ? podGrace(found, opts.gracePeriodSeconds) : 0;
    const forced = resource === 'pods' && opts.gracePeriodSeconds === 0 && opts.cause !== 'gc';
    const finalizers = (found.metadata.finalizers ?? []).filter((f) => !(forced && this.forceReleased.has(f)));
    if (opts.dryRun) return preview(found, grace, finalizers);
    let old = found;
    if (finalizers.length !== (found.metadata.finalizers ?? []).length) {
      const next = cloneJson(found);
      next.metadata.finalizers = finalizers;
      if (!finalizers.length) delete next.metadata.finalizers;
      this.commit(def, k, 'MODIFIED', next, found);
      old = next;
    }
    if (grace > 0 && this.timeScale > 0) return this.startTermination(def, k, old, grace, opts);
    if (finalizers.length) return this.hold(def, k, old, opts);
    return this.remove(def, k, old, opts);
  }

  // Whether a pod's termination is still waiting for its grace period.
  protected terminating(k: string): boolean {
    return this.timers.has(k);
  }

  // An object being deleted whose last finalizer was just removed goes now.
  protected releaseIfDone(def: ResourceDef, k: string, obj: KubeObject): void {
    if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).length && !this.terminating(k)) this.remove(def, k, obj, {});
  }

  // Stop pending termination timers.
  protected stopTimers(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private queueGone(old: KubeObject, next: KubeObject, opts: DeleteOptions): void {
    if (!old.metadata.deletionTimestamp && this.controllersEnabled && opts.cause !== 'gc' && next.kind === 'Pod') this.gone.push({ pod: cloneJson(next), final: false });
  }

  private startTermination(def: ResourceDef, k: string, old: KubeObject, grace: number, opts: DeleteOptions): KubeObject {
    const prev = old.metadata.deletionGracePeriodSeconds;
    if (old.metadata.deletionTimestamp && prev !== undefined && prev <= grace) return cloneJson(old);
    const next = cloneJson(old);
    next.metadata.deletionTimestamp = nowTimestamp(new Date(Date.now() + grace * 1000));
    next.metadata.deletionGracePeriodSeconds = grace;
    this.queueGone(old, next, opts);
    clearTimeout(this.timers.get(k));
    const timer = setTimeout(() => {
      this.timers.delete(k);
      const cur = this.bucket(def).get(k);
      if (!cur || cur.metadata.uid !== old.metadata.uid) return;
      if ((cur.metadata.finalizers ?? []).length) this.hold(def, k, cur, opts);
      else this.remove(def, k, cur, opts);
    }, grace * 1000 * this.timeScale);
    timer.unref();
    this.timers.set(k, timer);
    this.commit(def, k, 'MODIFIED', next, old);
    this.changed();
    return cloneJson(next);
  }

  // Keep an object with finalizers: deletionTimestamp set (now, if not yet), grace period 0.
  private hold(def: ResourceDef, k: string, old: KubeObject, opts: DeleteOptions): KubeObject {
    clearTimeout(this.timers.get(k));
    this.timers.delete(k);
    const next = cloneJson(old);
    next.metadata.deletionTimestamp ??= nowTimestamp();
    next.metadata.deletionGracePeriodSeconds = 0;
    this.queueGone(old, next, opts);
    if (next.metadata.deletionTimestamp !== old.metadata.deletionTimestamp || old.metadata.deletionGracePeriodSeconds !== 0) this.commit(def, k, 'MODIFIED', next, old);
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
        if ((inNamespace || owned) && !o.metadata.deletionTimestamp && this.peek(resource, o.metadata.name ?? '', o.metadata.namespace)) {
          this.delete(resource, o.metadata.name ?? '', o.metadata.namespace, { cause: 'gc' });
        }
      }
    }
  }
}

// What a deletion would leave, for dryRun: the object itself, or with its deletionTimestamp when it stays a while.
function preview(obj: KubeObject, grace: number, finalizers: string[]): KubeObject {
  const out = cloneJson(obj);
  if (grace <= 0 && !finalizers.length) return out;
  out.metadata.deletionTimestamp ??= nowTimestamp(new Date(Date.now() + grace * 1000));
  out.metadata.deletionGracePeriodSeconds = grace;
  return out;
}

// The grace period a pod deletion gets: 0 for unscheduled or finished pods, else the request or the pod's own.
function podGrace(pod: KubeObject, requested: number | undefined): number {
  if (!pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = requested === undefined || requested < 0 ? (pod.spec?.terminationGracePeriodSeconds ?? 30) : requested;
  return Math.max(0, Number(g) || 0);
}
