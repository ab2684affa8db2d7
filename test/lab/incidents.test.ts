// The lab's incident log, provoked by driving the lab directly (SSH commands, API writes): quorum lost,
// the datastore restarted under write contention, more nodes unavailable than the budget, a reboot of a
// node that was not drained; nothing for a cordon-drain-reboot of one node; `advance` ages the journals.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import type { Incident } from '../../lab/types.js';
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
const DQLITE = 'snap.microk8s.daemon-k8s-dqlite';
const kinds = () => t.lab.incidents().map((i) => i.kind);
const ready = (name: string) => (t.lab.sim.store.peek('nodes', name)?.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
const settled = () => t.lab.status().unavailable.length === 0 && t.lab.status().api.writable;
const cordon = (node: string, on = true) => kube.patch('nodes', node, { spec: { unschedulable: on } });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lockedLines = async (node: string) => Number((await t.sh(node, `journalctl -u ${DQLITE} --since -60s --no-pager -q --grep 'database is locked' | wc -l`)).stdout.trim());

async function rebootAndWait(node: string, cmd = 'reboot'): Promise<void> {
  const old = t.lab.sim.node(node)?.bootId;
  expect((await t.sh(node, cmd, { root: true })).rc).toBe(0);
  await until(() => t.lab.sim.node(node)?.bootId !== old && ready(node), 8000, `${node} back and Ready`);
}

// Each test starts from a healthy lab with an empty log and leaves it that way.
afterEach(async () => {
  t.lab.fault('dqlite-lock-contention', false);
  for (const n of ['k8s01', 'k8s02', 'k8s03']) if (t.lab.status().nodes.find((x) => x.name === n)?.cordoned) await cordon(n, false);
  await until(settled, 8000, 'the lab settles');
  t.lab.budget(1);
  t.lab.incidents(true);
});

describe('incidents', () => {
  it('starts empty; status carries the budget, the unavailable nodes and the log', () => {
    const s = t.lab.status();
    expect(s.incidents).toEqual([]);
    expect(s.budget).toBe(1);
    expect(s.unavailable).toEqual([]);
  });

  it('quorum-lost: two dqlite voters restarted at once', async () => {
    await Promise.all(['k8s01', 'k8s02'].map((n) => t.sh(n, `systemctl restart ${DQLITE}`, { root: true })));
    const list = t.lab.incidents();
    expect(list.map((i) => i.kind)).toEqual(['quorum-lost']);
    expect(list[0]).toMatchObject({ nodes: ['k8s01', 'k8s02'] });
    expect(list[0]?.message).toMatch(/lost quorum: voters k8s0[12], k8s0[12] down \(1\/3 up\)/);
    expect(Date.parse(list[0]?.at ?? '')).toBeGreaterThan(Date.now() - 10_000);
  });

  it('restart-under-contention: while the fault is on, then from the journal\'s last 60 s, not after `advance`', async () => {
    t.lab.fault('dqlite-lock-contention', true, ['k8s02']);
    const dqliteBack = (n: string) => until(() => t.lab.sim.node(n)?.units.get(`${DQLITE}.service`)?.active === 'active', 3000, 'dqlite back');
    await t.sh('k8s02', `systemctl restart ${DQLITE}`, { root: true });
    await dqliteBack('k8s02');
    await t.sh('k8s03', `systemctl restart ${DQLITE}`, { root: true });
    await dqliteBack('k8s03');
    let list = t.lab.incidents(true);
    expect(list.map((i) => [i.kind, i.nodes])).toEqual([['restart-under-contention', ['k8s02']]]);
    expect(list[0]?.message).toBe('snap.microk8s.daemon-k8s-dqlite.service restarted on k8s02 under write contention: dqlite-lock-contention is on for it');
    t.lab.fault('dqlite-lock-contention', false);
    await t.sh('k8s02', `systemctl stop ${DQLITE}`, { root: true });
    list = t.lab.incidents(true);
    expect(list.map((i) => i.kind)).toEqual(['restart-under-contention']);
    expect(list[0]?.message).toMatch(/stopped on k8s02 under write contention: \d+ "database is locked" line\(s\) in its snap\.microk8s\.daemon-k8s-dqlite journal within the last 60 s/);
    await t.sh('k8s02', `systemctl start ${DQLITE}`, { root: true });
    expect(await lockedLines('k8s02')).toBeGreaterThan(0);
    expect(t.lab.advance(10 * 60_000)).toMatch(/^journals advanced by 10m: \d+ entries on 3 node\(s\)/);
    expect(await lockedLines('k8s02')).toBe(0);
    await t.sh('k8s02', `systemctl restart ${DQLITE}`, { root: true });
    expect(kinds()).toEqual([]);
  });

  it('advance keeps the journal sorted, its messages\' own times with it, and new lines stamped now', async () => {
    t.lab.fault('dqlite-lock-contention', true, ['k8s01']);
    const before = Number((await t.sh('k8s01', `journalctl -u ${DQLITE} -n 1 -o short-unix -q --grep 'database is locked'`)).stdout.split(' ')[0]);
    t.lab.advance(3_600_000);
    const old = (await t.sh('k8s01', `journalctl -u ${DQLITE} --until -59m -o cat -q --grep 'database is locked' -n 1`)).stdout.trim();
    const logged = Date.parse(/time="([^"]+)"/.exec(old)?.[1] ?? '');
    expect(Math.abs(logged - (before * 1000 - 3_600_000))).toBeLessThan(2000);
    await until(async () => (await lockedLines('k8s01')) > 0, 3000, 'new contention lines');
    t.lab.fault('dqlite-lock-contention', false);
    const stamps = (await t.sh('k8s01', 'journalctl -o short-unix -q')).stdout.trim().split('\n').map((l) => Number(l.split(' ')[0]));
    expect(stamps.length).toBeGreaterThan(50);
    expect(stamps.every((s, i) => i === 0 || s >= (stamps[i - 1] ?? 0))).toBe(true);
    expect((stamps.at(-1) ?? 0) * 1000).toBeGreaterThan(Date.now() - 5000);
    expect(() => t.lab.advance(0)).toThrow(/more than 0/);
  });

  it('over-budget: two nodes cordoned through the API, recorded once until back within the budget', async () => {
    await cordon('k8s01');
    await cordon('k8s02');
    await until(() => kinds().length > 0, 2000, 'an incident');
    await cordon('k8s03');
    await pause(50);
    let list = t.lab.incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'over-budget', nodes: ['k8s01', 'k8s02'], message: '2 nodes unavailable at once (budget 1): k8s01 cordoned; k8s02 cordoned' });
    expect(t.lab.status().unavailable.map((u) => u.node)).toEqual(['k8s01', 'k8s02', 'k8s03']);
    await cordon('k8s02', false);
    await cordon('k8s03', false);
    await cordon('k8s02');
    await until(() => kinds().length === 2, 2000, 'a second incident');
    list = t.lab.incidents();
    expect(list[1]?.nodes).toEqual(['k8s01', 'k8s02']);
  });

  it('over-budget: a stopped kubelite next to a cordoned node; nothing within a budget of 2', async () => {
    await cordon('k8s01');
    await t.sh('k8s03', 'systemctl stop snap.microk8s.daemon-kubelite', { root: true });
    await until(() => kinds().length > 0, 2000, 'an incident');
    expect(t.lab.incidents()[0]?.message).toBe('2 nodes unavailable at once (budget 1): k8s01 cordoned; k8s03 NotReady, snap.microk8s.daemon-kubelite inactive');
    await t.sh('k8s03', 'systemctl start snap.microk8s.daemon-kubelite', { root: true });
    await cordon('k8s01', false);
    await until(settled, 3000, 'settled');
    t.lab.incidents(true);
    expect(t.lab.budget(2)).toBe('node budget: 2 unavailable at a time');
    await cordon('k8s01');
    await cordon('k8s02');
    await pause(50);
    expect(kinds()).toEqual([]);
    expect(() => t.lab.budget(4)).toThrow(/from 0 to 3/);
  });

  it('reboot-undrained: a reboot of a node that was neither cordoned nor drained', async () => {
    await rebootAndWait('k8s03');
    const list = t.lab.incidents();
    expect(list.map((i) => [i.kind, i.nodes])).toEqual([['reboot-undrained', ['k8s03']]]);
    expect(list[0]?.message).toMatch(/^k8s03 rebooted but it was not cordoned; \d+ pod\(s\) not drained: \S+\/\S+/);
  });

  it('reboot-undrained: cordoned is not enough, the pods must be gone', async () => {
    await cordon('k8s02');
    await rebootAndWait('k8s02', 'systemctl reboot');
    expect(t.lab.incidents().map((i) => i.message)).toEqual([expect.stringMatching(/^k8s02 rebooted but \d+ pod\(s\) not drained/)]);
  });

  it('records nothing for cordon, drain, reboot, Ready, uncordon of one node at a time', async () => {
    t.lab.advance(120_000); // the earlier tests' contention lines are old news
    for (const node of ['k8s01', 'k8s02']) {
      await cordon(node);
      const pods = (await kube.list('pods', { allNamespaces: true, fieldSelector: `spec.nodeName=${node}` })).items as Obj[];
      for (const p of pods.filter((x) => !x.metadata.ownerReferences?.some((r: Obj) => r.kind === 'DaemonSet'))) await kube.evict(p.metadata.namespace, p.metadata.name);
      await until(async () => ((await kube.list('pods', { allNamespaces: true, fieldSelector: `spec.nodeName=${node}` })).items as Obj[]).every((p) => p.metadata.ownerReferences?.some((r: Obj) => r.kind === 'DaemonSet')), 5000, `${node} drained`);
      await t.sh(node, 'systemctl stop snap.microk8s.daemon-kubelite', { root: true });
      await rebootAndWait(node, 'shutdown -r now');
      await cordon(node, false);
      await until(settled, 5000, 'settled');
    }
    expect(t.lab.incidents()).toEqual([] as Incident[]);
  });
});

describe('incidents on a kubeadm (etcd) lab', () => {
  it('a reboot of the only etcd member is not a quorum incident; static and DaemonSet pods need no drain', async () => {
    const e = await TestLab.start({ datastore: 'etcd', nodes: 2 });
    try {
      const onK8s01 = e.lab.sim.store.list('pods', { fieldSelector: 'spec.nodeName=k8s01' });
      expect(onK8s01.filter((p) => p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined).map((p) => p.metadata.name)).toContain('etcd-k8s01');
      for (const node of ['k8s01', 'k8s02']) {
        const old = e.lab.sim.node(node)?.bootId;
        expect((await e.sh(node, 'reboot', { root: true })).rc).toBe(0);
        await until(() => e.lab.sim.node(node)?.bootId !== old && e.lab.status().unavailable.length === 0, 8000, `${node} back`);
      }
      expect(e.lab.incidents().map((i) => [i.kind, i.message.replace(/: .*/, '')])).toEqual([
        ['reboot-undrained', 'k8s01 rebooted but it was not cordoned'],
        ['reboot-undrained', expect.stringMatching(/^k8s02 rebooted but it was not cordoned; \d+ pod\(s\) not drained$/)],
      ]);
    } finally {
      await e.close();
    }
  });
});
