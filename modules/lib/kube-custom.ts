// kubectl action=get on a kind the client does not know (custom resources such as Argo CD's
// Applications), named by api_version: GET /apis/GROUP/VERSION/[namespaces/NS/]PLURAL. A cluster
// without that API answers `api_found: false` and no resources, so optional checks can skip.
import { KubeApiError, type KubeClient } from '../../engine/kube/index.js';
import type { Probe } from '../../engine/module.js';

// `Application` → `applications`, `applications` stays.
export function pluralOf(kind: string): string {
  const k = kind.trim().toLowerCase();
  if (k.endsWith('s')) return k;
  return k.endsWith('y') ? `${k.slice(0, -1)}ies` : `${k}s`;
}

// Lists (or gets) the objects; 404 on the list means the API is not served.
export async function customGetProbe(client: KubeClient, apiVersion: string, kind: string, o: { namespace?: string | undefined; name?: string | undefined; selector?: string | undefined }): Promise<Probe> {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const path = `${base}${o.namespace ? `/namespaces/${encodeURIComponent(o.namespace)}` : ''}/${pluralOf(kind)}${o.name ? `/${encodeURIComponent(o.name)}` : ''}`;
  const r = await client.request('GET', path, undefined, { query: o.selector ? { labelSelector: o.selector } : {} });
  if (r.status === 404) return { changed: false, result: { changed: false, api_found: false, resources: [] } };
  if (r.status < 200 || r.status >= 300) throw KubeApiError.fromResponse(r.status, r.body, `get ${pluralOf(kind)}`);
  const body = (r.body ?? {}) as { items?: unknown[] };
  return { changed: false, result: { changed: false, api_found: true, resources: o.name ? [body] : (body.items ?? []) } };
}
