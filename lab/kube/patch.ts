// PATCH bodies: JSON merge patch (RFC 7386), strategic merge patch (the subset kubectl sends),
// and JSON patch (RFC 6902).
import { KubeStatusError } from './errors.js';
import { cloneJson, jsonEqual } from './types.js';

// The patch content types the simulator accepts.
export type PatchType = 'merge' | 'strategic' | 'json';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonMap = { [k: string]: Json };

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unprocessable(message: string): KubeStatusError {
  return new KubeStatusError(422, 'Invalid', message);
}

// The patch type named by a Content-Type header, if supported.
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const ct = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  if (ct === 'application/json-patch+json') return 'json';
  return undefined;
}

// Apply a patch of the given type to a copy of target.
export function applyPatch<T>(target: T, patch: unknown, type: PatchType): T {
  if (type === 'json') return applyJsonPatch(target, patch) as T;
  if (!isMap(patch)) throw unprocessable('patch body must be a JSON object');
  const base = cloneJson(target) as unknown as JsonMap;
  return (type === 'merge' ? mergePatch(base, patch) : strategicPatch(base, patch)) as unknown as T;
}

function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isMap(patch)) return cloneJson(patch);
  const out: JsonMap = isMap(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// Merge keys of the lists whose strategic merge strategy is `merge` in the core/apps types.
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
};
// Primitive lists merged as sets.
const SET_LISTS = new Set(['finalizers']);

function strategicPatch(target: Json | undefined, patch: JsonMap): Json | undefined {
  if (patch['$patch'] === 'delete') return undefined;
  const replace = patch['$patch'] === 'replace';
  let out: JsonMap = isMap(target) && !replace ? target : {};
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k)));
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((d) => jsonEqual(d, x)));
      continue;
    }
    if (v === null) delete out[k];
    else if (isMap(v)) {
      const merged = strategicPatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else out[k] = v;
  }
  return out;
}

function mergeList(field: string, cur: Json | undefined, patch: Json[]): Json[] {
  const key = MERGE_KEYS[field];
  if (SET_LISTS.has(field) && Array.isArray(cur)) {
    return [...cur, ...patch.filter((p) => !cur.some((c) => jsonEqual(c, p)))];
  }
  if (!key || !Array.isArray(cur) || patch.some((p) => isMap(p) && p['$patch'] === 'replace')) {
    return patch.filter((p) => !(isMap(p) && p['$patch'] !== undefined && Object.keys(p).length === 1)).map((p) => cloneJson(p));
  }
  const out = [...cur];
  for (const item of patch) {
    if (!isMap(item)) continue;
    const idx = out.findIndex((c) => isMap(c) && jsonEqual(c[key], item[key]));
    if (item['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicPatch(out[idx], item) ?? null;
    else out.push(strategicPatch({}, item) ?? null);
  }
  return out;
}

function parsePointer(ptr: unknown): string[] {
  if (typeof ptr !== 'string' || (ptr !== '' && !ptr.startsWith('/'))) throw unprocessable(`invalid JSON pointer ${JSON.stringify(ptr)}`);
  return ptr === '' ? [] : ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, path: string[]): { parent: Json; key: string } {
  let cur: Json = doc;
  for (const seg of path.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(seg)] : isMap(cur) ? cur[seg] : undefined;
    if (next === undefined) throw unprocessable(`path not found: /${path.join('/')}`);
    cur = next;
  }
  return { parent: cur, key: path[path.length - 1] ?? '' };
}

function getAt(doc: Json, path: string[]): Json {
  if (path.length === 0) return doc;
  const { parent, key } = parentOf(doc, path);
  const v = Array.isArray(parent) ? parent[Number(key)] : isMap(parent) ? parent[key] : undefined;
  if (v === undefined) throw unprocessable(`path not found: /${path.join('/')}`);
  return v;
}

function removeAt(doc: Json, path: string[]): Json {
  const old = getAt(doc, path);
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isMap(parent)) delete parent[key];
  return old;
}

function addAt(doc: Json, path: string[], value: Json, replace: boolean): Json {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw unprocessable(`array index out of range: /${path.join('/')}`);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else if (isMap(parent)) parent[key] = value;
  else throw unprocessable(`cannot add at /${path.join('/')}`);
  return doc;
}

// Apply an RFC 6902 JSON patch (add, remove, replace, move, copy, test).
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw unprocessable('json patch body must be an array of operations');
  let doc = cloneJson(target) as Json;
  for (const raw of ops) {
    if (!isMap(raw)) throw unprocessable('json patch operation must be an object');
    const path = parsePointer(raw['path']);
    const value = raw['value'] === undefined ? undefined : cloneJson(raw['value']);
    switch (raw['op']) {
      case 'add': doc = addAt(doc, path, value ?? null, false); break;
      case 'remove': removeAt(doc, path); break;
      case 'replace': getAt(doc, path); doc = addAt(doc, path, value ?? null, true); break;
      case 'move': { const v = removeAt(doc, parsePointer(raw['from'])); doc = addAt(doc, path, v, false); break; }
      case 'copy': doc = addAt(doc, path, cloneJson(getAt(doc, parsePointer(raw['from']))), false); break;
      case 'test':
        if (!jsonEqual(getAt(doc, path), value)) throw unprocessable(`test operation failed at /${path.join('/')}`);
        break;
      default: throw unprocessable(`unsupported json patch operation ${JSON.stringify(raw['op'])}`);
    }
  }
  return doc;
}
