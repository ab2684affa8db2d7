// A kubeadm lab with three control planes and stacked etcd: its shape (roles, static pods, etcd
// members, inventory), the API served by the others while one control plane reboots (no incident),
// quorum lost when two etcd members go down at once (an incident), kubeadm upgrade apply on the first
// control plane and upgrade node on the others, the etcd pod log and the kubelets' node Leases.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import { TestLab, until } from './helpers.js';

let t: TestLab;
let kube: KubeClient;
beforeAll(async () => {
  t = await TestLab.start({ datastore: 'etcd', controlPlanes: 3 });
  kube = new KubeClient(loadKubeconfig({ path: t.lab.paths.kubeconfig, context: 'lab' }));
});
afterAll(async () => {
  kube?.close();
  await t?.close();
});

type Obj = Record<string, any>;
const CPS = ['k8s01', 'k8s02', 'k8s03'];
const ready = (name: string) => (t.lab.sim.store.peek('nodes', name)?.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
const settled = () => t.lab.status().unavailable.length === 0 && t.lab.status().api.writable;
const isDaemonOrMirror = (p: Obj) => p.metadata.ownerReferences?.some((r: Obj) => r.kind === 'DaemonSet') || p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;

async function reboot(node: string): Promise<string | undefined> {
  const old = t.lab.sim.node(node)?.bootId;
  expect((await t.sh(node, 'reboot', { root: true })).rc).toBe(0);
  return old;
}

async function drain(node: string): Promise<void> {
  await kube.patch('nodes', node, { spec: { unschedulable: true } });
  const pods = (await kube.list('pods', { allNamespaces: true, fieldSelector: `spec.nodeName=${node}` })).items as Obj[];
  for (const p of pods.filter((x) => !isDaemonOrMirror(x))) await kube.evict(p.metadata.namespace, p.metadata.name);
  await until(async () => ((await kube.list('pods', { allNamespaces: true, fieldSelector: `spec.nodeName=${node}` })).items as Obj[]).every(isDaemonOrMirror), 5000, `${node} drained`);
}

describe('a kubeadm lab with three control planes', () => {
  it('has three untainted control planes, each with its etcd member and static pods, and the inventory groups', async () => {
    const s = t.lab.status();
    expect(s.nodes.map((n) => [n.name, n.role, n.datastore])).toEqual([['k8s01', 'control-plane', 'member (leader)'], ['k8s02', 'control-plane', 'member'], ['k8s03', 'control-plane', 'member']]);
    expect(s.quorum).toEqual({ ok: true, voters: 3, up: 3, leader: 'k8s01' });
    for (const n of CPS) {
      const node = t.lab.sim.store.peek('nodes', n);
      expect(node?.metadata.labels?.['node-role.kubernetes.io/control-plane']).toBe('');
      expect(node?.spec?.taints).toBeUndefined();
      for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) expect(t.lab.sim.store.peek('pods', `${c}-${n}`, 'kube-system')?.spec?.nodeName).toBe(n);
    }
    const inv = parse(readFileSync(t.lab.paths.inventory, 'utf8')).all.children;
    expect(Object.keys(inv.kube_control_plane.hosts)).toEqual(CPS);
    expect(Object.keys(inv.etcd.hosts)).toEqual(CPS);
    expect(inv.kube_node).toBeUndefined();
    const web = t.lab.sim.store.list('pods', { namespace: 'default', labelSelector: 'app=web' });
    expect(new Set(web.map((p) => p.spec.nodeName)).size).toBe(3);
  });

  it('etcdctl lists three members and reports each endpoint healthy', async () => {
    const list = await t.sh('k8s02', 'etcdctl member list', { root: true });
    expect(list.stdout.trim().split('\n').map((l) => l.split(', ').slice(1, 4))).toEqual(CPS.map((n, i) => ['started', n, `https://192.168.56.${11 + i}:2380`]));
    const health = await t.sh('k8s03', 'etcdctl --endpoints=https://127.0.0.1:2379 endpoint health --cluster', { root: true });
    expect(health.rc).toBe(0);
    expect(health.stdout.trim().split('\n')).toHaveLength(3);
    expect(health.stdout).toContain('https://192.168.56.12:2379 is healthy: successfully committed proposal');
    const status = await t.sh('k8s01', 'etcdctl endpoint status --cluster -w json', { root: true });
    expect(JSON.parse(status.stdout).map((e: Obj) => e.Endpoint)).toEqual(['https://192.168.56.11:2379', 'https://192.168.56.12:2379', 'https://192.168.56.13:2379']);
  });

  it('keeps the API (reads and writes) while one control plane reboots, the leader included; no incident', async () => {
    for (const node of ['k8s02', 'k8s01']) {
      await drain(node);
      const old = await reboot(node);
      await until(() => t.lab.sim.node(node)?.up === false, 5000, `${node} down`);
      expect(t.lab.status().quorum).toMatchObject({ ok: true, up: 2 });
      expect((await kube.request('GET', '/api/v1/nodes')).status).toBe(200);
      expect((await kube.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `during-${node}` } })).status).toBe(201);
      const other = node === 'k8s01' ? 'k8s03' : 'k8s01';
      const health = await t.sh(other, 'etcdctl endpoint health --cluster', { root: true });
      expect(health.rc).toBe(1);
      expect(health.stderr).toContain(`https://${t.lab.sim.node(node)?.ip}:2379 is unhealthy`);
      await until(() => t.lab.sim.node(node)?.bootId !== old && ready(node), 8000, `${node} back`);
      await kube.patch('nodes', node, { spec: { unschedulable: false } });
      await until(settled, 5000, 'settled');
    }
    expect(t.lab.status().quorum.leader).not.toBe('k8s01');
    const log = await kube.request('GET', '/api/v1/namespaces/kube-system/pods/etcd-k8s03/log', undefined, { query: { sinceSeconds: '60' } });
    expect(String(log.body)).toMatch(/lost leader [0-9a-f]+ at term \d+/);
    expect(String(log.body)).toMatch(/elected leader [0-9a-f]+ at term \d+/);
    expect(t.lab.incidents()).toEqual([]);
  });

  it('records quorum-lost when two etcd members go down at once; the API answers 503 until they are back', async () => {
    const olds = await Promise.all(['k8s02', 'k8s03'].map((n) => reboot(n)));
    await until(() => !t.lab.status().quorum.ok, 5000, 'quorum lost');
    expect((await kube.request('GET', '/api/v1/nodes', undefined, { retry: false })).status).toBe(503);
    const quorum = t.lab.incidents().filter((i) => i.kind === 'quorum-lost');
    expect(quorum).toHaveLength(1);
    expect(quorum[0]).toMatchObject({ nodes: ['k8s02', 'k8s03'] });
    expect(quorum[0]?.message).toBe('the etcd datastore lost quorum: voters k8s02, k8s03 down (1/3 up)');
    await until(() => ['k8s02', 'k8s03'].every((n, i) => t.lab.sim.node(n)?.bootId !== olds[i] && ready(n)) && settled(), 10_000, 'both back and writable');
    expect((await t.sh('k8s01', 'etcdctl endpoint health --cluster', { root: true })).rc).toBe(0);
    t.lab.incidents(true);
  });

  it('upgrades with kubeadm upgrade apply on the first control plane and upgrade node on the others', async () => {
    for (const n of CPS) expect((await t.sh(n, 'apt-get install -y --allow-change-held-packages kubeadm=1.30.14-1.1', { root: true })).rc).toBe(0);
    const plan = await t.sh('k8s01', 'kubeadm upgrade plan', { root: true });
    for (const n of CPS) expect(plan.stdout).toMatch(new RegExp(`kube-apiserver +${n} +v1\\.29\\.14 +v1\\.30\\.14`));
    expect((await t.sh('k8s01', 'kubeadm upgrade apply -y v1.30.14', { root: true })).stdout).toContain('[upgrade/successful] SUCCESS! Your cluster was upgraded to "v1.30.14". Enjoy!');
    const image = (n: string) => t.lab.sim.store.peek('pods', `kube-apiserver-${n}`, 'kube-system')?.spec?.containers?.[0]?.image;
    expect(CPS.map(image)).toEqual(['registry.k8s.io/kube-apiserver:v1.30.14', 'registry.k8s.io/kube-apiserver:v1.29.14', 'registry.k8s.io/kube-apiserver:v1.29.14']);
    for (const n of ['k8s02', 'k8s03']) {
      const r = await t.sh(n, 'kubeadm upgrade node', { root: true });
      expect(r.stdout).toContain('[upgrade] Upgrading your Static Pod-hosted control plane instance to version "v1.30.14"...');
    }
    expect(CPS.map(image)).toEqual(CPS.map(() => 'registry.k8s.io/kube-apiserver:v1.30.14'));
    expect(readFileSync(`${t.lab.sim.node('k8s03')?.dir}/etc/kubernetes/manifests/kube-apiserver.yaml`, 'utf8')).toContain('image: registry.k8s.io/kube-apiserver:v1.30.14');
    expect((await kube.request('GET', '/version')).body.gitVersion).toBe('v1.30.14');
    const proxies = t.lab.sim.store.list('pods', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy' });
    expect(proxies.map((p) => p.spec.containers[0].image)).toEqual(CPS.map(() => 'registry.k8s.io/kube-proxy:v1.30.14'));
  });

  it('renews every node Lease in kube-node-lease while the kubelet runs, and not while it is stopped', async () => {
    const renew = (n: string) => Date.parse(t.lab.sim.store.peek('leases', n, 'kube-node-lease')?.spec?.renewTime ?? '');
    const before = CPS.map(renew);
    await until(() => CPS.every((n, i) => renew(n) > (before[i] ?? 0)), 3000, 'leases renewed');
    const lease = (await kube.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/k8s02')).body;
    expect(lease.spec).toMatchObject({ holderIdentity: 'k8s02', leaseDurationSeconds: 40 });
    await t.sh('k8s02', 'systemctl stop kubelet', { root: true });
    const stopped = renew('k8s02');
    await new Promise((r) => setTimeout(r, 600));
    expect(renew('k8s02')).toBe(stopped);
    expect(renew('k8s01')).toBeGreaterThan(stopped);
    await t.sh('k8s02', 'systemctl start kubelet', { root: true });
    await until(() => renew('k8s02') > stopped, 3000, 'k8s02 renews again');
  });
});
