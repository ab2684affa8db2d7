// A kubeadm lab with three control planes and a worker: the kubeadm side of the seeds' faults
// (kube-proxy's NAT chains back only when its pod is replaced; etcd-leader-churn in etcd's pod log and
// as a reboot under contention), and the API additions through a real kubectl: `drain --dry-run=server`
// (dry-run evictions that change nothing and meet the PDB like real ones) and `kubectl logs` of etcd.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import { findNewerKubectl } from './kube/kubectl-harness.js';
import { TestLab, until } from './helpers.js';

let t: TestLab;
let kube: KubeClient;
beforeAll(async () => {
  t = await TestLab.start({ datastore: 'etcd', controlPlanes: 3, nodes: 4 });
  kube = new KubeClient(loadKubeconfig({ path: t.lab.paths.kubeconfig, context: 'lab' }));
});
afterAll(async () => {
  kube?.close();
  await t?.close();
});

type Obj = Record<string, any>;
const ready = (name: string) => (t.lab.sim.store.peek('nodes', name)?.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
const nat = async (node: string) => (await t.sh(node, 'iptables -t nat -S', { root: true })).stdout;
const etcdLog = async (node: string, since = 60) => String((await kube.request('GET', `/api/v1/namespaces/kube-system/pods/etcd-${node}/log`, undefined, { query: { sinceSeconds: String(since) } })).body);

describe('kubeadm: three control planes and a worker', () => {
  it('taints the control planes when there is a worker; the inventory has kube_node', () => {
    expect(t.lab.status().nodes.map((n) => n.role)).toEqual(['control-plane', 'control-plane', 'control-plane', 'worker']);
    expect(t.lab.sim.store.peek('nodes', 'k8s01')?.spec?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(t.lab.sim.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).every((p) => p.spec.nodeName === 'k8s04')).toBe(true);
  });

  it('kube-proxy-nat-missing-after-reboot: a kubelet restart does not help, replacing the kube-proxy pod does', async () => {
    t.lab.fault('kube-proxy-nat-missing-after-reboot', true);
    const old = t.lab.sim.node('k8s04')?.bootId;
    await t.sh('k8s04', 'reboot', { root: true });
    await until(() => t.lab.sim.node('k8s04')?.bootId !== old && ready('k8s04'), 8000, 'k8s04 back');
    expect(await nat('k8s04')).not.toContain('-N KUBE-SERVICES');
    await t.sh('k8s04', 'systemctl restart kubelet', { root: true });
    await until(() => ready('k8s04'), 5000, 'kubelet back');
    expect(await nat('k8s04')).not.toContain('-N KUBE-SERVICES');
    const proxy = t.lab.sim.store.list('pods', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy', fieldSelector: 'spec.nodeName=k8s04' })[0];
    await kube.delete('pods', proxy?.metadata.name ?? '', { namespace: 'kube-system' });
    await until(async () => (await nat('k8s04')).includes('-N KUBE-SERVICES'), 3000, 'kube-proxy reprogrammed its chains');
    expect(t.lab.status().nodes.find((n) => n.name === 'k8s04')?.notes).not.toContain('kube-proxy NAT rules missing');
    t.lab.fault('kube-proxy-nat-missing-after-reboot', false);
    t.lab.incidents(true);
  });

  it('etcd-leader-churn: leader changes and slow applies in the etcd pod log; a reboot under it is an incident', async () => {
    expect(await etcdLog('k8s02')).not.toMatch(/leader changed|apply request took too long/);
    const leader = t.lab.status().quorum.leader;
    t.lab.fault('etcd-leader-churn', true);
    const log = await etcdLog('k8s02');
    expect(log).toContain('"msg":"apply request took too long"');
    await until(() => t.lab.status().quorum.leader !== leader, 3000, 'a new leader');
    await until(async () => (await etcdLog('k8s03')).includes('"error":"etcdserver: leader changed"'), 3000, 'leader changed');
    expect(await etcdLog('k8s03')).toMatch(/raft\.node: [0-9a-f]+ elected leader [0-9a-f]+ at term \d+/);
    const old = t.lab.sim.node('k8s03')?.bootId;
    await t.sh('k8s03', 'reboot', { root: true });
    await until(() => t.lab.sim.node('k8s03')?.bootId !== old && ready('k8s03'), 8000, 'k8s03 back');
    expect(t.lab.incidents().filter((i) => i.kind === 'restart-under-contention').map((i) => i.message)).toEqual(['k8s03 rebooted (its etcd member went down) under write contention: etcd-leader-churn is on for it']);
    t.lab.fault('etcd-leader-churn', false);
    t.lab.advance(600_000);
    expect(await etcdLog('k8s02')).not.toMatch(/leader changed|apply request took too long/);
    expect(await etcdLog('k8s02', 3600)).toContain('apply request took too long');
    t.lab.incidents(true);
  });

  it('a dry-run eviction through the API meets the PDB like a real one and changes nothing', async () => {
    t.lab.fault('pdb-blocks-drain', true);
    await until(() => t.lab.sim.store.list('pods', { namespace: 'default', labelSelector: 'app=critical' }).some((p) => p.status?.phase === 'Running'), 3000, 'critical running');
    const pod = (sel: string) => t.lab.sim.store.list('pods', { namespace: 'default', labelSelector: sel })[0]?.metadata.name ?? '';
    const evict = (name: string) => kube.request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } }, { query: { dryRun: 'All' } });
    const rv = t.lab.sim.store.resourceVersion;
    const blocked = await evict(pod('app=critical'));
    expect(blocked.status).toBe(429);
    expect(blocked.body.details.causes[0].message).toBe('The disruption budget critical needs 1 healthy pods and has 1 currently');
    expect((await evict(pod('app=web'))).status).toBe(201);
    expect(t.lab.sim.store.list('pods', { namespace: 'default' }).some((p) => p.metadata.deletionTimestamp)).toBe(false);
    expect(Number(t.lab.sim.store.resourceVersion) - Number(rv)).toBeLessThan(8);
    t.lab.fault('pdb-blocks-drain', false);
  });
});

const newer = findNewerKubectl();
describe.skipIf(!newer)(`a newer kubectl against the kubeadm lab${newer ? `: ${newer}` : ' — skipped: none on this machine'}`, () => {
  const run = (args: string[]): Promise<{ rc: number; stdout: string; stderr: string }> => new Promise((resolve) => {
    execFile(newer ?? 'kubectl', ['--kubeconfig', t.lab.paths.kubeconfig, ...args], { env: { PATH: '/usr/bin:/bin', HOME: t.dir, NO_PROXY: '127.0.0.1' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ rc: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });

  it('drain --dry-run=server: cordon and evictions answered, nothing changes', async () => {
    const r = await run(['drain', 'k8s04', '--ignore-daemonsets', '--dry-run=server']);
    expect(r.rc, r.stderr).toBe(0);
    expect(r.stdout).toContain('node/k8s04 cordoned (server dry run)');
    expect(r.stdout).toMatch(/evicting pod default\/web-\S+ \(server dry run\)/);
    expect(r.stdout).toContain('node/k8s04 drained (server dry run)');
    expect(t.lab.sim.store.peek('nodes', 'k8s04')?.spec?.unschedulable).toBeUndefined();
    expect(t.lab.sim.store.list('pods', { fieldSelector: 'spec.nodeName=k8s04' }).some((p) => p.metadata.deletionTimestamp)).toBe(false);
  });

  it('drain --dry-run=server retries a PDB-blocked eviction until its timeout', async () => {
    t.lab.fault('pdb-blocks-drain', true);
    await new Promise((r) => setTimeout(r, 200));
    const r = await run(['drain', 'k8s04', '--ignore-daemonsets', '--pod-selector=app=critical', '--dry-run=server', '--timeout=2s']);
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    t.lab.fault('pdb-blocks-drain', false);
  });

  it('kubectl logs shows the etcd static pod\'s log, --since and --tail included', async () => {
    const all = await run(['logs', '-n', 'kube-system', 'etcd-k8s01', '--tail=3']);
    expect(all.rc, all.stderr).toBe(0);
    expect(all.stdout.trim().split('\n')).toHaveLength(3);
    expect(JSON.parse(all.stdout.trim().split('\n')[0] ?? '')).toMatchObject({ level: expect.any(String), caller: expect.any(String) });
    expect((await run(['logs', '-n', 'default', 'redis-0'])).stdout).toBe('');
  });
});
