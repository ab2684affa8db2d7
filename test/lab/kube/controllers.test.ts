import { afterEach, describe, expect, it } from 'vitest';
import {
  KubeStatusError, KubeStore, PDB_VIOLATION_MESSAGE, computePdbCounts, makeNode, makePdb, makePod, makeStatefulSet,
  setNodeCondition, setNodeReady, setPodReady, type KubeObject,
} from '../../../lab/kube/index.js';
import { seedCluster, until, webPods } from './helpers.js';

const stores: KubeStore[] = [];
function newStore(timeScale = 0): KubeStore {
  const s = new KubeStore({ timeScale });
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function statusError(fn: () => unknown): KubeStatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KubeStatusError) return e;
    throw e;
  }
  throw new Error('expected a KubeStatusError');
}

const ready = (n: number, notReady = 0) => [
  ...Array.from({ length: n }, (_, i) => makePod({ name: `r${i}`, nodeName: 'n1' })),
  ...Array.from({ length: notReady }, (_, i) => makePod({ name: `u${i}`, nodeName: 'n1', ready: false })),
];

describe('PodDisruptionBudget status', () => {
  it.each([
    [{ minAvailable: 2 }, 3, 0, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 }],
    [{ minAvailable: 3 }, 3, 0, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 }],
    [{ minAvailable: '50%' }, 3, 0, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 }],
    [{ minAvailable: '100%' }, 4, 0, { expectedPods: 4, currentHealthy: 4, desiredHealthy: 4, disruptionsAllowed: 0 }],
    [{ maxUnavailable: 1 }, 3, 0, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 }],
    [{ maxUnavailable: 1 }, 2, 1, { expectedPods: 3, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 }],
    [{ maxUnavailable: '34%' }, 3, 0, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 1, disruptionsAllowed: 2 }],
    [{ maxUnavailable: 0 }, 3, 0, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 }],
    [{ minAvailable: 5 }, 3, 0, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 5, disruptionsAllowed: 0 }],
  ])('%j with %i ready and %i unready pods', (spec, r, u, want) => {
    expect(computePdbCounts(spec, ready(r, u))).toEqual(want);
  });

  it('is maintained in the store from the Ready pods its selector matches', () => {
    const s = newStore();
    s.add(makeNode('n1'), makePdb('p', { maxUnavailable: 1, selector: { app: 'x' } }));
    s.add(...ready(3).map((p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'x' } } })));
    s.add(makePod({ name: 'other', nodeName: 'n1', labels: { app: 'y' } }));
    const st = () => s.get('poddisruptionbudgets', 'p')?.status;
    expect(st()).toMatchObject({ expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, observedGeneration: 1 });
    expect(st().conditions[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' });
    setPodReady(s, 'r0', 'default', false);
    expect(st()).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
    expect(st().conditions[0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
  });
});

describe('eviction', () => {
  it('returns 429 with the apiserver message and the PDB named in details.causes', () => {
    const s = newStore();
    seedCluster(s, { minAvailable: 3 });
    const pod = webPods(s)[0]?.metadata.name ?? '';
    const err = statusError(() => s.evict(pod));
    expect(err.code).toBe(429);
    const st = err.toStatus();
    expect(st).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'TooManyRequests', code: 429, message: PDB_VIOLATION_MESSAGE });
    expect(st.details?.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 3 healthy pods and has 3 currently' }]);
    expect(s.get('pods', pod)).toBeDefined();
  });

  it('returns 500 when more than one PDB matches and 404 for a missing pod', () => {
    const s = newStore();
    seedCluster(s);
    s.add(makePdb('web-2', { maxUnavailable: 1, selector: { app: 'web' } }));
    const err = statusError(() => s.evict(webPods(s)[0]?.metadata.name ?? ''));
    expect(err.code).toBe(500);
    expect(err.message).toBe('Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const nf = statusError(() => s.evict('ghost'));
    expect(nf.code).toBe(404);
    expect(nf.toStatus()).toMatchObject({ reason: 'NotFound', message: 'pods "ghost" not found', details: { name: 'ghost', kind: 'pods' } });
  });

  it('evicts when the budget allows and the ReplicaSet replaces the pod on a schedulable node', () => {
    const s = newStore();
    seedCluster(s);
    s.patch('nodes', 'n2', { spec: { unschedulable: true } });
    s.patch('nodes', 'n3', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    const victim = webPods(s).find((p) => p.spec.nodeName === 'n1') ?? webPods(s)[0];
    const name = victim?.metadata.name ?? '';
    s.evict(name, 'default', { gracePeriodSeconds: 0 });
    expect(s.get('pods', name)).toBeUndefined();
    const pods = webPods(s);
    expect(pods).toHaveLength(3);
    const fresh = pods.find((p) => !['n2', 'n3'].includes(p.spec.nodeName) && p.metadata.uid !== victim?.metadata.uid && p.metadata.creationTimestamp);
    expect(fresh?.spec.nodeName).toBe('n1');
    expect(fresh?.status.podIP).toMatch(/^10\.1\.\d+\.\d+$/);
    expect(fresh?.status.podIP).not.toBe(victim?.status.podIP);
  });

  it('lets an unready pod go while the budget is healthy, and ignores the PDB for pending pods', () => {
    const s = newStore();
    s.add(makeNode('n1'), makePdb('p', { minAvailable: 2, selector: { app: 'x' } }));
    s.add(
      makePod({ name: 'a', nodeName: 'n1', labels: { app: 'x' } }),
      makePod({ name: 'b', nodeName: 'n1', labels: { app: 'x' } }),
      makePod({ name: 'c', nodeName: 'n1', labels: { app: 'x' }, ready: false }),
      makePod({ name: 'd', nodeName: 'n1', labels: { app: 'x' }, phase: 'Pending', ready: false }),
    );
    expect(statusError(() => s.evict('a')).code).toBe(429);
    s.evict('c', 'default', { gracePeriodSeconds: 0 });
    s.evict('d');
    expect(s.list('pods').map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });
});

describe('replacement and scheduling', () => {
  it('keeps replacements Pending with a FailedScheduling event until a node becomes schedulable', () => {
    const s = newStore();
    seedCluster(s, { replicas: 1 });
    for (const n of ['n1', 'n2', 'n3']) s.patch('nodes', n, { spec: { unschedulable: true } });
    const old = webPods(s)[0];
    s.delete('pods', old?.metadata.name ?? '', 'default', { gracePeriodSeconds: 0 });
    const pending = webPods(s)[0];
    expect(pending?.status.phase).toBe('Pending');
    expect(pending?.spec.nodeName).toBeUndefined();
    const events = s.list('events', { fieldSelector: `involvedObject.name=${pending?.metadata.name}` });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: 'FailedScheduling', type: 'Warning' });
    expect(String(events[0]?.['message'])).toContain('0/3 nodes are available: 3 node(s) were unschedulable');
    s.patch('nodes', 'n2', { spec: { unschedulable: false } });
    expect(webPods(s)[0]).toMatchObject({ spec: { nodeName: 'n2' }, status: { phase: 'Running' } });
  });

  it('does not schedule on NotReady nodes', () => {
    const s = newStore();
    seedCluster(s, { replicas: 1 });
    setNodeReady(s, 'n1', false);
    setNodeReady(s, 'n2', false);
    s.patch('nodes', 'n3', { spec: { unschedulable: true } });
    s.delete('pods', webPods(s)[0]?.metadata.name ?? '', 'default', { gracePeriodSeconds: 0 });
    expect(webPods(s)[0]?.status.phase).toBe('Pending');
    setNodeReady(s, 'n1', true);
    expect(webPods(s)[0]?.spec.nodeName).toBe('n1');
  });

  it('recreates DaemonSet pods on their node and StatefulSet pods under the same name; bare pods stay gone', async () => {
    const s = newStore(0.001);
    seedCluster(s);
    const [sts] = s.add(makeStatefulSet('db', { replicas: 1 }));
    s.add(makePod({ name: 'db-0', nodeName: 'n2', owner: sts as KubeObject, labels: { app: 'db' } }), makePod({ name: 'bare', nodeName: 'n3' }));
    const dbUid = s.get('pods', 'db-0')?.metadata.uid;
    s.delete('pods', 'calico-node-n2', 'kube-system', { gracePeriodSeconds: 0 });
    const ds = s.list('pods', { namespace: 'kube-system', fieldSelector: 'spec.nodeName=n2' });
    expect(ds).toHaveLength(1);
    expect(ds[0]?.metadata.name).toMatch(/^calico-node-/);
    s.delete('pods', 'db-0');
    expect(s.get('pods', 'db-0')?.metadata.deletionTimestamp).toBeDefined();
    await until(() => s.get('pods', 'db-0')?.metadata.uid !== dbUid && s.get('pods', 'db-0') !== undefined);
    expect(s.get('pods', 'db-0')?.status.phase).toBe('Running');
    s.delete('pods', 'bare', 'default', { gracePeriodSeconds: 0 });
    expect(s.get('pods', 'bare')).toBeUndefined();
    expect(s.list('pods', { fieldSelector: 'spec.nodeName=n3', namespace: 'default' }).some((p) => p.metadata.name?.startsWith('bare'))).toBe(false);
  });

  it('removes the pods of a deleted node and replaces the ReplicaSet ones elsewhere', () => {
    const s = newStore();
    seedCluster(s);
    s.delete('nodes', 'n1');
    expect(s.list('pods', { fieldSelector: 'spec.nodeName=n1' })).toEqual([]);
    expect(webPods(s).filter((p) => p.status.phase === 'Running')).toHaveLength(3);
  });

  it('starts pods created without status, keeps pods of not-yet-registered nodes, and adds node Leases', () => {
    const s = newStore();
    s.add(makePod({ name: 'early', nodeName: 'n9' }));
    expect(s.get('pods', 'early')?.status.phase).toBe('Running');
    const raw = s.create('pods', { metadata: { name: 'raw' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } });
    expect(raw.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(s.get('pods', 'raw')?.status.phase).toBe('Pending');
    s.add(makeNode('n1'));
    expect(s.get('pods', 'raw')?.status).toMatchObject({ phase: 'Running', podIP: expect.stringMatching(/^10\.1\./), conditions: expect.arrayContaining([expect.objectContaining({ type: 'Ready', status: 'True' })]) });
    expect(s.get('leases', 'n1', 'kube-node-lease')?.spec).toMatchObject({ holderIdentity: 'n1', leaseDurationSeconds: 40 });
    s.delete('nodes', 'n1');
    expect(s.get('leases', 'n1', 'kube-node-lease')).toBeUndefined();
    expect(s.get('pods', 'raw')).toBeUndefined();
  });

  it('sets node pressure conditions', () => {
    const s = newStore();
    s.add(makeNode('n1', { pressure: { disk: true } }));
    const conds = () => Object.fromEntries((s.get('nodes', 'n1')?.status.conditions as { type: string; status: string }[]).map((c) => [c.type, c.status]));
    expect(conds()).toEqual({ MemoryPressure: 'False', DiskPressure: 'True', PIDPressure: 'False', Ready: 'True' });
    setNodeCondition(s, 'n1', 'MemoryPressure', 'True', 'KubeletHasInsufficientMemory');
    expect(conds()['MemoryPressure']).toBe('True');
  });

  it('rolls a Deployment to a new ReplicaSet when its template changes (rollout restart)', () => {
    const s = newStore();
    seedCluster(s);
    const before = new Set(webPods(s).map((p) => p.metadata.uid));
    s.patch('deployments', 'web', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' } } } } }, 'strategic');
    const rs = s.list('replicasets');
    expect(rs).toHaveLength(2);
    expect(rs.map((r) => r.spec.replicas).sort()).toEqual([0, 3]);
    const after = webPods(s);
    expect(after).toHaveLength(3);
    expect(after.every((p) => !before.has(p.metadata.uid))).toBe(true);
    expect(after[0]?.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe('2024-01-01T00:00:00Z');
    expect(s.get('deployments', 'web')?.status).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3, observedGeneration: 2 });
  });
});
