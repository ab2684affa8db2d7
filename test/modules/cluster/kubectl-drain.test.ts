// kubectl cordon/uncordon/drain against the simulated apiserver over real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { makeNode, makePdb, makePod, makeStatefulSet, type KubeApi, type KubeObject } from '../../../lab/kube/index.js';
import kubectl from '../../../modules/kubectl.js';
import { runKubectl, startRig, webNodes } from './kube-rig.js';

let api: KubeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const node = (name: string) => api?.store.get('nodes', name) as KubeObject;
const BY = 'tsplay.dev/cordoned-by';

describe('cordon / uncordon with ownership', () => {
  it('cordons with the run id, is idempotent, and uncordons what it cordoned', async () => {
    api = await startRig();
    const c = await runKubectl(api, { action: 'cordon', node: 'n2' });
    expect(c.result).toMatchObject({ changed: true, node: 'n2', cordoned_by: 'run-42', msg: 'node n2 cordoned' });
    expect(node('n2').spec.unschedulable).toBe(true);
    expect(node('n2').metadata.annotations?.[BY]).toBe('run-42');
    expect((await runKubectl(api, { action: 'cordon', node: 'n2' })).result).toMatchObject({ changed: false, msg: 'node n2 already cordoned' });
    const u = await runKubectl(api, { action: 'uncordon', node: 'n2' });
    expect(u.result).toMatchObject({ changed: true, msg: 'node n2 uncordoned', cordoned_by: 'run-42' });
    expect(node('n2').spec.unschedulable).toBeUndefined();
    expect(node('n2').metadata.annotations?.[BY]).toBeUndefined();
    expect((await runKubectl(api, { action: 'uncordon', node: 'n2' })).result).toMatchObject({ changed: false, msg: 'node n2 already uncordoned' });
  });

  it('leaves a node the operator cordoned alone (cordon adds no annotation; uncordon refuses without force)', async () => {
    api = await startRig();
    api.store.add(makeNode('n4', { unschedulable: true }));
    expect((await runKubectl(api, { action: 'cordon', name: 'n4' })).result).toMatchObject({ changed: false });
    expect(node('n4').metadata.annotations?.[BY]).toBeUndefined();
    const u = await runKubectl(api, { action: 'uncordon', node: 'n4' });
    expect(u.result).toEqual({ changed: false, node: 'n4', cordoned_by_other: true, msg: 'node n4 was cordoned by someone else; not uncordoning (force: true to override)' });
    expect(node('n4').spec.unschedulable).toBe(true);
    expect((await runKubectl(api, { action: 'uncordon', node: 'n4', force: true })).result).toMatchObject({ changed: true });
    expect(node('n4').spec.unschedulable).toBeUndefined();
  });

  it('check mode shows the diff and patches nothing; a missing node fails readably', async () => {
    api = await startRig();
    const rv = api.store.resourceVersion;
    const c = await runKubectl(api, { action: 'cordon', node: 'n1' }, { check: true });
    expect(c.result).toMatchObject({ changed: true, diff: [{ before: 'schedulable\n', after: `cordoned (${BY}: run-42)\n` }] });
    expect(api.store.resourceVersion).toBe(rv);
    expect((await runKubectl(api, { action: 'drain', node: 'ghost' })).result).toMatchObject({ failed: true, msg: 'node ghost not found' });
  });
});

describe('drain', () => {
  it('cordons, evicts through the API and waits; the pods are rescheduled elsewhere', async () => {
    api = await startRig();
    expect(webNodes(api)).toEqual(['n1', 'n2', 'n3']);
    const d = await runKubectl(api, { action: 'drain', node: 'n2', ignore_daemonsets: true, retry_delay: '20ms', timeout: '10s' });
    expect(d.result).toMatchObject({ changed: true, node: 'n2', cordoned: true, cordoned_now: true, blocked: [], msg: 'node n2 drained (1 pod(s) evicted)' });
    expect(d.result['evicted']).toEqual([expect.stringMatching(/^default\/web-/)]);
    expect(d.result['warnings']).toEqual(['ignoring DaemonSet-managed Pods: kube-system/calico-node-n2']);
    expect(webNodes(api).filter((n) => n === 'n2')).toEqual([]);
    expect(webNodes(api)).toHaveLength(3);
    expect(api.store.get('pods', 'calico-node-n2', 'kube-system')).toBeDefined();
    expect(node('n2').metadata.annotations?.[BY]).toBe('run-42');
    expect(d.progress.some((m) => m.startsWith('draining n2: 0 pod(s) left'))).toBe(true);
    expect(kubectl.disruptive?.({ action: 'drain', node: 'n2' })).toEqual({ kind: 'drain', what: 'drain of node n2', datastore: false, apiNode: 'n2' });
    expect(kubectl.disruptive?.({ action: 'cordon', node: 'n2' })).toEqual({ kind: 'cordon', what: 'cordon of node n2', datastore: false, apiNode: 'n2' });
    expect(kubectl.disruptive?.({ action: 'uncordon', node: 'n2' })).toBeUndefined();
  });

  it('a PodDisruptionBudget with no disruption left: retries, then fails naming pod and PDB; the node stays cordoned', async () => {
    api = await startRig({ minAvailable: 3 });
    const victim = api.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).find((p) => p.spec?.nodeName === 'n3')?.metadata.name;
    const d = await runKubectl(api, { action: 'drain', node: 'n3', ignore_daemonsets: true, retry_delay: '30ms', timeout: '400ms' });
    expect(d.result).toMatchObject({ changed: true, failed: true, node: 'n3', cordoned: true, evicted: [], blocked: [{ pod: `default/${victim}`, pdb: 'default/web-pdb', disruptions_allowed: 0 }] });
    expect(d.result['msg']).toMatch(new RegExp(`^drain of node n3 did not finish within 0.4s \\(after 0s; the node stays cordoned\\): pod default/${victim} blocked by PodDisruptionBudget default/web-pdb \\(disruptionsAllowed 0\\)$`));
    expect(node('n3').spec.unschedulable).toBe(true);
    expect(api.store.get('pods', victim ?? '')).toBeDefined();
    expect(d.progress.filter((m) => m.includes('blocked')).length).toBeGreaterThanOrEqual(2);
  });

  it('drains a node the operator had cordoned without taking it over (no annotation, uncordon still refuses)', async () => {
    api = await startRig();
    api.store.patch('nodes', 'n2', { spec: { unschedulable: true } });
    const d = await runKubectl(api, { action: 'drain', node: 'n2', ignore_daemonsets: true, retry_delay: '20ms', timeout: '5s' });
    expect(d.result).toMatchObject({ changed: true, cordoned: true, cordoned_now: false });
    expect(node('n2').metadata.annotations?.[BY]).toBeUndefined();
    expect((await runKubectl(api, { action: 'drain', node: 'n2', ignore_daemonsets: true })).result).toMatchObject({ changed: false, msg: 'node n2 already drained' });
    expect((await runKubectl(api, { action: 'uncordon', node: 'n2' })).result).toMatchObject({ changed: false, cordoned_by_other: true });
  });

  it('disable_eviction deletes despite the budget', async () => {
    api = await startRig({ minAvailable: 3 });
    const d = await runKubectl(api, { action: 'drain', node: 'n3', ignore_daemonsets: true, disable_eviction: true, retry_delay: '20ms', timeout: '5s' });
    expect(d.result).toMatchObject({ changed: true, msg: 'node n3 drained (1 pod(s) deleted)' });
    expect(webNodes(api)).not.toContain('n3');
  });

  it('reports every filter error together, before cordoning anything', async () => {
    api = await startRig();
    const [sts] = api.store.add(makeStatefulSet('cache', { replicas: 1, labels: { app: 'cache' } }));
    api.store.add(
      makePod({ name: 'cache-0', nodeName: 'n1', owner: sts as KubeObject, emptyDir: true, labels: { app: 'cache' } }),
      makePod({ name: 'debug-shell', nodeName: 'n1' }),
      makePod({ name: 'kube-apiserver-n1', namespace: 'kube-system', nodeName: 'n1', mirror: true }),
      makePod({ name: 'backup-job-x', nodeName: 'n1', phase: 'Succeeded', ready: false }),
    );
    const rv = api.store.resourceVersion;
    const d = await runKubectl(api, { action: 'drain', node: 'n1' });
    expect(d.result['failed']).toBe(true);
    expect(d.result['errors']).toEqual([
      'cannot delete DaemonSet-managed Pods (use ignore_daemonsets: true to ignore): kube-system/calico-node-n1',
      'cannot delete Pods with local storage (use delete_emptydir_data: true to override): default/cache-0',
      'cannot delete Pods that declare no controller (use force: true to override): default/debug-shell',
    ]);
    expect(String(d.result['msg'])).toMatch(/^cannot drain node n1: cannot delete DaemonSet-managed Pods .*; cannot delete Pods with local storage .*; cannot delete Pods that declare no controller .*default\/debug-shell$/);
    expect(node('n1').spec.unschedulable).toBeUndefined();
    expect(api.store.resourceVersion).toBe(rv);
    const ok = await runKubectl(api, { action: 'drain', node: 'n1', ignore_daemonsets: true, delete_emptydir_data: true, force: true, retry_delay: '20ms', timeout: '5s' });
    expect(ok.result).toMatchObject({ changed: true, msg: 'node n1 drained (4 pod(s) evicted)' });
    expect(ok.result['warnings']).toEqual([
      'ignoring DaemonSet-managed Pods: kube-system/calico-node-n1',
      'deleting Pods with local storage: default/cache-0',
      'deleting Pods that declare no controller: default/debug-shell',
    ]);
    expect(ok.result['skipped_pods']).toEqual(expect.arrayContaining([{ pod: 'kube-system/kube-apiserver-n1', reason: 'mirror pod (static; not deletable through the API)' }]));
    expect(ok.result['skipped']).toBeUndefined();
    expect(api.store.get('pods', 'kube-apiserver-n1', 'kube-system')).toBeDefined();
    expect(api.store.get('pods', 'debug-shell')).toBeUndefined();
  });

  it('check mode fails a drain a PodDisruptionBudget would refuse now, naming the pod, and changes nothing', async () => {
    api = await startRig({ minAvailable: 3 });
    api.store.add(makePdb('calico-pdb', { namespace: 'kube-system', maxUnavailable: 1, selector: { 'k8s-app': 'calico-node' } }));
    const rv = api.store.resourceVersion;
    const victim = api.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).find((p) => p.spec?.nodeName === 'n1')?.metadata.name;
    const d = await runKubectl(api, { action: 'drain', node: 'n1', ignore_daemonsets: true }, { check: true });
    expect(d.result).toMatchObject({ failed: true, node: 'n1', cordoned: false, would_cordon: true, would_evict: [`default/${victim}`] });
    // the API server's dry-run answer (or, where dry runs are not served, the budget's status) names the pod
    expect(String(d.result['msg'])).toMatch(new RegExp(`^drain of node n1 would not finish: .* pod default/${victim}: .*disruption ?budget.*A real run would cordon the node, retry every 5s for up to 300s and then fail, leaving the node cordoned$`, 'i'));
    expect(api.store.resourceVersion).toBe(rv);
  });

  it('check mode of a drain the API server allows lists the pods to evict with the cordon diff, and changes nothing', async () => {
    api = await startRig();
    const rv = api.store.resourceVersion;
    const mine = api.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).filter((p) => p.spec?.nodeName === 'n1').map((p) => `default/${p.metadata.name}`);
    const d = await runKubectl(api, { action: 'drain', node: 'n1', ignore_daemonsets: true, pod_selector: 'app=web' }, { check: true });
    expect(d.result).toMatchObject({ changed: true, node: 'n1', would_cordon: true, would_evict: mine });
    expect(String(d.result['msg'])).toMatch(/^would cordon node n1 and evict 1 pod\(s\)/);
    expect(d.result['diff']).toEqual([{ before_header: 'node/n1', after_header: 'node/n1', before: `node/n1: schedulable\npods:\n  ${mine[0]}\n`, after: `node/n1: cordoned (${BY}: run-42)\npods:\n` }]);
    expect(api.store.resourceVersion).toBe(rv);
  });

  it('pods under two PDBs fail the pre-flight (the eviction API would answer 500)', async () => {
    api = await startRig();
    api.store.add(makePdb('web-pdb-2', { maxUnavailable: 1, selector: { app: 'web' } }));
    const d = await runKubectl(api, { action: 'drain', node: 'n2', ignore_daemonsets: true });
    expect(d.result['failed']).toBe(true);
    expect(String(d.result['msg'])).toMatch(/is selected by more than one PodDisruptionBudget \(default\/web-pdb, default\/web-pdb-2\); the eviction API refuses it/);
  });
});
