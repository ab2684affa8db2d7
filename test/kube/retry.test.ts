// The client's retries of transient API failures: 503/504/429/500 and refused connections are tried
// again with growing delays within the budget; other statuses and PDB-blocked evictions are not.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRetry, KubeClient, KubeTransportError } from '../../engine/kube/index.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<number> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

function json(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const FAST = { minDelayMs: 20, maxDelayMs: 100, budgetMs: 3000 };
const client = (port: number, retry: object = FAST) => new KubeClient({ server: `http://127.0.0.1:${port}`, context: 't', cluster: 't', user: 't', namespace: 'default', insecureSkipTlsVerify: true }, { timeoutMs: 2000, retry });

describe('KubeClient retries', () => {
  it('answers after a control plane comes back: 503, 504, 500, then 200 (a write too)', async () => {
    const codes = [503, 504, 500];
    const seen: string[] = [];
    const port = await serve((req, res) => {
      seen.push(req.method ?? '');
      req.resume();
      const c = codes.shift();
      if (c) return json(res, c, { kind: 'Status', code: c, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' });
      json(res, 200, { kind: 'Node', metadata: { name: 'k8s01' }, spec: {} });
    });
    const k = client(port);
    const node = await k.patch('nodes', 'k8s01', { spec: { unschedulable: false } });
    expect(node['metadata']).toMatchObject({ name: 'k8s01' });
    expect(seen).toEqual(['PATCH', 'PATCH', 'PATCH', 'PATCH']);
    k.close();
  });

  it('honours Retry-After on 429 (bounded by the longest delay)', async () => {
    let n = 0;
    const port = await serve((req, res) => {
      req.resume();
      if (n++ === 0) return json(res, 429, { kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' }, { 'Retry-After': '1' });
      json(res, 200, { kind: 'NodeList', metadata: {}, items: [] });
    });
    const k = client(port);
    const t0 = Date.now();
    expect((await k.list('nodes')).items).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(n).toBe(2);
    k.close();
  });

  it('a refused connection is retried until the API listens again', async () => {
    const probe = await serve((_q, r) => json(r, 200, {}));
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 20));
    const k = client(probe);
    const later = new Promise<void>((resolve) => setTimeout(() => void serve((req, res) => json(res, 200, { kind: 'Node', metadata: { name: 'cp' } }), probe).then(() => resolve()), 300));
    const node = await k.get('nodes', 'cp');
    await later;
    expect(node['metadata']).toMatchObject({ name: 'cp' });
    k.close();
  });

  it('gives up when the budget is spent: the last 503 comes back, and a refused connection throws', async () => {
    let n = 0;
    const port = await serve((req, res) => {
      n++;
      req.resume();
      json(res, 503, { kind: 'Status', code: 503, message: 'down' });
    });
    const k = client(port, { minDelayMs: 20, maxDelayMs: 40, budgetMs: 300 });
    const r = await k.request('GET', '/api/v1/nodes');
    expect(r.status).toBe(503);
    expect(n).toBeGreaterThan(2);
    expect(n).toBeLessThan(30);
    k.close();
    const dead = client(9, { minDelayMs: 20, maxDelayMs: 40, budgetMs: 200 });
    const t0 = Date.now();
    await expect(dead.get('nodes', 'x')).rejects.toBeInstanceOf(KubeTransportError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    dead.close();
  });

  it('does not retry a 404, a 409, or an eviction a PodDisruptionBudget blocks (429)', async () => {
    const hits: string[] = [];
    const port = await serve((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      req.resume();
      if (req.url?.includes('eviction')) return json(res, 429, { kind: 'Status', code: 429, reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
      if (req.method === 'PUT') return json(res, 409, { kind: 'Status', code: 409, reason: 'Conflict', message: 'conflict' });
      json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'not found' });
    });
    const k = client(port);
    expect(await k.find('nodes', 'ghost')).toBeUndefined();
    expect((await k.request('PUT', '/api/v1/nodes/x', {})).status).toBe(409);
    expect(await k.evict('default', 'web-1')).toMatchObject({ outcome: 'blocked' });
    expect(hits).toHaveLength(3);
    k.close();
  });

  it('the budget comes from TSPLAY_KUBE_RETRY_S (0: no retries)', () => {
    expect(defaultRetry({}).budgetMs).toBeGreaterThanOrEqual(60_000);
    expect(defaultRetry({ TSPLAY_KUBE_RETRY_S: '0' }).budgetMs).toBe(0);
    expect(defaultRetry({ TSPLAY_KUBE_RETRY_S: '5' }).budgetMs).toBe(5000);
    expect(defaultRetry({ TSPLAY_KUBE_RETRY_S: 'x' }).budgetMs).toBeGreaterThanOrEqual(60_000);
  });
});
