// Parsing REST paths into resource routes: /api/v1/... and /apis/{group}/{version}/...
import { resourceAt, type ResourceDef } from './resources.js';

// A request path resolved to a resource, optional namespace, name and subresource.
export interface ResourceRoute {
  def: ResourceDef;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

// Resolve a path to a resource route; undefined if the path is not a (served) resource path.
export function parseResourcePath(pathname: string): ResourceRoute | undefined {
  const segs = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  let group = '';
  let version = '';
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    version = segs[1] ?? '';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1] ?? '';
    version = segs[2] ?? '';
    rest = segs.slice(3);
  } else return undefined;
  const at = (name: string | undefined) => (name === undefined ? undefined : resourceAt(group, version, name));
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const def = at(rest[2]);
    if (def?.namespaced && rest.length <= 5) return { def, namespace: rest[1], name: rest[3], subresource: rest[4] };
    if (def) return undefined;
  }
  const def = at(rest[0]);
  if (!def || rest.length > 3) return undefined;
  if (def.namespaced && rest.length > 1) return undefined;
  return { def, namespace: undefined, name: rest[1], subresource: rest[2] };
}
