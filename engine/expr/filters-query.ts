// json_query (JMESPath, with the jmespath npm package as community.general's uses the Python one)
// and urlsplit (Python's urllib.parse.urlsplit fields).
import { createRequire } from 'node:module';
import type JmesPath from 'jmespath';

let jmespathLib: typeof JmesPath | undefined;
// jmespath, loaded on first use (json_query is rare; every CLI start would pay for it).
const jmespath = (): typeof JmesPath => (jmespathLib ??= createRequire(import.meta.url)('jmespath') as typeof JmesPath);
import { ExprRuntimeError } from './errors.js';
import { registerFilter } from './registry.js';
import { toPlainData, toPyStr } from './python-values.js';

const jsonQuery = (v: unknown, a: unknown[]): unknown => {
  try {
    return jmespath().search(toPlainData(v) as Parameters<typeof JmesPath.search>[0], toPyStr(a[0] ?? ''));
  } catch (e) {
    throw new ExprRuntimeError(`JMESPathError in json_query filter plugin:\n${e instanceof Error ? e.message : String(e)}`);
  }
};
registerFilter('json_query', jsonQuery);
registerFilter('community.general.json_query', jsonQuery);

const URL_RE = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

// urlsplit's fields: scheme, netloc, path, query, fragment, username, password, hostname, port.
export function urlsplit(url: string): Record<string, unknown> {
  const m = URL_RE.exec(url) ?? [];
  const netloc = m[2] ?? '';
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const colon = userinfo?.indexOf(':') ?? -1;
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostport) ?? [];
  const host = (hp[1] ?? '').replace(/^\[|\]$/g, '').toLowerCase();
  return {
    fragment: m[5] ?? '',
    hostname: host === '' ? null : host,
    netloc,
    password: userinfo !== undefined && colon >= 0 ? userinfo.slice(colon + 1) : null,
    path: m[3] ?? '',
    port: hp[2] ? Number(hp[2]) : null,
    query: m[4] ?? '',
    scheme: (m[1] ?? '').toLowerCase(),
    username: userinfo === undefined ? null : colon >= 0 ? userinfo.slice(0, colon) : userinfo,
  };
}

registerFilter('urlsplit', (v, a) => {
  const parts = urlsplit(toPyStr(v));
  if (a[0] === undefined || a[0] === null || a[0] === '') return parts;
  const q = toPyStr(a[0]);
  if (!(q in parts)) throw new ExprRuntimeError(`urlsplit: unknown URL component: ${q}`);
  return parts[q];
});
