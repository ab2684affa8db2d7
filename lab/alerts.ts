// A Prometheus- and Alertmanager-compatible alert endpoint for the lab (no auth, loopback only):
// GET /api/v1/alerts, GET /api/v1/query?query=ALERTS..., GET /api/v2/alerts. Watchdog always fires;
// KubeNodeNotReady is pending for nodes that are NotReady and firing under `alert-firing`.
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabSim } from './sim.js';

// One alert in Prometheus' shape.
export interface LabAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'firing' | 'pending';
  activeAt: string;
  value: string;
}

const started = new Date().toISOString();
const firingSince = new WeakMap<LabSim, string>();

// The alerts the lab's Prometheus has now.
export function currentAlerts(sim: LabSim): LabAlert[] {
  const out: LabAlert[] = [{ labels: { alertname: 'Watchdog', severity: 'none' }, annotations: { summary: 'An alert that should always be firing to certify that Alertmanager is working properly.' }, state: 'firing', activeAt: started, value: '1e+00' }];
  for (const n of sim.nodes) {
    const ready = sim.store.peek('nodes', n.name)?.status?.conditions?.some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
    if (!ready) out.push({ labels: { alertname: 'KubeNodeNotReady', node: n.name, severity: 'warning', job: 'kube-state-metrics' }, annotations: { summary: 'Node is not ready.', description: `${n.name} has been unready for more than 15 minutes.` }, state: 'pending', activeAt: new Date().toISOString(), value: '0e+00' });
  }
  if (sim.faultOn('alert-firing')) {
    const node = sim.faults.get('alert-firing')?.nodes?.[0] ?? sim.nodes[sim.nodes.length - 1]?.name ?? 'k8s01';
    if (!firingSince.has(sim)) firingSince.set(sim, new Date().toISOString());
    out.push({ labels: { alertname: 'KubeNodeNotReady', node, severity: 'warning', job: 'kube-state-metrics' }, annotations: { summary: 'Node is not ready.', description: `${node} has been unready for more than 15 minutes.` }, state: 'firing', activeAt: firingSince.get(sim) ?? started, value: '0e+00' });
  } else firingSince.delete(sim);
  return out;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

// Alertmanager's view: firing alerts only.
function alertmanager(alerts: LabAlert[]): unknown[] {
  return alerts.filter((a) => a.state === 'firing').map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.activeAt,
    endsAt: new Date(Date.now() + 4 * 60_000).toISOString(),
    updatedAt: new Date().toISOString(),
    generatorURL: `http://prometheus/graph?g0.expr=ALERTS%7Balertname%3D%22${a.labels['alertname']}%22%7D`,
    fingerprint: createHash('sha256').update(JSON.stringify(a.labels)).digest('hex').slice(0, 16),
    receivers: [{ name: 'default' }],
    status: { state: 'active', silencedBy: [], inhibitedBy: [], mutedBy: [] },
  }));
}

function query(alerts: LabAlert[], q: string): unknown {
  const now = Date.now() / 1000;
  const wantFiring = /alertstate\s*=\s*"firing"/.test(q);
  const wantPending = /alertstate\s*=\s*"pending"/.test(q);
  const result = /^\s*ALERTS\b/.test(q) ? alerts.filter((a) => (!wantFiring || a.state === 'firing') && (!wantPending || a.state === 'pending')).map((a) => ({ metric: { __name__: 'ALERTS', alertstate: a.state, ...a.labels }, value: [now, '1'] })) : [];
  return { status: 'success', data: { resultType: 'vector', result } };
}

// Start the alert server on 127.0.0.1; resolves with its URL and a close function.
export async function startAlerts(sim: LabSim): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://prometheus');
    const alerts = currentAlerts(sim);
    if (url.pathname === '/api/v1/alerts') return send(res, 200, { status: 'success', data: { alerts } });
    if (url.pathname === '/api/v2/alerts') return send(res, 200, alertmanager(alerts));
    if (url.pathname === '/api/v1/query') return send(res, 200, query(alerts, url.searchParams.get('query') ?? ''));
    if (url.pathname === '/-/healthy' || url.pathname === '/-/ready') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return res.end('Prometheus Server is Ready.\n');
    }
    send(res, 404, { status: 'error', errorType: 'not_found', error: `no such endpoint ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
