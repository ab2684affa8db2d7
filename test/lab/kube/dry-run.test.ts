// dryRun=All on the simulated apiserver through the engine's client: an eviction decided exactly like
// a real one (201, or 429 with the PDB's message) that changes nothing, and dry-run create, patch,
// update and delete; other dryRun values are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig } from '../../../engine/kube/index.js';
import { startKubeApi, type KubeApi, type StoreEvent } from '../../../lab/kube/index.js';
import { seedCluster, webPods } from './helpers.js';

let api: KubeApi;
let client: KubeClient;
const events: StoreEvent[] = [];

beforeAll(async () => {
  api = await startKubeApi({ token: 'sim-token', timeScale: 0.01 });
  seedCluster(api.store);
  api.store.watch((e) => events.push(e));
  client = new KubeClient(loadKubeconfig({ text: api.kubeconfig() }));
});
afterAll(async () => {
  client?.close();
  await api?.close();
});

const evictionPath = (pod: string) => `/api/v1/namespaces/default/pods/${pod}/eviction`;
const eviction = (pod: string, deleteOptions?: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) });

// Run fn and return how many store events it caused (none for a dry run).
async function changes(fn: () => Promise<unknown>): Promise<number> {
  const before = events.length;
  await fn();
  await new Promise((r) => setTimeout(r, 30));
  return events.length - before;
}

describe('dry-run eviction', () => {
  it('allowed by the PDB: 201 Success, the pod stays and the budget is untouched', async () => {
    const [a] = webPods(api.store);
    const name = a?.metadata.name ?? '';
    const pdbBefore = api.store.get('poddisruptionbudgets', 'web', 'default');
    expect(pdbBefore?.status?.disruptionsAllowed).toBe(1);
    let r: Awaited<ReturnType<KubeClient['request']>> | undefined;
    expect(await changes(async () => (r = await client.request('POST', evictionPath(name), eviction(name), { query: { dryRun: 'All' } })))).toBe(0);
    expect(r?.status).toBe(201);
    expect(r?.body).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    expect(api.store.get('pods', name, 'default')?.metadata.deletionTimestamp).toBeUndefined();
    expect(api.store.get('poddisruptionbudgets', 'web', 'default')).toEqual(pdbBefore);
    // DeleteOptions.dryRun in the body (what kubectl drain --dry-run=server sends) counts the same.
    expect(await changes(async () => (r = await client.request('POST', evictionPath(name), eviction(name, { dryRun: ['All'] }))))).toBe(0);
    expect(r?.status).toBe(201);
    expect(webPods(api.store).filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(3);
  });

  it('blocked by the PDB: the same 429 and message as a real eviction, and nothing changes', async () => {
    api.store.patch('poddisruptionbudgets', 'web', { spec: { minAvailable: 3 } });
    const [b] = webPods(api.store);
    const name = b?.metadata.name ?? '';
    let dry: Awaited<ReturnType<KubeClient['request']>> | undefined;
    expect(await changes(async () => (dry = await client.request('POST', evictionPath(name), eviction(name), { query: { dryRun: 'All' } })))).toBe(0);
    const real = await client.request('POST', evictionPath(name), eviction(name));
    expect(dry?.status).toBe(429);
    expect(dry?.body).toEqual(real.body);
    expect(dry?.body).toMatchObject({ reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget.", details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 3 healthy pods and has 3 currently' }] } });
    expect(api.store.get('pods', name, 'default')?.metadata.deletionTimestamp).toBeUndefined();
    api.store.patch('poddisruptionbudgets', 'web', { spec: { minAvailable: 2 } });
  });

  it('404 for a missing pod, 400 for a dryRun other than All', async () => {
    expect((await client.request('POST', evictionPath('ghost'), eviction('ghost'), { query: { dryRun: 'All' } })).status).toBe(404);
    const [p] = webPods(api.store);
    const bad = await client.request('POST', evictionPath(p?.metadata.name ?? ''), eviction(p?.metadata.name ?? ''), { query: { dryRun: 'Some' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('dryRun: Unsupported value: "Some": supported values: "All"');
  });
});

describe('dry-run writes', () => {
  it('patch (a cordon), update, create and delete answer as for real and store nothing', async () => {
    let r: Awaited<ReturnType<KubeClient['request']>> | undefined;
    const patch = () => client.request('PATCH', '/api/v1/nodes/n2', { spec: { unschedulable: true } }, { query: { dryRun: 'All' }, contentType: 'application/merge-patch+json' });
    expect(await changes(async () => (r = await patch()))).toBe(0);
    expect(r?.status).toBe(200);
    expect(r?.body.spec.unschedulable).toBe(true);
    expect(api.store.get('nodes', 'n2')?.spec?.unschedulable).toBeUndefined();
    const node = api.store.get('nodes', 'n3');
    expect(await changes(async () => (r = await client.request('PUT', '/api/v1/nodes/n3', { ...node, metadata: { ...node?.metadata, labels: { extra: 'yes' } } }, { query: { dryRun: 'All' } })))).toBe(0);
    expect(r?.body.metadata.labels).toEqual({ extra: 'yes' });
    expect(api.store.get('nodes', 'n3')?.metadata.labels?.['extra']).toBeUndefined();
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'dry' }, spec: { holderIdentity: 'x' } };
    expect(await changes(async () => (r = await client.request('POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', lease, { query: { dryRun: 'All' } })))).toBe(0);
    expect(r?.status).toBe(201);
    expect(api.store.get('leases', 'dry', 'default')).toBeUndefined();
    const [p] = webPods(api.store).filter((x) => !x.metadata.deletionTimestamp);
    expect(await changes(async () => (r = await client.request('DELETE', `/api/v1/namespaces/default/pods/${p?.metadata.name}`, { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] })))).toBe(0);
    expect(r?.status).toBe(200);
    expect(r?.body.metadata.deletionTimestamp).toBeDefined();
    expect(api.store.get('pods', p?.metadata.name ?? '', 'default')?.metadata.deletionTimestamp).toBeUndefined();
  });
});
