import { afterEach, describe, expect, it } from 'vitest';
import { KubeStatusError, KubeStore, makeNode, makePod, type StoreEvent } from '../../../lab/kube/index.js';
import { until } from './helpers.js';

const stores: KubeStore[] = [];
function newStore(opts: ConstructorParameters<typeof KubeStore>[0] = {}): KubeStore {
  const s = new KubeStore(opts);
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof KubeStatusError) return e.code;
    throw e;
  }
  return undefined;
}

describe('KubeStore CRUD', () => {
  it('creates objects with uid, resourceVersion, creationTimestamp and generation; 409 on duplicates', () => {
    const s = newStore({ controllers: false });
    const n = s.create('nodes', makeNode('n1'));
    expect(n.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(n.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(n.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(n.metadata.generation).toBe(1);
    expect(n.apiVersion).toBe('v1');
    expect(code(() => s.create('nodes', makeNode('n1')))).toBe(409);
    expect(s.list('namespaces').map((x) => x.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('generates names from generateName and creates missing namespaces', () => {
    const s = newStore({ controllers: false });
    const p = s.create('pods', { metadata: { generateName: 'job-', namespace: 'batch' }, spec: { containers: [] } });
    expect(p.metadata.name).toMatch(/^job-[a-z0-9]{5}$/);
    expect(s.get('namespaces', 'batch')).toBeDefined();
    expect(code(() => s.create('pods', { metadata: {} }))).toBe(422);
  });

  it('updates with optimistic concurrency and bumps generation only for spec changes', () => {
    const s = newStore({ controllers: false });
    const n = s.create('nodes', makeNode('n1'));
    const u = s.update('nodes', { ...n, spec: { unschedulable: true } });
    expect(u.metadata.generation).toBe(2);
    expect(Number(u.metadata.resourceVersion)).toBeGreaterThan(Number(n.metadata.resourceVersion));
    expect(code(() => s.update('nodes', { ...n, spec: {} }))).toBe(409);
    const st = s.update('nodes', { ...u, status: { ...u.status, phase: 'x' } }, 'status');
    expect(st.metadata.generation).toBe(2);
    const same = s.update('nodes', st);
    expect(same.metadata.resourceVersion).toBe(st.metadata.resourceVersion);
    expect(code(() => s.update('nodes', makeNode('nope')))).toBe(404);
  });

  it('keeps status on a main-resource update and the rest on a status update', () => {
    const s = newStore({ controllers: false });
    const n = s.create('nodes', makeNode('n1'));
    const main = s.update('nodes', { ...n, metadata: { ...n.metadata, labels: { x: 'y' } }, status: {} }, 'main');
    expect(main.status.nodeInfo.kubeletVersion).toBe('v1.28.15');
    expect(main.metadata.labels).toEqual({ x: 'y' });
    const st = s.update('nodes', { ...main, metadata: { ...main.metadata, labels: {} }, status: { phase: 'Running' } }, 'status');
    expect(st.metadata.labels).toEqual({ x: 'y' });
    expect(st.status).toEqual({ phase: 'Running' });
  });

  it('patches with merge, strategic and JSON patches; a stale resourceVersion in the patch conflicts', () => {
    const s = newStore({ controllers: false });
    const n = s.create('nodes', makeNode('n1'));
    expect(s.patch('nodes', 'n1', { spec: { unschedulable: true } }, 'strategic').spec.unschedulable).toBe(true);
    expect(s.patch('nodes', 'n1', { metadata: { annotations: { a: 'b' } } }).metadata.annotations).toEqual({ a: 'b' });
    expect(s.patch('nodes', 'n1', [{ op: 'add', path: '/metadata/labels/z', value: '1' }], 'json').metadata.labels?.['z']).toBe('1');
    expect(code(() => s.patch('nodes', 'n1', { metadata: { resourceVersion: n.metadata.resourceVersion }, spec: {} }))).toBe(409);
    expect(code(() => s.patch('nodes', 'ghost', {}))).toBe(404);
  });

  it('lists with namespace, label and field selectors, sorted', () => {
    const s = newStore({ controllers: false });
    s.add(
      makePod({ name: 'b', namespace: 'x', nodeName: 'n1', labels: { app: 'web' } }),
      makePod({ name: 'a', namespace: 'x', nodeName: 'n2', labels: { app: 'db' } }),
      makePod({ name: 'c', namespace: 'y', nodeName: 'n1', labels: { app: 'web' }, phase: 'Succeeded' }),
    );
    const names = (o: Parameters<KubeStore['list']>[1]) => s.list('pods', o).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(names({})).toEqual(['x/a', 'x/b', 'y/c']);
    expect(names({ namespace: 'x' })).toEqual(['x/a', 'x/b']);
    expect(names({ labelSelector: 'app in (web)' })).toEqual(['x/b', 'y/c']);
    expect(names({ fieldSelector: 'spec.nodeName=n1,status.phase!=Succeeded' })).toEqual(['x/b']);
    expect(code(() => s.list('pods', { fieldSelector: 'spec.bogus=1' }))).toBe(400);
  });
});

describe('KubeStore deletion and watch', () => {
  it('emits ADDED, MODIFIED and DELETED events with increasing resourceVersions and replays history', () => {
    const s = newStore({ controllers: false });
    const seen: StoreEvent[] = [];
    const start = Number(s.resourceVersion);
    const stop = s.watch((e) => seen.push(e));
    s.create('configmaps', { metadata: { name: 'c' } });
    s.patch('configmaps', 'c', { data: { k: 'v' } });
    s.delete('configmaps', 'c');
    stop();
    s.create('configmaps', { metadata: { name: 'd' } });
    expect(seen.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(seen.map((e) => e.rv)).toEqual([start + 1, start + 2, start + 3]);
    expect(seen[1]?.old?.['data']).toBeUndefined();
    expect(s.eventsSince(start)?.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED', 'ADDED']);
  });

  it('reports expired history', () => {
    const s = newStore({ controllers: false, historySize: 2 });
    for (let i = 0; i < 4; i++) s.create('configmaps', { metadata: { name: `c${i}` } });
    expect(s.eventsSince(1)).toBeUndefined();
    expect(s.eventsSince(Number(s.resourceVersion) - 1)).toHaveLength(1);
  });

  it('terminates running pods gracefully (scaled by timeScale) and deletes unscheduled ones at once', async () => {
    const s = newStore({ controllers: false, timeScale: 0.01 });
    s.add(makePod({ name: 'run', nodeName: 'n1', terminationGracePeriodSeconds: 10 }), makePod({ name: 'pending' }));
    const t = s.delete('pods', 'run');
    expect(t.metadata.deletionTimestamp).toBeDefined();
    expect(t.metadata.deletionGracePeriodSeconds).toBe(10);
    expect(s.get('pods', 'run')).toBeDefined();
    s.delete('pods', 'pending');
    expect(s.get('pods', 'pending')).toBeUndefined();
    await until(() => s.get('pods', 'run') === undefined, 2000);
    expect(code(() => s.delete('pods', 'run'))).toBe(404);
  });

  it('honours gracePeriodSeconds 0 and preconditions', () => {
    const s = newStore({ controllers: false });
    const p = s.create('pods', makePod({ name: 'p', nodeName: 'n1' }));
    expect(code(() => s.delete('pods', 'p', 'default', { preconditions: { uid: 'other' } }))).toBe(409);
    s.delete('pods', 'p', 'default', { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid ?? '' } });
    expect(s.get('pods', 'p')).toBeUndefined();
  });

  it('garbage-collects dependents and namespace contents', () => {
    const s = newStore({ controllers: false });
    const [owner] = s.add({ kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'app' } });
    s.add({ kind: 'ConfigMap', metadata: { name: 'dep', namespace: 'app', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner?.metadata.uid ?? '' }] } });
    s.add({ kind: 'ConfigMap', metadata: { name: 'free', namespace: 'app' } });
    s.delete('configmaps', 'owner', 'app');
    expect(s.list('configmaps', { namespace: 'app' }).map((c) => c.metadata.name)).toEqual(['free']);
    s.delete('namespaces', 'app');
    expect(s.list('configmaps', { namespace: 'app' })).toEqual([]);
  });
});
