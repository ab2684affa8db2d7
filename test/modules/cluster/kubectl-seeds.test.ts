// The kubectl module's answers to the incidents (docs/SEEDS.md), against the simulated apiserver
// over real HTTP: a check-mode drain asks for dry-run evictions; a drain reports what it evicted and
// force-deletes pods stuck Terminating when asked; unstick deletes the pods of a PodDisruptionBudget
// that can never allow a disruption; scheduling tells a stalled scheduler from a busy one; get reads
// custom resources by api_version and says when the API is missing.
import { afterEach, describe, expect, it } from 'vitest';
import { makePdb, makePod, type KubeApi } from '../../../lab/kube/index.js';
import { deadlockOf } from '../../../modules/lib/kube-drain-unstick.js';
import { runKubectl, startRig } from './kube-rig.js';

let api: KubeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const webOn = (a: KubeApi, n: string) => a.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).filter((p) => p.spec?.nodeName === n && !p.metadata.deletionTimestamp);

describe('drain reports and dry runs', () => {
  it('a check-mode drain sends each eviction as a dry run and changes nothing', async () => {
    api = await startRig();
    const rv = api.store.resourceVersion;
    const d = await runKubectl(api, { action: 'drain', node: 'n1', ignore_daemonsets: true }, { check: true });
    expect(d.result).toMatchObject({ changed: true, dry_run: { allowed: [`default/${webOn(api, 'n1')[0]?.metadata.name}`], refused: [], gone: [], failed: [] } });
    expect(d.result['_tsplay_report']).toMatchObject({ summary: 'would evict 1 pod(s) (dry run: 1 allowed, 0 refused)' });
    expect(api.store.resourceVersion).toBe(rv);
  });

  it('a drain reports the evicted pods: the count for the plain log, the names for JSON', async () => {
    api = await startRig();
    const pod = `default/${webOn(api, 'n2')[0]?.metadata.name}`;
    const d = await runKubectl(api, { action: 'drain', node: 'n2', ignore_daemonsets: true, retry_delay: '20ms', timeout: '10s' });
    expect(d.result['_tsplay_report']).toEqual({ summary: expect.stringMatching(/^1 pod\(s\) evicted in \d+s$/), evicted: [pod], force_deleted: [] });
  });

  it('force_stuck_after force-deletes an evicted pod stuck Terminating (a finalizer only a forced delete releases)', async () => {
    api = await startRig();
    api.store.forceReleased.add('example.com/hold');
    api.store.add(makePod({ name: 'held', nodeName: 'n3', owner: api.store.list('replicasets')[0], labels: { app: 'held' } }));
    const cur = api.store.get('pods', 'held', 'default');
    api.store.update('pods', { ...cur, metadata: { ...cur?.metadata, finalizers: ['example.com/hold'] } });
    const without = await runKubectl(api, { action: 'drain', node: 'n3', ignore_daemonsets: true, pod_selector: 'app=held', retry_delay: '20ms', timeout: '300ms' });
    expect(without.result).toMatchObject({ failed: true, terminating: ['default/held'] });
    expect(String(without.result['msg'])).toContain('pod default/held still terminating (stuck? force_stuck_after force-deletes such pods)');
    const forced = await runKubectl(api, { action: 'drain', node: 'n3', ignore_daemonsets: true, pod_selector: 'app=held', force_stuck_after: 1, retry_delay: '20ms', timeout: '5s' });
    expect(forced.result).toMatchObject({ changed: true, force_deleted: ['default/held'] });
    expect(api.store.get('pods', 'held', 'default')).toBeUndefined();
  });
});

describe('unstick', () => {
  it('deletes the pod of a PodDisruptionBudget that can never allow a disruption, not one that is only short now', async () => {
    api = await startRig({ minAvailable: 3 });
    const pdb = api.store.get('poddisruptionbudgets', 'web-pdb', 'default');
    expect(deadlockOf(pdb ?? {})).toBe('all 3 pod(s) healthy and still no disruption allowed (needs 3 healthy)');
    expect(deadlockOf({ status: { disruptionsAllowed: 0, expectedPods: 3, currentHealthy: 2, desiredHealthy: 2 } })).toBeUndefined();
    const victim = `default/${webOn(api, 'n1')[0]?.metadata.name}`;
    const check = await runKubectl(api, { action: 'unstick', node: 'n1' }, { check: true });
    expect(check.result).toMatchObject({ changed: true, deadlocked: [{ pod: victim, pdb: 'default/web-pdb' }], stuck: [] });
    const r = await runKubectl(api, { action: 'unstick', node: 'n1' });
    expect(r.result['_tsplay_report']).toEqual({ summary: 'deleted 1 pod(s) of a deadlocked PodDisruptionBudget', deadlocked: [victim], stuck: [] });
    expect(api.store.get('pods', victim.split('/')[1] ?? '', 'default')?.metadata.deletionTimestamp ?? 'gone').toBeTruthy();
    expect(webOn(api, 'n1').map((p) => `default/${p.metadata.name}`)).not.toContain(victim);
    expect((await runKubectl(api, { action: 'unstick', node: 'n2', stuck_after: 60 })).result).toMatchObject({ changed: true });
    api.store.add(makePdb('relaxed', { maxUnavailable: 1, selector: { app: 'other' } }));
    expect((await runKubectl(api, { action: 'unstick', node: 'n3' }, { check: true })).result).toMatchObject({ deadlocked: [{ pdb: 'default/web-pdb' }] });
  });
});

describe('scheduling', () => {
  it('a Pending pod with its own FailedScheduling event is busy; one with none is a stall, whatever other pods have', async () => {
    api = await startRig();
    api.store.schedulerPaused = true;
    api.store.add(makePod({ name: 'stalled' }));
    const r = await runKubectl(api, { action: 'scheduling', stuck_after: 0 });
    expect(r.result).toMatchObject({ ok: false, unscheduled: [{ pod: 'default/stalled' }] });
    expect(String(r.result['msg'])).toMatch(/^scheduler stall: 1 pod\(s\) Pending for 0s or more with no FailedScheduling event of their own \(default\/stalled \d+s\)/);
    expect((await runKubectl(api, { action: 'scheduling', stuck_after: 3600 })).result).toMatchObject({ ok: true });
  });
});

describe('get by api_version', () => {
  it('answers api_found: false for an API the cluster does not serve', async () => {
    api = await startRig();
    const r = await runKubectl(api, { action: 'get', api_version: 'argoproj.io/v1alpha1', kind: 'applications', all_namespaces: true });
    expect(r.result).toEqual({ changed: false, api_found: false, resources: [] });
  });
});
