// Faults seen through the reads a playbook would make (the kube client against the lab API, the
// ingress-nginx proxy path, Prometheus/Alertmanager, journalctl over SSH), and a drain through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import { TestLab, until } from './helpers.js';

let t: TestLab;
let kube: KubeClient;
beforeAll(async () => {
  t = await TestLab.start();
  kube = new KubeClient(loadKubeconfig({ path: t.lab.paths.kubeconfig, context: 'lab' }), { retry: false });
});
afterAll(async () => {
  kube?.close();
  await t?.close();
});

type Obj = Record<string, any>;
const BACKENDS = '/api/v1/namespaces/ingress/services/ingress-nginx-controller:10246/proxy/configuration/backends';
const podIps = async (selector: string) => (await kube.list('pods', { namespace: 'default', labelSelector: selector })).items.map((p: Obj) => p.status?.podIP as string).sort();

describe('faults', () => {
  it('drains a node through the API: evictions, and the evicted pods come back on other nodes', async () => {
    await kube.patch('nodes', 'k8s03', { spec: { unschedulable: true } });
    const victims = (await kube.list('pods', { allNamespaces: true, fieldSelector: 'spec.nodeName=k8s03' })).items.filter((p: Obj) => !p.metadata.ownerReferences?.some((r: Obj) => r.kind === 'DaemonSet'));
    expect(victims.length).toBeGreaterThan(0);
    for (const p of victims) expect((await kube.evict(p.metadata.namespace, p.metadata.name)).outcome).toBe('evicted');
    await until(async () => (await kube.list('pods', { allNamespaces: true, fieldSelector: 'spec.nodeName=k8s03' })).items.every((p: Obj) => p.metadata.ownerReferences?.some((r: Obj) => r.kind === 'DaemonSet')), 5000, 'k8s03 drained');
    const web = (await kube.list('pods', { namespace: 'default', labelSelector: 'app=web' })).items;
    expect(web.filter((p: Obj) => p.status?.phase === 'Running')).toHaveLength(3);
    expect(web.every((p: Obj) => p.spec.nodeName !== 'k8s03')).toBe(true);
    await kube.patch('nodes', 'k8s03', { spec: { unschedulable: false } });
    expect(t.lab.status().nodes[2]?.cordoned).toBe(false);
  });

  it('pdb-blocks-drain: a PDB with minAvailable = replicas answers every eviction with 429', async () => {
    t.lab.fault('pdb-blocks-drain', true);
    await until(async () => (await kube.list('pods', { namespace: 'default', labelSelector: 'app=critical' })).items.filter((p: Obj) => p.status?.phase === 'Running').length === 3, 3000, 'critical pods');
    const pods = (await kube.list('pods', { namespace: 'default', labelSelector: 'app=critical' })).items;
    expect(new Set(pods.map((p: Obj) => p.spec.nodeName)).size).toBe(3);
    const r = await kube.evict('default', pods[0]?.metadata.name);
    expect(r.outcome).toBe('blocked');
    t.lab.fault('pdb-blocks-drain', false);
    expect((await kube.find('poddisruptionbudgets', 'critical', { namespace: 'default' }))).toBeUndefined();
  });

  it('stale-endpointslice: the slice keeps a dead pod IP until it is deleted and recreated', async () => {
    const msg = t.lab.fault('stale-endpointslice', true);
    const slices = () => kube.list('endpointslices', { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' });
    const sliceIps = async () => (await slices()).items.flatMap((s: Obj) => s.endpoints.map((e: Obj) => e.addresses[0])).sort();
    const stale = /keeps (\S+) of pod/.exec(msg)?.[1];
    expect(await sliceIps()).toContain(stale);
    expect(await podIps('app=web')).not.toContain(stale);
    const name = (await slices()).items[0]?.metadata.name;
    await kube.delete('endpointslices', name, { namespace: 'default' });
    await until(async () => JSON.stringify(await sliceIps()) === JSON.stringify(await podIps('app=web')), 3000, 'slice matches the pods');
    expect(t.lab.status().faults.find((f) => f.name === 'stale-endpointslice')?.on).toBe(false);
  });

  it('stale-ingress-backend: the backend list keeps a dead IP until the ingress-nginx pods are restarted', async () => {
    const backendIps = async () => {
      const r = await kube.request('GET', BACKENDS);
      return (r.body as Obj[]).find((b) => b.name === 'default-web-80')?.endpoints.map((e: Obj) => e.address).sort();
    };
    expect(await backendIps()).toEqual(await podIps('app=web'));
    t.lab.fault('stale-ingress-backend', true);
    expect(await backendIps()).not.toEqual(await podIps('app=web'));
    for (const p of (await kube.list('pods', { namespace: 'ingress', labelSelector: 'app.kubernetes.io/name=ingress-nginx' })).items) await kube.delete('pods', p.metadata.name, { namespace: 'ingress' });
    await until(async () => JSON.stringify(await backendIps().catch(() => [])) === JSON.stringify(await podIps('app=web')), 4000, 'fresh backends');
    t.lab.fault('stale-ingress-backend', false);
  });

  it('scheduler-stall: new pods stay Pending with no FailedScheduling event until kubelite on the lease holder restarts', async () => {
    t.lab.fault('scheduler-stall', true);
    await kube.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await kube.get('pods', 'probe', { namespace: 'default' })).status?.phase).toBe('Pending');
    expect((await kube.list('events', { namespace: 'default', fieldSelector: 'involvedObject.name=probe' })).items).toEqual([]);
    const lease = await kube.get('leases', 'kube-scheduler', { namespace: 'kube-system' });
    const holder = String(lease.spec.holderIdentity).split('_')[0] as string;
    await t.sh(holder, 'systemctl restart snap.microk8s.daemon-kubelite', { root: true });
    await until(async () => (await kube.get('pods', 'probe', { namespace: 'default' })).status?.phase === 'Running', 3000, 'probe scheduled');
    expect(String((await kube.get('leases', 'kube-scheduler', { namespace: 'kube-system' })).spec.holderIdentity)).not.toMatch(new RegExp(`^${holder}_`));
  });

  it('dqlite-lock-contention: "database is locked" lines keep appearing in the k8s-dqlite journal', async () => {
    t.lab.fault('dqlite-lock-contention', true, ['k8s02']);
    const count = async (n: string) => Number((await t.sh(n, "journalctl -u snap.microk8s.daemon-k8s-dqlite --since -600s --no-pager -o short-iso -q | grep -E -c -e 'database is locked'")).stdout.trim());
    const first = await count('k8s02');
    expect(first).toBeGreaterThan(30);
    expect(await count('k8s01')).toBe(0);
    await until(async () => (await count('k8s02')) > first, 3000, 'more lines');
    t.lab.fault('dqlite-lock-contention', false);
  });

  it('alert-firing: Prometheus and Alertmanager show a firing alert besides Watchdog', async () => {
    const names = async (path: string) => {
      const body = (await (await fetch(`${t.lab.prometheusUrl}${path}`)).json()) as Obj;
      const alerts = (path.includes('v2') ? body : body.data.alerts) as Obj[];
      return alerts.filter((a) => !a.state || a.state === 'firing').map((a) => a.labels.alertname).sort();
    };
    expect(await names('/api/v1/alerts')).toEqual(['Watchdog']);
    t.lab.fault('alert-firing', true);
    expect(await names('/api/v1/alerts')).toEqual(['KubeNodeNotReady', 'Watchdog']);
    expect(await names('/api/v2/alerts')).toEqual(['KubeNodeNotReady', 'Watchdog']);
    const q = (await (await fetch(`${t.lab.prometheusUrl}/api/v1/query?query=${encodeURIComponent('ALERTS{alertstate="firing"}')}`)).json()) as Obj;
    expect(q.data.result.map((r: Obj) => r.metric.alertname).sort()).toEqual(['KubeNodeNotReady', 'Watchdog']);
    t.lab.fault('alert-firing', false);
    expect(await names('/api/v2/alerts')).toEqual(['Watchdog']);
  });

  it('refuses API writes with 503 while the datastore has no quorum', async () => {
    await Promise.all(['k8s01', 'k8s02'].map((n) => t.sh(n, 'systemctl restart snap.microk8s.daemon-k8s-dqlite', { root: true })));
    const r = await kube.request('PATCH', '/api/v1/nodes/k8s01', { metadata: { labels: { x: 'y' } } }, { contentType: 'application/merge-patch+json' });
    expect(r.status).toBe(503);
    expect((await kube.get('nodes', 'k8s01')).metadata.name).toBe('k8s01');
    await until(() => t.lab.status().api.writable, 6000, 'writes recover');
  });
});
