// Reboots of microk8s nodes: the SSH side drops and comes back with a new boot id, the API sees the
// node NotReady then Ready, pods get new IPs or move; the after-reboot faults; snap refreshes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lab/kube/index.js';
import { TestLab, until } from './helpers.js';

const EP = 'unix:///var/snap/microk8s/common/run/containerd.sock';
let t: TestLab;
beforeAll(async () => {
  t = await TestLab.start();
});
afterAll(async () => {
  await t?.close();
});

const ready = (name: string) => (t.lab.sim.store.peek('nodes', name)?.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
const podsOn = (name: string): KubeObject[] => t.lab.sim.store.list('pods', { fieldSelector: `spec.nodeName=${name}` });
const calico = (name: string) => podsOn(name).find((p) => p.metadata.labels?.['k8s-app'] === 'calico-node') as KubeObject;
const podReady = (p: KubeObject | undefined) => (p?.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');

async function bootId(node: string): Promise<string> {
  return (await t.sh(node, 'cat /proc/sys/kernel/random/boot_id')).stdout.trim();
}

async function rebootAndWait(node: string): Promise<void> {
  const old = t.lab.sim.node(node)?.bootId;
  expect(await t.sh(node, 'reboot', { root: true })).toEqual({ rc: 0, stdout: '', stderr: '' });
  await until(() => t.lab.sim.node(node)?.bootId !== old && ready(node), 8000, `${node} back and Ready`);
}

describe('reboot', () => {
  it('needs root', async () => {
    const r = await t.sh('k8s01', 'reboot');
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain('Interactive authentication required');
  });

  it('drops the sessions, refuses connections, and comes back with a new boot id; the API follows', async () => {
    const before = await bootId('k8s02');
    const client = await t.client('k8s02');
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    const web = podsOn('k8s02').filter((p) => p.metadata.labels?.['app'] === 'web').map((p) => p.metadata.name);
    const calicoBefore = calico('k8s02');
    const ingress = podsOn('k8s02').find((p) => p.metadata.namespace === 'ingress');
    expect((await t.sh('k8s02', 'sudo systemctl reboot')).rc).toBe(0);
    await closed;
    await expect(t.client('k8s02', true)).rejects.toThrow(/ECONNREFUSED/);
    expect(ready('k8s02')).toBe(false);
    expect(t.lab.status().nodes[1]?.up).toBe(false);
    await until(async () => t.client('k8s02', true).then((c) => (c.end(), true), () => false), 8000, 'ssh back');
    const after = await bootId('k8s02');
    expect(after).not.toBe(before);
    await until(() => ready('k8s02'), 5000, 'Ready');
    expect(t.lab.sim.store.peek('nodes', 'k8s02')?.status?.nodeInfo?.bootID).toBe(after);
    await until(() => podReady(calico('k8s02')), 3000, 'calico-node ready');
    expect(calico('k8s02').status.containerStatuses[0].restartCount).toBe((calicoBefore.status.containerStatuses?.[0]?.restartCount ?? 0) + 1);
    for (const name of web) expect(podsOn('k8s02').some((p) => p.metadata.name === name)).toBe(false);
    await until(() => podReady(t.lab.sim.store.get('pods', ingress?.metadata.name ?? '', 'ingress')), 3000, 'ingress pod ready');
    expect(t.lab.sim.store.get('pods', ingress?.metadata.name ?? '', 'ingress')?.status?.podIP).not.toBe(ingress?.status?.podIP);
    expect(t.lab.sim.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).filter(podReady)).toHaveLength(3);
  });

  it('stale-sandbox-after-reboot: pods cannot start until the stale sandboxes are removed', async () => {
    t.lab.fault('stale-sandbox-after-reboot', true);
    await rebootAndWait('k8s03');
    await until(() => (t.lab.sim.store.list('events', { fieldSelector: 'reason=FailedCreatePodSandBox' }).length > 0), 3000, 'FailedCreatePodSandBox event');
    const ev = t.lab.sim.store.list('events', { fieldSelector: 'reason=FailedCreatePodSandBox' })[0];
    expect(ev?.message).toMatch(/failed to reserve sandbox name ".*_(kube-system|ingress)_.*_0": name ".*" is reserved for "[0-9a-f]{64}"/);
    expect(podReady(calico('k8s03'))).toBe(false);
    const journal = await t.sh('k8s03', "journalctl -u snap.microk8s.daemon-kubelite --since -60s --no-pager -o cat --grep 'is reserved for'");
    expect(journal.rc).toBe(0);
    const stale = (await t.sh('k8s03', `crictl -r ${EP} pods -q --state notready`, { root: true })).stdout.trim().split('\n');
    expect(stale.length).toBeGreaterThan(0);
    for (const id of stale) expect((await t.sh('k8s03', `crictl -r ${EP} rmp ${id}`, { root: true })).rc).toBe(0);
    await until(() => podReady(calico('k8s03')), 4000, 'calico-node starts once the stale sandboxes are gone');
  });

  it('stale-sandbox-after-reboot: draining the sandboxes before the reboot avoids it', async () => {
    await t.sh('k8s01', 'systemctl stop snap.microk8s.daemon-kubelite', { root: true });
    await t.sh('k8s01', `for id in $(crictl -r ${EP} pods -q); do crictl -r ${EP} stopp $id; crictl -r ${EP} rmp $id; done`, { root: true });
    await rebootAndWait('k8s01');
    await until(() => podReady(calico('k8s01')), 4000, 'calico-node ready after a drained reboot');
    expect(t.lab.sim.node('k8s01')?.staleSandboxes).toBe(false);
    t.lab.fault('stale-sandbox-after-reboot', false);
  });

  it('calico-nat-missing-after-reboot: cali- NAT rules are missing until calico-node is restarted', async () => {
    const rules = async () => (await t.sh('k8s02', 'iptables -t nat -S', { root: true })).stdout;
    expect(await rules()).toContain('-N cali-nat-outgoing\n');
    expect(await rules()).toContain('-A POSTROUTING -m comment --comment "cali:O3lYWMrLQYEMJtB5" -j cali-POSTROUTING\n');
    t.lab.fault('calico-nat-missing-after-reboot', true);
    await rebootAndWait('k8s02');
    expect(await rules()).not.toContain('cali-');
    expect(await rules()).toContain('-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING\n');
    t.lab.sim.store.delete('pods', calico('k8s02').metadata.name ?? '', 'kube-system', { gracePeriodSeconds: 0 });
    await until(async () => (await rules()).includes('-N cali-nat-outgoing'), 4000, 'NAT rules back');
    t.lab.fault('calico-nat-missing-after-reboot', false);
  });
});

describe('microk8s', () => {
  it('reports status, the dqlite cluster and the version', async () => {
    expect((await t.sh('k8s01', 'microk8s status --wait-ready --timeout 30')).stdout).toMatch(/^microk8s is running\nhigh-availability: yes\n {2}datastore master nodes: 192\.168\.56\.11:19001 192\.168\.56\.12:19001 192\.168\.56\.13:19001\n/);
    const cluster = await t.sh('k8s01', '/snap/microk8s/current/bin/dqlite -s file:///var/snap/microk8s/current/var/kubernetes/backend/cluster.yaml -c cluster.crt -k cluster.key -f json k8s .cluster'.replace('/snap/', `${t.lab.sim.node('k8s01')?.dir}/snap/`), { root: true });
    expect(JSON.parse(cluster.stdout).map((m: { Address: string; Role: number }) => [m.Address, m.Role])).toEqual([['192.168.56.11:19001', 0], ['192.168.56.12:19001', 0], ['192.168.56.13:19001', 0]]);
    expect((await t.sh('k8s01', 'dqlite k8s .cluster')).stderr).toContain('permission denied');
    expect((await t.sh('k8s01', 'microk8s version')).stdout).toBe('MicroK8s v1.29.15 revision 6970\n');
  });

  it('refreshes the snap one minor at a time and the node reports the new version', async () => {
    const skip = await t.sh('k8s03', 'snap refresh microk8s --channel=1.31/stable', { root: true });
    expect(skip.rc).toBe(1);
    expect(skip.stderr).toContain('Run pre-refresh hook of "microk8s" snap if present (run hook "pre-refresh": Refreshing MicroK8s from 1.29 to 1.31 skips a minor version');
    expect((await t.sh('k8s03', 'snap refresh microk8s --channel=1.30/stable')).stderr).toBe('error: access denied (try with sudo)\n');
    const ok = await t.sh('k8s03', 'snap refresh microk8s --channel=1.30/stable', { root: true });
    expect(ok.stdout).toBe('microk8s (1.30/stable) v1.30.14 from Canonical** refreshed\n');
    await until(() => t.lab.sim.store.peek('nodes', 'k8s03')?.status?.nodeInfo?.kubeletVersion === 'v1.30.14' && ready('k8s03'), 5000, 'v1.30.14 reported');
    expect((await t.sh('k8s03', 'snap list microk8s')).stdout.split('\n')[1]).toMatch(/^microk8s {2}v1\.30\.14 {2}7236 {2}1\.30\/stable {2}canonical\*\* {2}classic$/);
    expect((await t.sh('k8s03', 'snap refresh microk8s --channel=1.30/stable', { root: true })).stderr).toBe('snap "microk8s" has no updates available\n');
    await until(() => t.lab.sim.datastore.hasQuorum() && !t.lab.sim.datastore.writesFailing(), 5000, 'datastore settled');
  });
});
