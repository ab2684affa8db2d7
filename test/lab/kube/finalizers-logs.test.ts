// Finalizers in the simulator's store (an object being deleted stays until they are removed; a
// force-released finalizer lets go of a pod deleted with grace period 0) and the pods/log subresource.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig } from '../../../engine/kube/index.js';
import { KubeStore, makeNode, makePod, startKubeApi, type KubeApi, type KubeObject } from '../../../lab/kube/index.js';
import { until } from './helpers.js';

const stores: KubeStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
function newStore(): KubeStore {
  const s = new KubeStore({ timeScale: 0.01 });
  s.create('nodes', makeNode('n1'));
  stores.push(s);
  return s;
}
function held(s: KubeStore, name: string, finalizers: string[]): void {
  s.create('pods', { ...makePod({ name, nodeName: 'n1' }), metadata: { name, namespace: 'default', finalizers } });
}

describe('finalizers', () => {
  it('keep a deleted pod Terminating after its grace period until the last one is removed', async () => {
    const s = newStore();
    held(s, 'p', ['example.com/hold', 'example.com/other']);
    s.delete('pods', 'p', 'default');
    await new Promise((r) => setTimeout(r, 600));
    const p = s.get('pods', 'p', 'default');
    expect(p?.metadata.deletionTimestamp).toBeDefined();
    expect(p?.metadata.deletionGracePeriodSeconds).toBe(0);
    s.patch('pods', 'p', { metadata: { finalizers: ['example.com/other'] } }, 'merge', { namespace: 'default' });
    expect(s.get('pods', 'p', 'default')).toBeDefined();
    s.patch('pods', 'p', { metadata: { finalizers: null } }, 'merge', { namespace: 'default' });
    expect(s.get('pods', 'p', 'default')).toBeUndefined();
  });

  it('a forced deletion (grace period 0) drops only the force-released finalizers', () => {
    const s = newStore();
    s.forceReleased.add('lab.example/stuck');
    held(s, 'a', ['lab.example/stuck']);
    held(s, 'b', ['lab.example/stuck', 'example.com/hold']);
    s.delete('pods', 'a', 'default');
    expect(s.get('pods', 'a', 'default')?.metadata.deletionTimestamp).toBeDefined();
    s.delete('pods', 'a', 'default', { gracePeriodSeconds: 0 });
    expect(s.get('pods', 'a', 'default')).toBeUndefined();
    s.delete('pods', 'b', 'default', { gracePeriodSeconds: 0 });
    expect(s.get('pods', 'b', 'default')?.metadata.finalizers).toEqual(['example.com/hold']);
    expect(s.get('pods', 'b', 'default')?.metadata.deletionTimestamp).toBeDefined();
  });

  it('hold other objects too, and a dry-run delete changes nothing', () => {
    const s = newStore();
    s.create('configmaps', { metadata: { name: 'c', namespace: 'default', finalizers: ['example.com/hold'] } });
    expect(s.delete('configmaps', 'c', 'default', { dryRun: true }).metadata.deletionTimestamp).toBeDefined();
    expect(s.get('configmaps', 'c', 'default')?.metadata.deletionTimestamp).toBeUndefined();
    s.delete('configmaps', 'c', 'default');
    expect(s.get('configmaps', 'c', 'default')?.metadata.deletionTimestamp).toBeDefined();
    s.update('configmaps', { ...(s.get('configmaps', 'c', 'default') as KubeObject), metadata: { ...s.get('configmaps', 'c', 'default')?.metadata, finalizers: [] } });
    expect(s.get('configmaps', 'c', 'default')).toBeUndefined();
  });

  it('a ReplicaSet replaces a pod stuck Terminating', async () => {
    const s = newStore();
    s.create('replicasets', { metadata: { name: 'rs', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'main' }] } } } });
    const [p] = s.list('pods', { labelSelector: 'app=x' });
    s.patch('pods', p?.metadata.name ?? '', { metadata: { finalizers: ['example.com/hold'] } }, 'merge', { namespace: 'default' });
    s.delete('pods', p?.metadata.name ?? '', 'default');
    await until(() => s.list('pods', { labelSelector: 'app=x' }).length === 2);
    expect(s.list('pods', { labelSelector: 'app=x' }).filter((x) => x.metadata.deletionTimestamp).map((x) => x.metadata.name)).toEqual([p?.metadata.name]);
  });
});

describe('pods/log', () => {
  let api: KubeApi;
  let client: KubeClient;
  const now = Date.now();
  beforeAll(async () => {
    api = await startKubeApi({
      token: 't',
      podLog: (pod) => (pod.metadata.name === 'talker' ? [{ ts: now - 600_000, line: 'old line' }, { ts: now - 30_000, line: 'recent one' }, { ts: now - 1000, line: 'newest' }] : undefined),
    });
    api.store.create('nodes', makeNode('n1'));
    api.store.create('pods', makePod({ name: 'talker', nodeName: 'n1' }));
    api.store.create('pods', makePod({ name: 'quiet', nodeName: 'n1' }));
    const pending = makePod({ name: 'pending' });
    pending.spec.nodeSelector = { nowhere: 'true' };
    api.store.create('pods', pending);
    client = new KubeClient(loadKubeconfig({ text: api.kubeconfig() }));
  });
  afterAll(async () => {
    client?.close();
    await api?.close();
  });
  const log = (pod: string, query: Record<string, string> = {}) => client.request('GET', `/api/v1/namespaces/default/pods/${pod}/log`, undefined, { query });

  it('returns plain text, filtered by sinceSeconds, sinceTime and tailLines, with timestamps on request', async () => {
    const all = await log('talker');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/plain');
    expect(all.body).toBe('old line\nrecent one\nnewest\n');
    expect((await log('talker', { sinceSeconds: '60' })).body).toBe('recent one\nnewest\n');
    expect((await log('talker', { sinceTime: new Date(now - 5000).toISOString() })).body).toBe('newest\n');
    expect((await log('talker', { tailLines: '1', container: 'main' })).body).toBe('newest\n');
    expect((await log('talker', { tailLines: '1', timestamps: 'true' })).body).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z newest\n$/);
    expect((await log('quiet')).body).toBe('');
  });

  it('404 for a missing pod, 400 for a bad container, a pod not started or a bad sinceSeconds', async () => {
    expect((await log('ghost')).status).toBe(404);
    expect((await log('talker', { container: 'nope' })).body.message).toBe('container nope is not valid for pod talker');
    expect((await log('pending')).status).toBe(400);
    expect((await log('talker', { sinceSeconds: '0' })).status).toBe(400);
    const res = (await client.request('GET', '/api/v1')).body.resources.find((r: { name: string }) => r.name === 'pods/log');
    expect(res).toMatchObject({ kind: 'Pod', verbs: ['get'] });
  });
});
