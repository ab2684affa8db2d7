// Keeps the simulated apiserver honest: Debian's real kubectl (kubernetes-client) drives it.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makePod, setNodeReady, type KubeStore } from '../../../lab/kube/index.js';
import { seedCluster, webPods } from './helpers.js';
import { KubectlRig, findDebianKubectl, findNewerKubectl } from './kubectl-harness.js';

let kubectl = '';
let rig: KubectlRig;
let store: KubeStore;

const podsOn = (node: string) => store.list('pods', { fieldSelector: `spec.nodeName=${node}` });

describe("Debian's kubectl against the simulator", () => {
  beforeAll(() => {
    const found = findDebianKubectl();
    if ('error' in found) {
      throw new Error(`no kubectl to test the simulator with: ${found.error}. Install Debian's kubernetes-client (scripts/ensure-kubectl.sh does it without root conflicts) or set TSPLAY_KUBECTL.`);
    }
    kubectl = found.path;
  }, 300_000);

  beforeEach(async () => {
    rig = await KubectlRig.start(kubectl);
    store = rig.api.store;
    seedCluster(store);
  });
  afterEach(async () => {
    await rig?.close();
  });

  it('gets nodes as a table, wide, JSON, YAML and names; other resources by short name; jsonpath', async () => {
    const version = await rig.run(['version', '--client']);
    expect(version.stdout).toMatch(/GitVersion:"v1\.\d+\.\d+"/);
    const table = await rig.run(['get', 'nodes']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(table.stdout).toMatch(/^n1\s+Ready\s+control-plane\s+\d+s\s+v1\.28\.15$/m);
    const wide = await rig.run(['get', 'nodes', '-o', 'wide']);
    expect(wide.stdout).toMatch(/INTERNAL-IP/);
    expect(wide.stdout).toMatch(/^n2\s+Ready\s+<none>\s+\S+\s+v1\.28\.15\s+10\.0\.0\.2\s+<none>\s+Ubuntu/m);
    const json = JSON.parse((await rig.run(['get', 'nodes', '-o', 'json'])).stdout);
    expect(json.kind).toBe('List');
    expect(json.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(['n1', 'n2', 'n3']);
    expect((await rig.run(['get', 'no', 'n1', '-o', 'yaml'])).stdout).toMatch(/kubeletVersion: v1\.28\.15/);
    expect((await rig.run(['get', 'nodes', '-o', 'name'])).stdout.trim().split('\n')).toEqual(['node/n1', 'node/n2', 'node/n3']);
    const many = await rig.run(['get', 'po,pdb,svc,deploy,rs,ds,endpointslices,lease,events', '-A']);
    expect(many.code).toBe(0);
    expect(many.stdout).toMatch(/poddisruptionbudget\.policy\/web\s+2\s+N\/A\s+1/);
    expect(many.stdout).toMatch(/lease\.coordination\.k8s\.io\/tsplay-run-lock\s+tsplay@controller/);
    const sel = await rig.run(['get', 'pods', '-l', 'app in (web)', '--field-selector', 'status.phase=Running', '-o', 'name']);
    expect(sel.stdout.trim().split('\n')).toHaveLength(3);
    const allowed = await rig.run(['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}']);
    expect(allowed.stdout).toBe('1');
    const holder = await rig.run(['get', 'lease', '-n', 'kube-system', 'tsplay-run-lock', '-o', 'jsonpath={.spec.holderIdentity}']);
    expect(holder).toMatchObject({ code: 0, stdout: 'tsplay@controller' });
    const missing = await rig.run(['get', 'node', 'ghost']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nodes "ghost" not found/);
  });

  it('cordons and uncordons', async () => {
    expect((await rig.run(['cordon', 'n2'])).stdout).toMatch(/node\/n2 cordoned/);
    expect(store.get('nodes', 'n2')?.spec.unschedulable).toBe(true);
    expect((await rig.run(['get', 'node', 'n2'])).stdout).toMatch(/Ready,SchedulingDisabled/);
    expect((await rig.run(['uncordon', 'n2'])).stdout).toMatch(/node\/n2 uncordoned/);
    expect(store.get('nodes', 'n2')?.spec.unschedulable).toBeFalsy();
    expect((await rig.run(['uncordon', 'n2'])).stdout).toMatch(/node\/n2 already uncordoned/);
  });

  it('retries a PDB-blocked eviction (429) and fails at --timeout, leaving the node cordoned', async () => {
    store.patch('poddisruptionbudgets', 'web', { spec: { minAvailable: 3 } });
    const victim = webPods(store).find((p) => p.spec.nodeName === 'n1');
    expect(victim).toBeDefined();
    const r = await rig.run(['drain', 'n1', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=3s']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`error when evicting pods/"${victim?.metadata.name}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    expect(r.stderr).toMatch(/global timeout reached: 3s/);
    expect(store.get('nodes', 'n1')?.spec.unschedulable).toBe(true);
    expect(store.get('pods', victim?.metadata.name ?? '')).toBeDefined();
  }, 60_000);

  it('drains with --ignore-daemonsets --delete-emptydir-data --force: evicts, replaces elsewhere, keeps DaemonSet pods', async () => {
    store.add(
      makePod({ name: 'cache-7d4b9-abcde', nodeName: 'n1', ownerKind: 'ReplicaSet', ownerName: 'cache-7d4b9', labels: { app: 'cache' }, emptyDir: true }),
      makePod({ name: 'debug-shell', nodeName: 'n1' }),
    );
    const blocked = await rig.run(['drain', 'n1', '--ignore-daemonsets', '--timeout=10s']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/debug-shell|emptyDir|local storage/);
    const r = await rig.run(['drain', 'n1', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--grace-period=1', '--timeout=30s']);
    expect(r.stderr + r.stdout).toMatch(/ignoring DaemonSet-managed Pods: kube-system\/calico-node-n1/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/node\/n1 (drained|evicted)/);
    expect(podsOn('n1').map((p) => p.metadata.name)).toEqual(['calico-node-n1']);
    expect(store.get('pods', 'debug-shell')).toBeUndefined();
    expect(store.list('pods', { labelSelector: 'app=cache' }).map((p) => p.spec.nodeName)).toEqual([expect.stringMatching(/^n[23]$/)]);
    expect(webPods(store).filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp)).toHaveLength(3);
  }, 60_000);

  it('drains only --pod-selector pods, and --disable-eviction deletes despite the PDB', async () => {
    store.add(makePod({ name: 'other-1', nodeName: 'n2', ownerKind: 'ReplicaSet', labels: { app: 'other' } }));
    const r = await rig.run(['drain', 'n2', '--ignore-daemonsets', '--pod-selector=app=web', '--grace-period=1', '--timeout=30s']);
    expect(r.code).toBe(0);
    expect(podsOn('n2').map((p) => p.metadata.name).sort()).toEqual(['calico-node-n2', 'other-1']);
    store.patch('poddisruptionbudgets', 'web', { spec: { minAvailable: 3 } });
    const onN3 = webPods(store).filter((p) => p.spec.nodeName === 'n3');
    expect(onN3.length).toBeGreaterThan(0);
    const d = await rig.run(['drain', 'n3', '--ignore-daemonsets', '--disable-eviction', '--grace-period=1', '--timeout=30s']);
    expect(d.code).toBe(0);
    expect(webPods(store).filter((p) => p.spec.nodeName === 'n3')).toEqual([]);
  }, 60_000);

  it('waits for condition=Ready while the node turns Ready, and times out when it does not', async () => {
    setNodeReady(store, 'n3', false);
    expect((await rig.run(['get', 'node', 'n3'])).stdout).toMatch(/n3\s+NotReady/);
    const waiting = rig.run(['wait', '--for=condition=Ready', 'node/n3', '--timeout=15s']);
    await new Promise((r) => setTimeout(r, 1000));
    setNodeReady(store, 'n3', true);
    const ok = await waiting;
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/node\/n3 condition met/);
    setNodeReady(store, 'n2', false);
    const t0 = Date.now();
    const timeout = await rig.run(['wait', '--for=condition=Ready', 'node/n2', '--timeout=2s']);
    expect(timeout.code).not.toBe(0);
    expect(timeout.stderr).toMatch(/timed out waiting for the condition/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 60_000);

  it('deletes a pod (its ReplicaSet replaces it) and restarts a deployment rollout', async () => {
    const [victim] = webPods(store);
    const del = await rig.run(['delete', 'pod', victim?.metadata.name ?? '']);
    expect(del.code).toBe(0);
    expect(del.stdout).toMatch(new RegExp(`pod "${victim?.metadata.name}" deleted`));
    expect(store.get('pods', victim?.metadata.name ?? '')).toBeUndefined();
    expect(webPods(store).filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(3);
    const before = new Set(webPods(store).map((p) => p.metadata.uid));
    const rr = await rig.run(['rollout', 'restart', 'deployment/web']);
    expect(rr).toMatchObject({ code: 0, stdout: expect.stringMatching(/deployment.apps\/web restarted/) });
    const dep = store.get('deployments', 'web');
    expect(dep?.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);
    const fresh = webPods(store).filter((p) => !p.metadata.deletionTimestamp);
    expect(fresh).toHaveLength(3);
    expect(fresh.every((p) => !before.has(p.metadata.uid))).toBe(true);
  }, 60_000);

  it('annotates and labels, and lists FailedScheduling events', async () => {
    expect((await rig.run(['annotate', 'node', 'n1', 'tsplay.io/maintenance=kernel'])).code).toBe(0);
    expect((await rig.run(['label', 'node', 'n1', 'tier=db'])).code).toBe(0);
    expect(store.get('nodes', 'n1')?.metadata.annotations?.['tsplay.io/maintenance']).toBe('kernel');
    expect(store.get('nodes', 'n1')?.metadata.labels?.['tier']).toBe('db');
    expect((await rig.run(['label', 'node', 'n1', 'tier-'])).code).toBe(0);
    expect(store.get('nodes', 'n1')?.metadata.labels?.['tier']).toBeUndefined();
    store.add({ ...makePod({ name: 'nowhere' }), spec: { ...makePod({ name: 'nowhere' }).spec, nodeSelector: { disk: 'nvme' } } });
    const ev = await rig.run(['get', 'events', '--field-selector', 'reason=FailedScheduling']);
    expect(ev.code).toBe(0);
    expect(ev.stdout).toMatch(/Warning\s+FailedScheduling\s+pod\/nowhere\s+0\/3 nodes are available/);
  }, 60_000);
});

const newer = findNewerKubectl();
describe.skipIf(!newer)(`a newer kubectl (aggregated discovery falls back)${newer ? `: ${newer}` : ' — skipped: none on this machine'}`, () => {
  it('gets, drains, waits and reads a lease', async () => {
    const r = await KubectlRig.start(newer ?? '');
    try {
      seedCluster(r.api.store);
      const nodes = await r.run(['get', 'nodes']);
      expect(nodes).toMatchObject({ code: 0, stdout: expect.stringMatching(/^n1\s+Ready\s+control-plane/m) });
      const d = await r.run(['drain', 'n2', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--grace-period=1', '--timeout=30s']);
      expect(d.code).toBe(0);
      expect(d.stdout).toMatch(/node\/n2 drained/);
      expect((await r.run(['wait', '--for=condition=Ready', 'node/n1', '--timeout=5s'])).code).toBe(0);
      expect((await r.run(['get', 'lease', '-n', 'kube-system', 'tsplay-run-lock', '-o', 'jsonpath={.spec.holderIdentity}'])).stdout).toBe('tsplay@controller');
    } finally {
      await r.close();
    }
  }, 90_000);
});
