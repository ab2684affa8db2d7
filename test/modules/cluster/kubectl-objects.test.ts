// kubectl wait/get/delete/rollout_restart/lease_holder and kubeconfig resolution against the
// simulated apiserver over real HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeLease, makePod, setNodeReady, type KubeApi } from '../../../lab/kube/index.js';
import { resolveKubeconfig } from '../../../modules/lib/kube-connect.js';
import { runKubectl, startRig } from './kube-rig.js';

let api: KubeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('wait', () => {
  it('waits for a node to become Ready (readiness flipped during the wait)', async () => {
    api = await startRig();
    setNodeReady(api.store, 'n3', false);
    // flipped once the wait has seen it NotReady (not on a timer, which a slow machine can outrun)
    const w = await runKubectl(api, { action: 'wait', node: 'n3', for: 'condition=Ready', timeout: '5s', retry_delay: '20ms' }, { onProgress: () => api && setNodeReady(api.store, 'n3', true) });
    expect(w.result).toMatchObject({ changed: false, msg: 'condition Ready=True on nodes/n3: met' });
    expect((w.result['resources'] as { metadata: { name: string } }[])[0]?.metadata.name).toBe('n3');
    expect(w.progress[0]).toMatch(/^waiting for condition Ready=True on nodes\/n3 \(0s\): nodes\/n3: Ready=False \(container runtime network not ready\)$/);
  });

  it('times out with the condition that is still wrong; check mode only reports that it would wait', async () => {
    api = await startRig();
    setNodeReady(api.store, 'n3', false);
    const w = await runKubectl(api, { action: 'wait', node: 'n3', timeout: '200ms', retry_delay: '20ms' });
    expect(w.result).toMatchObject({ changed: false, failed: true, msg: 'timed out after 0.2s waiting for condition Ready=True on nodes/n3: nodes/n3: Ready=False (container runtime network not ready)' });
    const c = await runKubectl(api, { action: 'wait', node: 'n3' }, { check: true });
    expect(c.result).toMatchObject({ changed: false, msg: 'would wait up to 30s for condition Ready=True on nodes/n3; not met now: nodes/n3: Ready=False (container runtime network not ready)' });
    expect(c.result['failed']).toBeUndefined();
  });

  it('waits for deletion of a terminating pod, and for pods by selector', async () => {
    api = await startRig({ timeScale: 0.005 });
    const pod = api.store.list('pods', { namespace: 'default', labelSelector: 'app=web' })[0]?.metadata.name ?? '';
    api.store.delete('pods', pod, 'default');
    expect(api.store.get('pods', pod)?.metadata.deletionTimestamp).toBeDefined();
    const w = await runKubectl(api, { action: 'wait', kind: 'pod', name: pod, for: 'delete', timeout: '5s', retry_delay: '20ms' });
    expect(w.result).toMatchObject({ changed: false, msg: `deletion of pods/${pod}: met` });
    expect(api.store.get('pods', pod)).toBeUndefined();
    const r = await runKubectl(api, { action: 'wait', kind: 'pods', selector: 'app=web', for: 'condition=Ready', timeout: '5s', retry_delay: '20ms' });
    expect(r.result['resources']).toHaveLength(3);
  });

  it('rejects a bad for/timeout and a wait without a target', async () => {
    api = await startRig();
    expect((await runKubectl(api, { action: 'wait', node: 'n1', for: 'Ready' })).result).toMatchObject({ failed: true, msg: 'for must be condition=NAME[=VALUE] or delete, not "Ready"' });
    expect((await runKubectl(api, { action: 'wait', node: 'n1', timeout: 'soon' })).result).toMatchObject({ failed: true, msg: 'timeout must be a duration like 30s, 5m or 500ms, not "soon"' });
    expect((await runKubectl(api, { action: 'wait', kind: 'pod' })).result).toMatchObject({ failed: true, msg: 'wait needs a name (or node) or a selector' });
  });
});

describe('get, delete, rollout_restart, lease_holder', () => {
  it('get returns objects for register; a missing name is an empty list', async () => {
    api = await startRig();
    const pods = await runKubectl(api, { action: 'get', kind: 'pods', selector: 'app=web' });
    expect(pods.result).toMatchObject({ changed: false });
    expect(pods.result['resources']).toHaveLength(3);
    const n = await runKubectl(api, { action: 'get', kind: 'no', name: 'n1' });
    expect((n.result['resources'] as { kind: string }[])[0]?.kind).toBe('Node');
    expect((await runKubectl(api, { action: 'get', kind: 'Pod', name: 'nope' })).result['resources']).toEqual([]);
    const all = await runKubectl(api, { action: 'get', kind: 'pod', all_namespaces: true, field_selector: 'spec.nodeName=n1' });
    expect((all.result['resources'] as unknown[]).length).toBe(2);
    expect((await runKubectl(api, { action: 'get', kind: 'widgets' })).result['msg']).toMatch(/^unknown kind "widgets" \(known: Node, Pod, /);
  });

  it('delete by selector: check mode lists, the real run deletes', async () => {
    api = await startRig();
    api.store.add(makePod({ name: 'job-a', nodeName: 'n1', labels: { batch: 'yes' }, phase: 'Succeeded', ready: false }), makePod({ name: 'job-b', nodeName: 'n2', labels: { batch: 'yes' }, phase: 'Failed', ready: false }));
    const rv = api.store.resourceVersion;
    const c = await runKubectl(api, { action: 'delete', kind: 'pod', selector: 'batch=yes' }, { check: true });
    expect(c.result).toMatchObject({ changed: true, would_delete: ['pods/default/job-a', 'pods/default/job-b'] });
    expect(api.store.resourceVersion).toBe(rv);
    const d = await runKubectl(api, { action: 'delete', kind: 'pod', selector: 'batch=yes' });
    expect(d.result).toMatchObject({ changed: true, deleted: ['pods/default/job-a', 'pods/default/job-b'] });
    expect(api.store.list('pods', { labelSelector: 'batch=yes' })).toEqual([]);
    expect((await runKubectl(api, { action: 'delete', kind: 'pod', selector: 'batch=yes' })).result).toMatchObject({ changed: false, msg: 'nothing to delete' });
    expect((await runKubectl(api, { action: 'delete', kind: 'pod' })).result).toMatchObject({ failed: true, msg: 'delete needs a name or a selector' });
  });

  it('rollout_restart sets restartedAt on the pod template (check mode does not)', async () => {
    api = await startRig();
    const rv = api.store.resourceVersion;
    const c = await runKubectl(api, { action: 'rollout_restart', name: 'web' }, { check: true });
    expect(c.result).toMatchObject({ changed: true, restarted: ['deployments/default/web'] });
    expect(api.store.resourceVersion).toBe(rv);
    const r = await runKubectl(api, { action: 'rollout_restart', kind: 'deployment', name: 'web' });
    expect(r.result).toMatchObject({ changed: true, restarted: ['deployments/default/web'] });
    const at = api.store.get('deployments', 'web')?.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    expect(at).toBe(r.result['restarted_at']);
    expect((await runKubectl(api, { action: 'rollout_restart', name: 'nope' })).result).toMatchObject({ failed: true, msg: 'deployments "nope" not found' });
    expect((await runKubectl(api, { action: 'rollout_restart', kind: 'pod', name: 'x' })).result['failed']).toBe(true);
  });

  it('lease_holder names the node holding a leader lease', async () => {
    api = await startRig();
    api.store.add(makeLease('kube-controller-manager', { holderIdentity: 'k8s02_7f7db8d0-b54f-432a-a75b-915ea452be27', leaseDurationSeconds: 60 }));
    const l = await runKubectl(api, { action: 'lease_holder', name: 'kube-controller-manager' });
    expect(l.result).toMatchObject({ changed: false, holder: 'k8s02', holder_identity: 'k8s02_7f7db8d0-b54f-432a-a75b-915ea452be27', lease_duration_seconds: 60, expired: false });
    expect((await runKubectl(api, { action: 'lease_holder', name: 'kube-scheduler' })).result).toMatchObject({ failed: true, msg: 'lease kube-system/kube-scheduler not found' });
  });
});

describe('kubeconfig resolution', () => {
  it('argument, then host var, then $KUBECONFIG/~/.kube/config; context likewise', () => {
    const vars: Record<string, unknown> = { tsplay_kubeconfig: '/etc/tsplay/lab.kubeconfig', tsplay_kube_context: 'lab' };
    expect(resolveKubeconfig({}, (n) => vars[n])).toEqual({ path: '/etc/tsplay/lab.kubeconfig', context: 'lab' });
    expect(resolveKubeconfig({ kubeconfig: '/tmp/k', context: 'prod' }, (n) => vars[n])).toEqual({ path: '/tmp/k', context: 'prod' });
    expect(resolveKubeconfig({}, () => undefined)).toEqual({});
    expect(resolveKubeconfig({ kubeconfig: 'apiVersion: v1\nkind: Config\n' }, () => undefined)).toEqual({ text: 'apiVersion: v1\nkind: Config\n' });
  });

  it('reads a kubeconfig file named by the argument; a missing file or context fails readably', async () => {
    api = await startRig();
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-kcfg-'));
    try {
      writeFileSync(join(dir, 'config'), api.kubeconfig('sim'));
      const r = await runKubectl(api, { action: 'get', kind: 'node', name: 'n1', kubeconfig: join(dir, 'config') }, { vars: { tsplay_kubeconfig: undefined } });
      expect(r.result['resources']).toHaveLength(1);
      expect((await runKubectl(api, { action: 'get', kind: 'node', kubeconfig: join(dir, 'missing') })).result).toMatchObject({ failed: true, msg: `kubeconfig ${join(dir, 'missing')} not found` });
      expect((await runKubectl(api, { action: 'get', kind: 'node', context: 'prod' })).result['msg']).toMatch(/^context "prod" not found in kubeconfig <text>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unreachable apiserver is a failed task, not an exception', async () => {
    api = await startRig();
    const text = api.kubeconfig();
    await api.close();
    api = undefined;
    // no retries: the client would otherwise wait out its budget for the API to come back
    process.env['TSPLAY_KUBE_RETRY_S'] = '0';
    const r = await runRecordedClosed(text).finally(() => delete process.env['TSPLAY_KUBE_RETRY_S']);
    expect(r['failed']).toBe(true);
    expect(String(r['msg'])).toMatch(/127\.0\.0\.1/);
  });
});

async function runRecordedClosed(kubeconfig: string): Promise<Record<string, unknown>> {
  const { default: kubectl } = await import('../../../modules/kubectl.js');
  const { recordedHost, runRecorded } = await import('./recorded-host.js');
  const out = await runRecorded(kubectl, recordedHost([]), { action: 'cordon', node: 'n1' }, { vars: { tsplay_kubeconfig: kubeconfig } });
  return out.result;
}
