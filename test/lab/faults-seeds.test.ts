// The faults of seeds 001, 002 and 004 on a microk8s lab, each armed, seen where an operator looks and
// repaired the way the runbooks say: kube-proxy's NAT chains missing after a reboot (kubelite restart),
// pods stuck Terminating (force delete, or the finalizer removed), a CoreDNS replica not Ready (delete
// it), addons too old for the next minor (upgrade them), and k8s-dqlite's `context canceled` (restart it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import { addons, VERSION_LABEL } from '../../lab/addons.js';
import { TestLab, until } from './helpers.js';

let t: TestLab;
let kube: KubeClient;
beforeAll(async () => {
  t = await TestLab.start();
  kube = new KubeClient(loadKubeconfig({ path: t.lab.paths.kubeconfig, context: 'lab' }));
});
afterAll(async () => {
  kube?.close();
  await t?.close();
});

type Obj = Record<string, any>;
const KUBELITE = 'snap.microk8s.daemon-kubelite';
const DQLITE = 'snap.microk8s.daemon-k8s-dqlite';
const ready = (name: string) => (t.lab.sim.store.peek('nodes', name)?.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
const fault = (name: string) => t.lab.status().faults.find((f) => f.name === name);
const notes = (node: string) => t.lab.status().nodes.find((n) => n.name === node)?.notes ?? [];
const nat = async (node: string) => (await t.sh(node, 'iptables -t nat -S', { root: true })).stdout;

describe('the nat table', () => {
  it("shows kube-proxy's chains (from the Services and EndpointSlices) and Calico's, with -S and -L", async () => {
    const rules = await nat('k8s01');
    for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', 'cali-PREROUTING', 'cali-nat-outgoing']) expect(rules).toContain(`-N ${c}\n`);
    const web = t.lab.sim.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).map((p) => p.status.podIP as string);
    const svc = /-A KUBE-SERVICES -d 10\.152\.183\.80\/32 -p tcp -m comment --comment "default\/web:http cluster IP" -m tcp --dport 80 -j (KUBE-SVC-[A-Z2-7]{16})/.exec(rules)?.[1];
    expect(svc).toBeDefined();
    const jumps = rules.split('\n').filter((l) => l.startsWith(`-A ${svc} -m comment`));
    expect(jumps).toHaveLength(3);
    expect(jumps[0]).toContain('-m statistic --mode random --probability 0.33333333349');
    for (const ip of web) expect(rules).toMatch(new RegExp(`-A KUBE-SEP-[A-Z2-7]{16} -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination ${ip.replace(/\./g, '\\.')}:8080`));
    expect(rules).toMatch(/"kube-system\/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-/);
    const list = (await t.sh('k8s01', 'iptables -t nat -L KUBE-SERVICES -n', { root: true })).stdout;
    expect(list.split('\n')[0]).toBe('Chain KUBE-SERVICES (0 references)');
    expect(list).toMatch(/^KUBE-SVC-\S+ +all/m);
  });

  it('kube-proxy-nat-missing-after-reboot: the KUBE- chains are gone after a reboot until kubelite restarts', async () => {
    t.lab.fault('kube-proxy-nat-missing-after-reboot', true);
    const old = t.lab.sim.node('k8s03')?.bootId;
    await t.sh('k8s03', 'reboot', { root: true });
    await until(() => t.lab.sim.node('k8s03')?.bootId !== old && ready('k8s03'), 8000, 'k8s03 back');
    const after = await nat('k8s03');
    for (const c of ['-N KUBE-SERVICES', '-N KUBE-NODEPORTS', '-N KUBE-SVC-', '-N KUBE-SEP-', '-j KUBE-SERVICES']) expect(after).not.toContain(c);
    expect(after).toContain('-N cali-PREROUTING');
    expect(after).toContain('-N KUBE-KUBELET-CANARY');
    expect(await nat('k8s02')).toContain('-N KUBE-SERVICES');
    expect(notes('k8s03')).toContain('kube-proxy NAT rules missing');
    expect((await t.sh('k8s03', 'iptables -t nat -S KUBE-SERVICES', { root: true })).rc).toBe(1);
    await t.sh('k8s03', `systemctl restart ${KUBELITE}`, { root: true });
    expect(await nat('k8s03')).toContain('-N KUBE-SERVICES');
    expect(notes('k8s03')).not.toContain('kube-proxy NAT rules missing');
    t.lab.fault('kube-proxy-nat-missing-after-reboot', false);
    await until(() => ready('k8s03'), 5000, 'k8s03 Ready');
  });
});

describe('pods-stuck-terminating', () => {
  it('keeps evicted pods Terminating until force-deleted or their finalizer is removed', async () => {
    t.lab.fault('pods-stuck-terminating', true, ['k8s02']);
    await kube.patch('nodes', 'k8s02', { spec: { unschedulable: true } });
    const pods = ((await kube.list('pods', { allNamespaces: true, fieldSelector: 'spec.nodeName=k8s02' })).items as Obj[]).filter((p) => !p.metadata.ownerReferences?.some((r: Obj) => r.kind === 'DaemonSet'));
    expect(pods.length).toBeGreaterThanOrEqual(2);
    for (const p of pods) expect(await kube.evict(p.metadata.namespace, p.metadata.name)).toEqual({ outcome: 'evicted' });
    await new Promise((r) => setTimeout(r, 700));
    const stuck = t.lab.sim.store.list('pods', { fieldSelector: 'spec.nodeName=k8s02' }).filter((p) => p.metadata.deletionTimestamp);
    expect(stuck.map((p) => p.metadata.name).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    expect(stuck.every((p) => p.metadata.finalizers?.includes('lab.tsplay.dev/stuck-terminating'))).toBe(true);
    expect(notes('k8s02')).toContain(`stuck Terminating: ${pods.length}`);
    const [a, b] = stuck;
    await kube.delete('pods', a?.metadata.name ?? '', { namespace: a?.metadata.namespace, gracePeriodSeconds: 30 });
    expect(t.lab.sim.store.get('pods', a?.metadata.name ?? '', a?.metadata.namespace)).toBeDefined();
    await kube.delete('pods', a?.metadata.name ?? '', { namespace: a?.metadata.namespace, gracePeriodSeconds: 0 });
    expect(t.lab.sim.store.get('pods', a?.metadata.name ?? '', a?.metadata.namespace)).toBeUndefined();
    await kube.patch('pods', b?.metadata.name ?? '', { metadata: { finalizers: null } }, { namespace: b?.metadata.namespace });
    expect(t.lab.sim.store.get('pods', b?.metadata.name ?? '', b?.metadata.namespace)).toBeUndefined();
    t.lab.fault('pods-stuck-terminating', false);
    await until(() => t.lab.sim.store.list('pods', { fieldSelector: 'spec.nodeName=k8s02' }).every((p) => !p.metadata.deletionTimestamp), 3000, 'the rest released');
    expect(t.lab.sim.store.list('pods').some((p) => p.metadata.finalizers?.length)).toBe(false);
    await kube.patch('nodes', 'k8s02', { spec: { unschedulable: false } });
  });
});

describe('coredns-replica-down', () => {
  it('runs two CoreDNS replicas; the fault makes one not Ready (and drops it from kube-dns) until it is deleted', async () => {
    const dns = () => t.lab.sim.store.list('pods', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }).filter((p) => !p.metadata.deletionTimestamp);
    expect(dns()).toHaveLength(2);
    expect(t.lab.sim.store.get('deployments', 'coredns', 'kube-system')?.spec?.replicas).toBe(2);
    t.lab.fault('coredns-replica-down', true);
    const down = dns().filter((p) => !p.status.conditions.some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
    expect(down).toHaveLength(1);
    const name = down[0]?.metadata.name ?? '';
    expect(fault('coredns-replica-down')?.note).toContain(`kube-system/${name}`);
    const events = t.lab.sim.store.list('events', { namespace: 'kube-system', fieldSelector: `involvedObject.name=${name}` });
    expect(events.map((e) => e['reason'])).toContain('Unhealthy');
    const slice = t.lab.sim.store.list('endpointslices', { namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' })[0];
    expect((slice?.['endpoints'] as Obj[]).filter((e) => e.conditions.ready)).toHaveLength(1);
    await kube.delete('pods', name, { namespace: 'kube-system' });
    await until(() => dns().length === 2 && dns().every((p) => p.metadata.name !== name), 3000, 'replaced');
    expect(fault('coredns-replica-down')).toMatchObject({ on: false, note: expect.stringContaining('cleared') });
  });
});

describe('addon-versions-too-old', () => {
  const image = (w: { resource: string; name: string; namespace: string }) => String(t.lab.sim.store.peek(w.resource, w.name, w.namespace)?.spec?.template?.spec?.containers?.[0]?.image);

  it('rolls every addon back to a version too old for the next minor, until each is upgraded', async () => {
    const list = addons('microk8s');
    expect(list.map((a) => a.name)).toEqual(['calico', 'ingress-nginx', 'cert-manager', 'metrics-server', 'coredns']);
    for (const a of list) for (const w of a.workloads) {
      expect(image(w)).toMatch(new RegExp(`:v?${a.version.replace(/^v/, '').replace(/\./g, '\\.')}$`));
      expect(t.lab.sim.store.peek(w.resource, w.name, w.namespace)?.metadata.labels?.[VERSION_LABEL]).toBe(a.version);
    }
    t.lab.fault('addon-versions-too-old', true);
    for (const a of list) for (const w of a.workloads) expect(t.lab.sim.store.peek(w.resource, w.name, w.namespace)?.metadata.labels?.[VERSION_LABEL]).toBe(a.old);
    expect(image(list[0]!.workloads[0]!)).toBe('docker.io/calico/node:v3.27.3');
    expect(fault('addon-versions-too-old')?.note).toContain('calico v3.27.3 (up to 1.29)');
    await until(() => t.lab.sim.store.list('pods', { namespace: 'kube-system', labelSelector: 'k8s-app=calico-node' }).every((p) => p.spec.containers[0].image === 'docker.io/calico/node:v3.27.3'), 3000, 'calico-node pods follow');
    await until(() => t.lab.sim.store.list('pods', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }).filter((p) => !p.metadata.deletionTimestamp).every((p) => p.spec.containers[0].image === 'coredns/coredns:1.9.3'), 3000, 'coredns rolled out');
    for (const a of list) for (const w of a.workloads) {
      const cur = await kube.get(w.resource === 'daemonsets' ? 'daemonsets' : 'deployments', w.name, { namespace: w.namespace });
      cur.spec.template.spec.containers[0].image = image(w).replace(/:[^:]+$/, `:${w.image === 'coredns/coredns' ? '1.12.0' : a.version}`);
      await kube.update(w.resource === 'daemonsets' ? 'daemonsets' : 'deployments', cur);
      if (a.name !== 'coredns') expect(fault('addon-versions-too-old')?.on).toBe(true);
    }
    await until(() => fault('addon-versions-too-old')?.on === false, 3000, 'cleared');
    expect(fault('addon-versions-too-old')?.note).toBe('cleared: every addon was upgraded');
  });
});

describe('dqlite-context-canceled', () => {
  it('writes `context canceled` lines to k8s02\'s k8s-dqlite journal until k8s-dqlite restarts there', async () => {
    expect(t.lab.fault('dqlite-context-canceled', true)).toMatch(/^dqlite-context-canceled on: k8s-dqlite on k8s02/);
    const lines = async (node: string) => Number((await t.sh(node, `journalctl -u ${DQLITE} --since -30s -q --grep 'context canceled' | wc -l`)).stdout.trim());
    expect(await lines('k8s02')).toBeGreaterThan(5);
    expect(await lines('k8s01')).toBe(0);
    const kubelite = await t.sh('k8s02', `journalctl -u ${KUBELITE} -q --grep 'context canceled' -n 1`);
    expect(kubelite.stdout).toContain('"Error updating node status, will retry"');
    await t.sh('k8s02', `systemctl restart ${DQLITE}`, { root: true });
    expect(fault('dqlite-context-canceled')?.on).toBe(true);
    await until(() => fault('dqlite-context-canceled')?.on === false, 3000, 'k8s-dqlite back');
    expect(fault('dqlite-context-canceled')).toMatchObject({ on: false, note: 'cleared: k8s-dqlite was restarted on k8s02' });
    await new Promise((r) => setTimeout(r, 600));
    const last = await t.sh('k8s02', `journalctl -u ${DQLITE} -q --grep 'context canceled' -n 1 -o short-unix`);
    expect(Date.now() / 1000 - Number(last.stdout.split(' ')[0])).toBeGreaterThan(0.4);
    expect(() => t.lab.fault('etcd-leader-churn', true)).toThrow('etcd-leader-churn needs an etcd (kubeadm) lab');
  });
});
