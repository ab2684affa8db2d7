// The REST verbs on resources: list, get, create, update, patch, delete, deletecollection, eviction
// (each write with dryRun=All), and pods/log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KubeStatusError, badRequest, methodNotAllowed, notFound } from './errors.js';
import { parseBody, readBody, sendJson } from './http-util.js';
import { servePodLog, type PodLogSource } from './logs.js';
import { patchTypeOf } from './patch.js';
import { groupVersion, mustResource, type ResourceDef } from './resources.js';
import type { ResourceRoute } from './routes.js';
import type { DeleteOptions, KubeStore, UpdateScope } from './store.js';
import { buildTable, wantsTable, type IncludeObject } from './table.js';
import type { KubeObject } from './types.js';
import { serveWatch, type WatchRegistry } from './watch.js';

// What a resource request needs besides the route.
export interface RestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  store: KubeStore;
  watches: WatchRegistry;
  // Where pods/log reads from (no source: every log is empty).
  podLog?: PodLogSource | undefined;
}

function includeObject(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'Object' || v === 'None' ? v : 'Metadata';
}

function listOptions(url: URL, route: ResourceRoute): { namespace: string | undefined; labelSelector: string | undefined; fieldSelector: string | undefined } {
  let fieldSelector = url.searchParams.get('fieldSelector') ?? undefined;
  if (route.name) fieldSelector = [fieldSelector, `metadata.name=${route.name}`].filter(Boolean).join(',');
  return { namespace: route.namespace, labelSelector: url.searchParams.get('labelSelector') ?? undefined, fieldSelector };
}

function sendObject(ctx: RestContext, def: ResourceDef, code: number, obj: KubeObject): void {
  if (ctx.req.method === 'GET' && wantsTable(ctx.req.headers.accept)) {
    sendJson(ctx.res, code, buildTable(def, [obj], obj.metadata.resourceVersion ?? '', includeObject(ctx.url)));
  } else sendJson(ctx.res, code, obj);
}

async function body(ctx: RestContext): Promise<unknown> {
  return parseBody(await readBody(ctx.req), ctx.req.headers['content-type']);
}

function asObject(v: unknown, what: string): KubeObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest(`${what}: the request body must be a JSON object`);
  const o = v as KubeObject;
  o.metadata ??= {};
  return o;
}

function checkBodyIdentity(route: ResourceRoute, obj: KubeObject): void {
  const { def } = route;
  if (obj.kind && obj.kind !== def.kind) throw badRequest(`the kind of the provided object (${obj.kind}) does not match the resource (${def.kind})`);
  if (obj.apiVersion && obj.apiVersion !== groupVersion(def)) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${groupVersion(def)})`);
  if (def.namespaced && obj.metadata.namespace && route.namespace && obj.metadata.namespace !== route.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (route.name && obj.metadata.name && obj.metadata.name !== route.name) throw badRequest('the name of the object does not match the name on the URL');
}

function deleteOptions(url: URL, raw: unknown): DeleteOptions {
  const b = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const q = url.searchParams;
  const grace = b['gracePeriodSeconds'] ?? (q.has('gracePeriodSeconds') ? Number(q.get('gracePeriodSeconds')) : undefined);
  const policy = (b['propagationPolicy'] ?? q.get('propagationPolicy') ?? undefined) as DeleteOptions['propagationPolicy'];
  const orphan = b['orphanDependents'] === true || q.get('orphanDependents') === 'true';
  return { gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace), propagationPolicy: orphan ? 'Orphan' : policy, preconditions: b['preconditions'] as DeleteOptions['preconditions'] };
}

// Whether the request is a dry run: ?dryRun=All (or DeleteOptions.dryRun ["All"] in the body); 400 for other values.
function dryRunOf(url: URL, body?: unknown): boolean {
  const fromBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['dryRun'] : undefined;
  const values = [...url.searchParams.getAll('dryRun'), ...(Array.isArray(fromBody) ? fromBody.map(String) : [])];
  const bad = values.find((v) => v !== 'All');
  if (bad !== undefined) throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(bad)}: supported values: "All"`);
  return values.length > 0;
}

// Serve one resource request (everything under /api/v1 and /apis/{g}/{v} except discovery).
export async function serveResource(ctx: RestContext, route: ResourceRoute): Promise<void> {
  const { def, name, subresource } = route;
  const { store, url, res } = ctx;
  const ns = def.namespaced ? route.namespace : undefined;
  const method = ctx.req.method ?? 'GET';
  const podSub = def.name === 'pods' && (subresource === 'eviction' || subresource === 'log');
  if (subresource && !(subresource === 'status' && def.hasStatus) && !podSub) throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  const watch = url.searchParams.get('watch');
  if (method === 'GET' && (watch === 'true' || watch === '1')) {
    serveWatch(ctx, def, { ...listOptions(url, route), resourceVersion: url.searchParams.get('resourceVersion') ?? undefined, timeoutSeconds: url.searchParams.get('timeoutSeconds') ?? undefined, table: wantsTable(ctx.req.headers.accept), include: includeObject(url) });
    return;
  }
  if (!name) {
    if (method === 'GET') {
      const items = store.list(def.name, listOptions(url, route));
      if (wantsTable(ctx.req.headers.accept)) return sendJson(res, 200, buildTable(def, items, store.resourceVersion, includeObject(url)));
      return sendJson(res, 200, { kind: `${def.kind}List`, apiVersion: groupVersion(def), metadata: { resourceVersion: store.resourceVersion }, items });
    }
    if (method === 'POST') {
      const dryRun = dryRunOf(url);
      const obj = asObject(await body(ctx), 'create');
      checkBodyIdentity(route, obj);
      if (ns && !store.peek('namespaces', ns)) throw notFound(mustResource('namespaces'), ns);
      if (ns) obj.metadata.namespace = ns;
      delete obj.metadata.resourceVersion;
      return sendJson(res, 201, store.create(def.name, obj, dryRun));
    }
    if (method === 'DELETE') {
      const raw = await body(ctx);
      const opts = { ...deleteOptions(url, raw), dryRun: dryRunOf(url, raw) };
      const gone = store.list(def.name, listOptions(url, route)).map((o) => store.delete(def.name, o.metadata.name ?? '', o.metadata.namespace, opts));
      return sendJson(res, 200, { kind: `${def.kind}List`, apiVersion: groupVersion(def), metadata: { resourceVersion: store.resourceVersion }, items: gone });
    }
    throw methodNotAllowed();
  }
  if (subresource === 'log') {
    if (method !== 'GET') throw methodNotAllowed();
    return servePodLog(ctx, store.peek('pods', name, ns), name, ctx.podLog);
  }
  if (subresource === 'eviction') {
    if (method !== 'POST') throw methodNotAllowed();
    const ev = asObject(await body(ctx), 'eviction');
    if (ev.kind && ev.kind !== 'Eviction') throw badRequest(`the kind of the provided object (${ev.kind}) must be Eviction`);
    if (ev.metadata.name && ev.metadata.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
    const del = (ev['deleteOptions'] ?? {}) as { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } };
    const dryRun = dryRunOf(url, del);
    store.evict(name, ns, { gracePeriodSeconds: del.gracePeriodSeconds ?? undefined, preconditions: del.preconditions, dryRun });
    return sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }
  const scope: UpdateScope = subresource === 'status' ? 'status' : 'main';
  switch (method) {
    case 'GET': {
      const obj = store.get(def.name, name, ns);
      if (!obj) throw notFound(def, name);
      return sendObject(ctx, def, 200, obj);
    }
    case 'PUT': {
      const dryRun = dryRunOf(url);
      const obj = asObject(await body(ctx), 'update');
      checkBodyIdentity(route, obj);
      obj.metadata.name = name;
      if (ns) obj.metadata.namespace = ns;
      return sendJson(res, 200, store.update(def.name, obj, scope, dryRun));
    }
    case 'PATCH': {
      const dryRun = dryRunOf(url);
      const type = patchTypeOf(ctx.req.headers['content-type']);
      if (!type) throw new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
      return sendJson(res, 200, store.patch(def.name, name, await body(ctx), type, { ...(ns ? { namespace: ns } : {}), scope, dryRun }));
    }
    case 'DELETE': {
      if (subresource) throw methodNotAllowed();
      const raw = await body(ctx);
      return sendJson(res, 200, store.delete(def.name, name, ns, { ...deleteOptions(url, raw), dryRun: dryRunOf(url, raw) }));
    }
    default:
      throw methodNotAllowed();
  }
}
