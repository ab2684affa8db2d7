import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig, type WatchEvent } from '../../../engine/kube/index.js';
import { KubeStore, makeLease, makePod, startKubeApi, type KubeApi } from '../../../lab/kube/index.js';
import { seedCluster, webPods } from './helpers.js';

let api: KubeApi;
let client: KubeClient;

beforeAll(async () => {
  api = await startKubeApi({ token: 'sim-token', timeScale: 0.01 });
  seedCluster(api.store);
  client = new KubeClient(loadKubeconfig({ text: api.kubeconfig() }));
});
afterAll(async () => {
  client?.close();
  await api?.close();
});

describe('discovery', () => {
  it('serves /version, /api, /apis and resource lists with short names and pods/eviction', async () => {
    expect((await client.request('GET', '/version')).body).toMatchObject({ major: '1', minor: '28', gitVersion: 'v1.28.15' });
    expect((await client.request('GET', '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await client.request('GET', '/apis')).body.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(['apps', 'policy', 'discovery.k8s.io', 'coordination.k8s.io', 'batch', 'rbac.authorization.k8s.io']);
    const core = (await client.request('GET', '/api/v1')).body;
    expect(core).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const byName = new Map(core.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('nodes')).toMatchObject({ namespaced: false, kind: 'Node', shortNames: ['no'] });
    expect(byName.get('pods')).toMatchObject({ namespaced: true, kind: 'Pod', shortNames: ['po'] });
    expect(byName.get('pods/eviction')).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    const apps = (await client.request('GET', '/apis/apps/v1')).body.resources.flatMap((r: { shortNames?: string[] }) => r.shortNames ?? []);
    expect(apps).toEqual(expect.arrayContaining(['deploy', 'ds', 'rs', 'sts']));
    expect((await client.request('GET', '/apis/policy/v1')).body.resources[0]).toMatchObject({ name: 'poddisruptionbudgets', shortNames: ['pdb'] });
    expect((await client.request('GET', '/apis/policy')).body).toMatchObject({ kind: 'APIGroup', preferredVersion: { groupVersion: 'policy/v1' } });
  });

  it('answers aggregated-discovery requests with the plain lists and 404s unknown paths with a Status', async () => {
    const r = await client.request('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body.kind).toBe('APIGroupList');
    for (const path of ['/openapi/v2', '/apis/foo/v1', '/api/v1/widgets', '/api/v1/namespaces/default/nodes/n1']) {
      const nf = await client.request('GET', path);
      expect(nf.status).toBe(404);
      expect(nf.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    }
  });

  it('requires the bearer token', async () => {
    const anon = new KubeClient({ ...client.target, token: undefined as unknown as string });
    const r = await anon.request('GET', '/api/v1/nodes');
    anon.close();
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });
});

describe('REST verbs', () => {
  it('lists with kind XList, resourceVersion, selectors, and across namespaces', async () => {
    const r = await client.request('GET', '/api/v1/namespaces/default/pods', undefined, { query: { labelSelector: 'app=web' } });
    expect(r.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: api.store.resourceVersion } });
    expect(r.body.items).toHaveLength(3);
    const all = await client.list('pods', { allNamespaces: true, fieldSelector: 'spec.nodeName=n1' });
    expect(all.items.map((p) => p.metadata.namespace)).toContain('kube-system');
    expect(all.items.every((p) => p.spec.nodeName === 'n1')).toBe(true);
    const bad = await client.request('GET', '/api/v1/pods', undefined, { query: { fieldSelector: 'spec.foo=1' } });
    expect(bad.status).toBe(400);
    const pdbs = await client.request('GET', '/apis/policy/v1/poddisruptionbudgets');
    expect(pdbs.body.kind).toBe('PodDisruptionBudgetList');
  });

  it('returns meta.k8s.io Tables when asked (server-side printing for kubectl get)', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    const t = (await client.request('GET', '/api/v1/nodes', undefined, { accept })).body;
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(t.rows[0].cells.slice(0, 3)).toEqual(['n1', 'Ready', 'control-plane']);
    expect(t.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'n1' } });
    const one = (await client.request('GET', '/api/v1/nodes/n2', undefined, { accept })).body;
    expect(one.rows).toHaveLength(1);
  });

  it('creates (201, 409), rejects mismatched namespaces, and 404s missing namespaces', async () => {
    const cm = { metadata: { name: 'cfg' }, data: { a: '1' } };
    const created = await client.request('POST', '/api/v1/namespaces/default/configmaps', cm);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cfg', namespace: 'default' } });
    const dup = await client.request('POST', '/api/v1/namespaces/default/configmaps', cm);
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "cfg" already exists' });
    const mism = await client.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x', namespace: 'other' } });
    expect(mism.status).toBe(400);
    const nons = await client.request('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    expect(nons.status).toBe(404);
    const invalid = await client.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: {} });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ reason: 'Invalid', code: 422, details: { causes: [{ field: 'metadata.name' }] } });
    const wrongMethod = await client.request('POST', '/api/v1/namespaces/default/configmaps/cfg', {});
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.reason).toBe('MethodNotAllowed');
  });

  it('updates with resourceVersion conflicts (409) and names group resources in errors', async () => {
    const cm = await client.get('configmaps', 'cfg');
    const ok = await client.update('configmaps', { ...cm, data: { a: '2' } });
    expect(ok.data).toEqual({ a: '2' });
    const stale = await client.request('PUT', '/api/v1/namespaces/default/configmaps/cfg', { ...cm, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict', message: expect.stringContaining('Operation cannot be fulfilled on configmaps "cfg"') });
    const nf = await client.request('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(nf.body).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' } });
  });

  it('patches with the three patch types and 415s server-side apply', async () => {
    await client.patch('nodes', 'n2', { spec: { unschedulable: true } }, { type: 'strategic' });
    expect(api.store.get('nodes', 'n2')?.spec.unschedulable).toBe(true);
    await client.patch('nodes', 'n2', { metadata: { labels: { zone: 'a' } } });
    await client.patch('nodes', 'n2', [{ op: 'replace', path: '/spec/unschedulable', value: false }], { type: 'json' });
    const n2 = api.store.get('nodes', 'n2');
    expect(n2?.spec.unschedulable).toBe(false);
    expect(n2?.metadata.labels?.['zone']).toBe('a');
    const apply = await client.request('PATCH', '/api/v1/nodes/n2', '{}', { contentType: 'application/apply-patch+yaml' });
    expect(apply.status).toBe(415);
  });

  it('updates only status through the status subresource', async () => {
    const p = await client.patch('pods', webPods(api.store)[0]?.metadata.name ?? '', { metadata: { labels: { x: 'y' } }, status: { message: 'hi' } }, { subresource: 'status' });
    expect(p.status.message).toBe('hi');
    expect(p.metadata.labels.x).toBeUndefined();
  });

  it('deletes with DeleteOptions in the body or the query', async () => {
    api.store.add(makePod({ name: 'bare-1', nodeName: 'n3' }), makePod({ name: 'bare-2', nodeName: 'n3' }));
    await client.delete('pods', 'bare-1', { gracePeriodSeconds: 0 });
    expect(api.store.get('pods', 'bare-1')).toBeUndefined();
    const r = await client.request('DELETE', '/api/v1/namespaces/default/pods/bare-2', undefined, { query: { gracePeriodSeconds: '0' } });
    expect(r.status).toBe(200);
    expect(api.store.get('pods', 'bare-2')).toBeUndefined();
    expect(await client.delete('pods', 'bare-2', { ignoreNotFound: true })).toBeUndefined();
  });

  it('deletes a collection by label selector', async () => {
    for (const n of ['t1', 't2']) await client.create('configmaps', { metadata: { name: n, labels: { temp: 'yes' } } });
    const r = await client.request('DELETE', '/api/v1/namespaces/default/configmaps', undefined, { query: { labelSelector: 'temp=yes' } });
    expect(r.status).toBe(200);
    expect(r.body.items.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual(['t1', 't2']);
    expect(api.store.list('configmaps', { labelSelector: 'temp' })).toEqual([]);
  });

  it('evicts through POST pods/{name}/eviction (policy/v1 and v1beta1 bodies)', async () => {
    const [a, b] = webPods(api.store);
    const ok = await client.request('POST', `/api/v1/namespaces/default/pods/${a?.metadata.name}/eviction`, { apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: a?.metadata.name, namespace: 'default' } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'Status', status: 'Success' });
    api.store.patch('poddisruptionbudgets', 'web', { spec: { minAvailable: 3 } });
    const blocked = await client.request('POST', `/api/v1/namespaces/default/pods/${b?.metadata.name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: b?.metadata.name } });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeUndefined();
    expect(blocked.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 429, reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 3 healthy pods and has 3 currently' }] },
    });
    expect(await client.evict('default', b?.metadata.name ?? '')).toMatchObject({ outcome: 'blocked', message: "Cannot evict pod as it would violate the pod's disruption budget." });
    expect(await client.evict('default', 'ghost')).toEqual({ outcome: 'not-found' });
    api.store.patch('poddisruptionbudgets', 'web', { spec: { minAvailable: 2 } });
    expect(await client.evict('default', b?.metadata.name ?? '', { gracePeriodSeconds: 0 })).toEqual({ outcome: 'evicted' });
  });
});

describe('watch', () => {
  it('sends initial ADDED events, then changes, filtered by field selector', async () => {
    const events: WatchEvent[] = [];
    const ac = new AbortController();
    const done = client.watch(client.path('nodes'), (e) => {
      events.push(e);
      if (e.type === 'ADDED') api.store.patch('nodes', 'n3', { metadata: { annotations: { touched: 'yes' } } });
      if (e.type === 'MODIFIED') ac.abort();
    }, { query: { fieldSelector: 'metadata.name=n3' }, signal: ac.signal, timeoutMs: 5000 });
    expect(await done).toBe('aborted');
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(events[1]?.object.metadata.annotations.touched).toBe('yes');
  });

  it('replays from a resourceVersion and turns moves across a selector into ADDED/DELETED', async () => {
    const { resourceVersion } = await client.list('pods', { labelSelector: 'moving=yes' });
    api.store.add(makePod({ name: 'mover', nodeName: 'n2' }));
    api.store.patch('pods', 'mover', { metadata: { labels: { moving: 'yes' } } });
    api.store.patch('pods', 'mover', { metadata: { labels: { moving: 'no' } } });
    const events: WatchEvent[] = [];
    const end = await client.watch(client.path('pods'), (e) => events.push(e), { query: { labelSelector: 'moving=yes', resourceVersion }, timeoutMs: 300 });
    expect(end).toBe('timeout');
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'mover'], ['DELETED', 'mover']]);
  });

  it('honours timeoutSeconds on the server and reports an expired resourceVersion', async () => {
    const t0 = Date.now();
    const end = await client.watch(client.path('leases'), () => undefined, { query: { timeoutSeconds: '1' }, timeoutMs: 5000 });
    expect(end).toBe('closed');
    expect(Date.now() - t0).toBeLessThan(4000);
    const small = await startKubeApi({ store: new KubeStore({ historySize: 3 }) });
    const c = new KubeClient(loadKubeconfig({ text: small.kubeconfig() }));
    try {
      for (let i = 0; i < 5; i++) small.store.add(makeLease(`l${i}`));
      const events: WatchEvent[] = [];
      expect(await c.watch(c.path('leases', undefined, { namespace: 'kube-system' }), (e) => events.push(e), { query: { resourceVersion: '2' }, timeoutMs: 2000 })).toBe('closed');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    } finally {
      c.close();
      await small.close();
      small.store.close();
    }
  });
});
