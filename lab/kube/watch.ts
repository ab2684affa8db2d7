// watch=true streams: newline-delimited {"type","object"} events, replayed from a resourceVersion,
// filtered by namespace and selectors, ended after timeoutSeconds or when the server closes.
import { KubeStatusError, badRequest } from './errors.js';
import type { ResourceDef } from './resources.js';
import type { RestContext } from './rest.js';
import { buildTable, type IncludeObject } from './table.js';
import type { KubeObject, StoreEvent } from './types.js';

// The open watch streams of a server, so close() can end them.
export type WatchRegistry = Set<() => void>;

// The parameters of one watch request.
export interface WatchParams {
  namespace: string | undefined;
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
  resourceVersion: string | undefined;
  timeoutSeconds: string | undefined;
  table: boolean;
  include: IncludeObject;
}

const DEFAULT_TIMEOUT_S = 1800;

// The event a watcher with this filter sees for a store change (objects moving in or out of the selection
// become ADDED/DELETED), or undefined.
export function translateEvent(e: StoreEvent, match: (o: KubeObject) => boolean): { type: string; object: KubeObject } | undefined {
  const now = e.type !== 'DELETED' && match(e.object);
  const before = e.type === 'DELETED' ? match(e.object) : e.old !== undefined && match(e.old);
  if (e.type === 'DELETED') return before ? { type: 'DELETED', object: e.object } : undefined;
  if (now && before) return { type: 'MODIFIED', object: e.object };
  if (now) return { type: 'ADDED', object: e.object };
  if (before) return { type: 'DELETED', object: e.object };
  return undefined;
}

// Serve a watch request on `def` (selectors are checked before the stream starts).
export function serveWatch(ctx: RestContext, def: ResourceDef, p: WatchParams): void {
  const { store, res, req, watches } = ctx;
  const match = store.matcher(def, p);
  const rvText = p.resourceVersion;
  let replay: StoreEvent[] | undefined = [];
  if (rvText && rvText !== '0') {
    const rv = Number(rvText);
    if (!Number.isInteger(rv) || rv < 0) throw badRequest(`invalid resourceVersion ${JSON.stringify(rvText)}`);
    replay = store.eventsSince(rv);
  }
  const timeout = Math.min(Math.max(Number(p.timeoutSeconds ?? DEFAULT_TIMEOUT_S) || DEFAULT_TIMEOUT_S, 0), 4 * DEFAULT_TIMEOUT_S);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (type: string, object: unknown) => {
    const obj = p.table && type !== 'ERROR' ? buildTable(def, [object as KubeObject], (object as KubeObject).metadata.resourceVersion ?? '', p.include) : object;
    res.write(`${JSON.stringify({ type, object: obj })}\n`);
  };
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    clearTimeout(timer);
    watches.delete(finish);
    res.end();
  };
  if (replay === undefined) {
    const gone = new KubeStatusError(410, 'Expired', `too old resource version: ${rvText} (${store.resourceVersion})`);
    res.end(`${JSON.stringify({ type: 'ERROR', object: gone.toStatus() })}\n`);
    return;
  }
  if (!rvText || rvText === '0') {
    for (const o of store.list(def.name, p)) send('ADDED', o);
  }
  for (const e of replay) {
    const t = e.resource === def.name ? translateEvent(e, match) : undefined;
    if (t) send(t.type, t.object);
  }
  const unsubscribe = store.watch((e) => {
    if (e.resource !== def.name || finished) return;
    const t = translateEvent(e, match);
    if (t) send(t.type, t.object);
  });
  const timer = setTimeout(finish, timeout * 1000);
  timer.unref();
  watches.add(finish);
  req.on('close', finish);
  res.on('close', finish);
}
