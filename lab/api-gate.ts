// The apiserver's view of the lab: the ingress-nginx proxy path, /metrics, writes refused while the
// datastore has no quorum (and for a while after), and no apiserver at all while kubeadm's control plane is down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveBackends, status } from './ingress.js';
import { apiserverMetrics } from './metrics.js';
import type { LabSim } from './sim.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

// Whether the apiserver answers at all (kubeadm: a control-plane node is up to serve it, and etcd has quorum).
export function apiserverUp(sim: LabSim): boolean {
  if (sim.kind !== 'etcd') return true;
  const cps = sim.nodes.filter((n) => n.role === 'control-plane');
  return cps.length === 0 || (cps.some((n) => n.up) && sim.datastore.hasQuorum());
}

// The KubeApiOptions.intercept of the lab.
export function labIntercept(sim: LabSim): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  return (req, res, url) => {
    if (!apiserverUp(sim)) {
      const why = sim.datastore.hasQuorum() ? 'every control-plane node is down' : 'etcd has no quorum';
      send(res, 503, status(503, 'ServiceUnavailable', `the server is currently unable to handle the request (${why})`));
      return true;
    }
    const method = req.method ?? 'GET';
    if (WRITES.has(method) && sim.datastore.writesFailing()) {
      req.resume();
      send(res, 503, status(503, 'ServiceUnavailable', 'rpc error: code = Unavailable desc = context deadline exceeded'));
      return true;
    }
    if (method === 'GET' && url.pathname === '/metrics') {
      const text = apiserverMetrics(sim);
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    if (method === 'GET') {
      const answer = serveBackends(sim, url.pathname);
      if (answer) {
        send(res, answer[0], answer[1]);
        return true;
      }
    }
    return false;
  };
}
