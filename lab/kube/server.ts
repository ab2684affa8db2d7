// The simulated Kubernetes apiserver: HTTP(S) on a loopback address, bearer-token auth, discovery,
// the REST resources of the store, and watch streams.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeStatusError } from './errors.js';
import { apiGroupDoc, apiGroupList, apiVersions, resourceList, versionInfo } from './discovery.js';
import { pathNotFound, sendError, sendJson } from './http-util.js';
import { buildKubeconfig } from './kubeconfig.js';
import { serveResource } from './rest.js';
import { parseResourcePath } from './routes.js';
import { authorize, serviceAccountOf } from './rbac.js';
import type { PodLogSource } from './logs.js';
import { KubeStore } from './store.js';
import type { WatchRegistry } from './watch.js';

// How to start the simulated apiserver.
export interface KubeApiOptions {
  // A loopback address (default 127.0.0.1).
  host?: string;
  // 0 (default) picks a free port.
  port?: number;
  // When set, every request needs `Authorization: Bearer <token>`. kubectl sends tokens only over TLS,
  // so serve HTTPS (tls: makeSelfSignedCert()) when kubectl is the client.
  token?: string;
  // PEM key and certificate: serve HTTPS instead of HTTP.
  tls?: { key: string; cert: string };
  // Serve this store instead of a new one.
  store?: KubeStore;
  // For a new store: run the built-in controllers (default true).
  controllers?: boolean;
  // For a new store: simulated-time multiplier (grace periods), 1 = real time.
  timeScale?: number;
  // The gitVersion /version reports (default v1.28.15).
  serverVersion?: string;
  // Runs after authentication and before routing; returns true when it answered the request itself
  // (the rehearsal lab uses it for service proxies and for refusing writes while the datastore has no quorum).
  intercept?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  // What GET pods/NAME/log returns (default: an empty log for every running pod).
  podLog?: PodLogSource;
}

// A running simulated apiserver.
export interface KubeApi {
  url: string;
  store: KubeStore;
  // A kubeconfig YAML text pointing at this server (token auth; the certificate as CA when HTTPS), context default 'lab'.
  kubeconfig(context?: string): string;
  // Change the gitVersion /version reports (a control-plane upgrade).
  setServerVersion(version: string): void;
  close(): Promise<void>;
}

// Whether a host is a loopback address (the only kind the simulator listens on).
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function serveDiscovery(path: string, res: ServerResponse, version: string, address: string): boolean {
  const p = path.replace(/\/+$/, '') || '/';
  const segs = p.split('/').filter(Boolean);
  let doc: unknown;
  if (p === '/version') doc = versionInfo(version);
  else if (p === '/api') doc = apiVersions(address);
  else if (p === '/apis') doc = apiGroupList();
  else if (segs[0] === 'api' && segs.length === 2) doc = resourceList('', segs[1] ?? '');
  else if (segs[0] === 'apis' && segs.length === 2) doc = apiGroupDoc(segs[1] ?? '');
  else if (segs[0] === 'apis' && segs.length === 3) doc = resourceList(segs[1] ?? '', segs[2] ?? '');
  else if (p === '/healthz' || p === '/livez' || p === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
    return true;
  } else return false;
  if (doc === undefined) throw pathNotFound();
  sendJson(res, 200, doc);
  return true;
}

// Start the simulated apiserver; resolves once it listens.
export async function startKubeApi(opts: KubeApiOptions = {}): Promise<KubeApi> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`the simulated apiserver only listens on loopback addresses, not ${host}`);
  const store = opts.store ?? new KubeStore({ controllers: opts.controllers ?? true, timeScale: opts.timeScale ?? 1 });
  let version = opts.serverVersion ?? 'v1.28.15';
  const watches: WatchRegistry = new Set();
  let address = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, err);
      else res.end();
    });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // the admin token, or a ServiceAccount's (then RBAC decides)
    const sa = opts.token !== undefined && req.headers.authorization !== `Bearer ${opts.token}` ? serviceAccountOf(store, String(req.headers.authorization ?? '').replace(/^Bearer /, '')) : undefined;
    if (opts.token !== undefined && req.headers.authorization !== `Bearer ${opts.token}` && !sa) {
      throw new KubeStatusError(401, 'Unauthorized', 'Unauthorized');
    }
    const url = new URL(req.url ?? '/', 'http://apiserver');
    if (sa) authorize(store, sa, req.method ?? 'GET', url, parseResourcePath(url.pathname));
    if (opts.intercept && (await opts.intercept(req, res, url))) return;
    if (req.method === 'GET' && serveDiscovery(url.pathname, res, version, address)) return;
    const route = parseResourcePath(url.pathname);
    if (!route) throw pathNotFound();
    await serveResource({ req, res, url, store, watches, podLog: opts.podLog }, route);
  };
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  address = `${hostPart}:${port}`;
  const url = `${opts.tls ? 'https' : 'http'}://${address}`;
  return {
    url,
    store,
    setServerVersion: (v: string) => {
      version = v;
    },
    kubeconfig: (context = 'lab') => buildKubeconfig({ context, server: url, ...(opts.token !== undefined ? { token: opts.token } : {}), ...(opts.tls ? { caPem: opts.tls.cert } : {}) }),
    close: async () => {
      for (const end of [...watches]) end();
      if (!opts.store) store.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
