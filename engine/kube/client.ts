// A small Kubernetes API client for tsplay's kubectl module and guards: typed verbs over REST paths,
// evictions with their PDB outcome, and watch streams; transient failures are retried (retry.ts).
// Built on node:http/node:https only.
import { KubeApiError } from './errors.js';
import type { KubeTarget } from './kubeconfig.js';
import { KUBE_RESOURCES, apiVersionOf, resourcePath, type KubeResource } from './resources.js';
import { Transport, type RawResponse } from './transport.js';
import { readWatch, type WatchEvent, type WatchEnd } from './watch.js';
import { defaultRetry, withRetry, type RetryPolicy } from './retry.js';

type Obj = Record<string, any>;

// Options of request().
export interface RequestOptions {
  contentType?: string;
  query?: Record<string, string>;
  accept?: string;
  /** false: one attempt only; a policy: this one instead of the client's */
  retry?: false | RetryPolicy;
}

// Options of the client.
export interface ClientOptions {
  /** per request (default 30 s) */
  timeoutMs?: number;
  /** transient failures: the policy, or false for one attempt only (default: defaultRetry()) */
  retry?: false | Partial<RetryPolicy>;
  /** stops retrying (the run was interrupted) */
  signal?: AbortSignal;
}

// Options of list().
export interface ListOptions {
  namespace?: string;
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
}

// Options of delete().
export interface DeleteOptions {
  namespace?: string;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  ignoreNotFound?: boolean;
}

// The patch flavours: JSON merge patch, strategic merge patch, JSON patch.
export type PatchKind = 'merge' | 'strategic' | 'json';

const PATCH_TYPES: Record<PatchKind, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

// What an eviction did: the pod is going, it was already gone, or a PodDisruptionBudget blocked it (429).
export type EvictionResult =
  | { outcome: 'evicted' }
  | { outcome: 'not-found' }
  | { outcome: 'blocked'; message: string; causes: { reason?: string; message?: string }[] };

// A client bound to one kubeconfig target.
export class KubeClient {
  readonly target: KubeTarget;
  private readonly transport: Transport;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy | false;
  private readonly signal: AbortSignal | undefined;

  constructor(target: KubeTarget, opts: ClientOptions = {}) {
    this.target = target;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retry = opts.retry === false ? false : { ...defaultRetry(), ...opts.retry };
    this.signal = opts.signal;
    this.transport = new Transport(target);
  }

  // Send one request, retrying transient failures (429/5xx, refused, reset) within the retry budget.
  // Resolves for every HTTP status; throws KubeTransportError when the server cannot be reached.
  async request(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<RawResponse> {
    const once = () => this.transport.send({ method, path, body, query: opts.query, contentType: opts.contentType, accept: opts.accept, timeoutMs: this.timeoutMs });
    // a refused token file or exec credential is fetched again once (rotated, expired early)
    const send = async () => {
      const r = await once();
      if (r.status !== 401 || !this.transport.credentials.renewable) return r;
      this.transport.credentials.invalidate();
      return once();
    };
    let policy = opts.retry === undefined ? this.retry : opts.retry;
    // a 429 from an eviction is a PodDisruptionBudget saying no (the drain decides when to ask again), not overload
    if (policy && method === 'POST' && /\/eviction$/.test(path)) policy = { ...policy, statuses: policy.statuses.filter((s) => s !== 429) };
    return policy === false ? send() : withRetry(method, send, policy, this.signal);
  }

  // The REST path of a resource; namespaced resources default to the context's namespace.
  path(resource: KubeResource, name?: string, opts: { namespace?: string | undefined; subresource?: string } = {}): string {
    const namespace = KUBE_RESOURCES[resource].namespaced ? (opts.namespace ?? this.target.namespace) : undefined;
    return resourcePath(resource, { namespace, name, subresource: opts.subresource });
  }

  // GET one object (throws KubeApiError, e.g. status 404).
  async get(resource: KubeResource, name: string, opts: { namespace?: string } = {}): Promise<Obj> {
    return this.expect(await this.request('GET', this.path(resource, name, opts)), `get ${resource}/${name}`);
  }

  // GET one object, or undefined when it does not exist.
  async find(resource: KubeResource, name: string, opts: { namespace?: string } = {}): Promise<Obj | undefined> {
    const r = await this.request('GET', this.path(resource, name, opts));
    return r.status === 404 ? undefined : this.expect(r, `get ${resource}/${name}`);
  }

  // LIST objects (namespace default: the context's; allNamespaces for every namespace).
  async list(resource: KubeResource, opts: ListOptions = {}): Promise<{ items: Obj[]; resourceVersion: string }> {
    const query: Record<string, string> = {};
    if (opts.labelSelector) query['labelSelector'] = opts.labelSelector;
    if (opts.fieldSelector) query['fieldSelector'] = opts.fieldSelector;
    const path = opts.allNamespaces ? resourcePath(resource) : this.path(resource, undefined, opts);
    const body = this.expect(await this.request('GET', path, undefined, { query }), `list ${resource}`);
    return { items: (body['items'] as Obj[] | null) ?? [], resourceVersion: String(body['metadata']?.resourceVersion ?? '') };
  }

  // POST a new object.
  async create(resource: KubeResource, obj: Obj, opts: { namespace?: string } = {}): Promise<Obj> {
    const body = { apiVersion: apiVersionOf(resource), kind: KUBE_RESOURCES[resource].kind, ...obj };
    const path = this.path(resource, undefined, { namespace: opts.namespace ?? obj['metadata']?.namespace });
    return this.expect(await this.request('POST', path, body), `create ${resource}`);
  }

  // PUT an object (optimistic concurrency through metadata.resourceVersion: 409 on a stale one).
  async update(resource: KubeResource, obj: Obj, opts: { subresource?: string } = {}): Promise<Obj> {
    const name = String(obj['metadata']?.name ?? '');
    const path = this.path(resource, name, { namespace: obj['metadata']?.namespace, ...opts });
    return this.expect(await this.request('PUT', path, obj), `update ${resource}/${name}`);
  }

  // PATCH an object (default: JSON merge patch).
  async patch(resource: KubeResource, name: string, patch: unknown, opts: { namespace?: string; type?: PatchKind; subresource?: string } = {}): Promise<Obj> {
    const path = this.path(resource, name, opts);
    return this.expect(await this.request('PATCH', path, patch, { contentType: PATCH_TYPES[opts.type ?? 'merge'] }), `patch ${resource}/${name}`);
  }

  // DELETE an object; with ignoreNotFound a missing object resolves undefined.
  async delete(resource: KubeResource, name: string, opts: DeleteOptions = {}): Promise<Obj | undefined> {
    const body: Obj = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (opts.gracePeriodSeconds !== undefined) body['gracePeriodSeconds'] = opts.gracePeriodSeconds;
    if (opts.propagationPolicy) body['propagationPolicy'] = opts.propagationPolicy;
    const r = await this.request('DELETE', this.path(resource, name, opts), body);
    if (r.status === 404 && opts.ignoreNotFound) return undefined;
    return this.expect(r, `delete ${resource}/${name}`);
  }

  // Evict a pod (policy/v1 Eviction). 429 → blocked (retry later); 404 → not-found; other errors throw KubeApiError.
  async evict(namespace: string, pod: string, opts: { gracePeriodSeconds?: number } = {}): Promise<EvictionResult> {
    const eviction = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: pod, namespace },
      ...(opts.gracePeriodSeconds !== undefined ? { deleteOptions: { gracePeriodSeconds: opts.gracePeriodSeconds } } : {}),
    };
    const r = await this.request('POST', resourcePath('pods', { namespace, name: pod, subresource: 'eviction' }), eviction);
    if (r.status >= 200 && r.status < 300) return { outcome: 'evicted' };
    if (r.status === 404) return { outcome: 'not-found' };
    if (r.status === 429) {
      const err = KubeApiError.fromResponse(r.status, r.body, `evict ${namespace}/${pod}`);
      return { outcome: 'blocked', message: err.message, causes: (r.body?.details?.causes as { reason?: string; message?: string }[] | undefined) ?? [] };
    }
    throw KubeApiError.fromResponse(r.status, r.body, `evict ${namespace}/${pod}`);
  }

  // Watch a collection path (e.g. client.path('nodes')) and call onEvent per event until the server ends
  // the stream, timeoutMs passes, or signal aborts. An HTTP error before streaming throws KubeApiError.
  async watch(path: string, onEvent: (e: WatchEvent) => void, opts: { timeoutMs?: number; signal?: AbortSignal; query?: Record<string, string> } = {}): Promise<WatchEnd> {
    const timeoutMs = opts.timeoutMs ?? 300_000;
    const query = { timeoutSeconds: String(Math.max(1, Math.ceil(timeoutMs / 1000))), ...(opts.query ?? {}), watch: '1' };
    // The socket may stay quiet for the whole watch: its idle limit is the watch's own timeout plus a margin.
    return readWatch(this.transport, { method: 'GET', path, query, timeoutMs: Math.max(this.timeoutMs, timeoutMs + 5000) }, onEvent, timeoutMs, opts.signal);
  }

  // Close idle connections (call when done so the process can exit promptly).
  close(): void {
    this.transport.close();
  }

  private expect(r: RawResponse, what: string): Obj {
    if (r.status >= 200 && r.status < 300) return (r.body ?? {}) as Obj;
    throw KubeApiError.fromResponse(r.status, r.body, what);
  }
}
