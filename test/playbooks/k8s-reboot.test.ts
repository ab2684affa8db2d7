// playbooks/k8s-reboot.yml on the rehearsal lab (microk8s, dqlite), through the built CLI: --check lists
// every change and asks the API about each eviction; the cluster gates run whatever --limit says;
// incident 002's signatures (KUBE-* and cali- NAT chains, stale sandboxes, dqlite "context canceled",
// a CoreDNS replica down, a scheduler stall another pod's event used to hide, a kubelet that does not
// start a pod bound to it) are found and, after a reboot, repaired; a PDB-blocked drain stops the run
// on that node and --resume finishes it; the results and the summary name what happened.
// (Interrupts and resume: k8s-reboot-resume.test.ts; the stall and storage checks:
// k8s-reboot-checks.test.ts; kubeadm labs: k8s-reboot-kubeadm.test.ts.)
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSummaryOf, indexOf, labForTests, nodeSummary, parseEvents, PlaybookLab, PLAYBOOKS, results } from './lab.js';
import { FAST, bootIds, node, PER_NODE } from './reboot-common.js';

let lab: PlaybookLab;

labForTests((l) => (lab = l), 'dqlite');

describe('k8s-reboot.yml on the lab', { timeout: 180_000 }, () => {
  it('--check lists every change a real run makes, asks the API about each eviction, does not wait out the soak, and changes nothing', async () => {
    const before = await lab.status();
    const started = Date.now();
    const r = await lab.run('k8s-reboot.yml', '--check', '-e', 'reboot_soak_seconds=60');
    expect(r.rc, r.stdout.slice(-3000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.stdout).toContain('PLAY 2 [rolling reboot]  hosts: k8s (3 hosts)  serial: 1');
    expect(r.stdout).toMatch(/TASK \[drain\] \*+\nchanged: \[k8s01\] \(would evict \d+ pod\(s\) \(dry run: \d+ allowed, 0 refused\)\)/);
    expect(r.stdout).toMatch(/TASK \[reboot\] \*+\nchanged: \[k8s01\] \(would reboot \(boot [0-9a-f]{8}\) and wait for node k8s01 Ready\)/);
    expect(r.stdout).toMatch(/TASK \[wait until the node is Ready\] \*+\nok: \[k8s01\] \(would wait up to 600s for condition Ready=True on nodes\/k8s01 after its reboot\)/);
    for (const h of ['k8s01', 'k8s02', 'k8s03']) expect(checkSummaryOf(r.stdout, h)).toEqual(PER_NODE);
    const after = await lab.status();
    expect(bootIds(after)).toEqual(bootIds(before));
    expect(after.nodes.map((n) => n.cordoned)).toEqual([false, false, false]);
    expect(after.nodes.map((n) => n.sandboxes)).toEqual(before.nodes.map((n) => n.sandboxes));
  });

  it('--check fails a drain the API server would refuse (a PodDisruptionBudget), naming the pod', async () => {
    await lab.fault('pdb-blocks-drain', true);
    try {
      const r = await lab.events('k8s-reboot.yml', '--check');
      expect(r.rc, r.why).toBe(2);
      const drain = results(r.events, 'drain');
      expect(drain.map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'failed']]);
      expect(String(drain[0]?.['error'])).toMatch(/^drain of node k8s01 would not finish: the API server refuses 1 eviction\(s\) now \(dry run\): pod default\/critical-\S+: Cannot evict pod as it would violate the pod's disruption budget\. \(The disruption budget critical needs 3 healthy pods/);
      expect(results(r.events, 'reboot')).toHaveLength(0);
      expect((await lab.status()).nodes.every((n) => !n.cordoned)).toBe(true);
    } finally {
      await lab.fault('pdb-blocks-drain', false);
    }
  });

  it('--limit k8s02 still runs the cluster gates, on k8s02, and says so: a firing alert stops the reboot', async () => {
    await lab.fault('alert-firing', true);
    try {
      const before = await lab.status();
      const r = await lab.run('k8s-reboot.yml', '-l', 'k8s02', ...FAST);
      expect(r.rc, r.why).toBe(2);
      expect(r.stdout).not.toContain('skipping: no hosts matched');
      expect(r.stdout).toContain('"msg": "cluster gates on k8s02 for all 3 nodes (--limit k8s02: this run reboots k8s02)"');
      expect(r.stdout).toMatch(/fatal: \[k8s02\]: FAILED! => .*"msg": "guard tripped: alerts: firing: \w+"/);
      expect(r.stdout).not.toContain('TASK [cordon]');
      expect(bootIds(await lab.status())).toEqual(bootIds(before));
    } finally {
      await lab.fault('alert-firing', false);
    }
  });

  it('refuses to start while a CoreDNS replica is not Ready; coredns_repair restarts it', async () => {
    const note = await lab.fault('coredns-replica-down', true);
    const pod = /kube-system\/(\S+)/.exec(note)?.[1] ?? '';
    const r = await lab.run('k8s-reboot.yml', '--tags', 'preflight');
    expect(r.rc, r.why).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`CoreDNS: 1 of 2 replica\\(s\\) Ready \\(on k8s0\\d\\); ${pod} not Ready; want 2 Ready`));
    const fixed = await lab.run('k8s-reboot.yml', '--tags', 'preflight', '-e', 'coredns_repair=true');
    expect(fixed.rc).toBe(0);
    expect(fixed.stdout).toMatch(/TASK \[restart the CoreDNS replicas that are not Ready\] \*+\nchanged: \[k8s01\] => \(item=coredns-/);
    expect((await lab.status()).faults.filter((f) => f.on).map((f) => f.name)).not.toContain('coredns-replica-down');
  });

  it('finds dqlite "context canceled" on a member before starting; the signatures play repairs it there, cordoned', async () => {
    await lab.fault('dqlite-context-canceled', true, 'k8s02');
    try {
      await contextCanceled();
    } finally {
      await lab.fault('dqlite-context-canceled', false);
      // the repaired member's old lines age out of the preflight's window; no cordon is left behind
      await lab.cli(['lab', 'advance', '10m']);
      await lab.uncordonAll();
    }
  });

  async function contextCanceled(): Promise<void> {
    const r = await lab.run('k8s-reboot.yml', ...FAST);
    expect(r.rc, r.why).toBe(2);
    expect(r.stdout).toMatch(/k8s-dqlite logs \\"context canceled\\" on k8s02 \(\d+ line\(s\) in 2m; last: .*context canceled.*\): that member's writes \(pod status, leases\) fail/);
    expect(r.stdout).not.toContain('TASK [cordon]');
    const found = await lab.run('k8s-reboot.yml', '--tags', 'signatures', '-l', 'k8s02');
    expect(found.rc).toBe(2);
    expect(found.stdout).toMatch(/k8s02: dqlite: \d+ \\"context canceled\\" line\(s\) in the k8s-dqlite journal within 2m .*Repair them with -e signatures_repair=true/);
    const repaired = await lab.events('k8s-reboot.yml', '--tags', 'signatures', '-l', 'k8s02', '-e', 'signatures_repair=true');
    expect(repaired.rc, repaired.why).toBe(0);
    expect(results(repaired.events, 'restart k8s-dqlite (its writes fail with "context canceled")').map((e) => e['status'])).toEqual(['skipped', 'changed']);
    expect(results(repaired.events, 'no failure signature left')[0]).toMatchObject({ host: 'k8s02', status: 'ok' });
    expect(results(repaired.events, 'cordon')).toMatchObject([{ host: 'k8s02', status: 'changed' }]);
    const s = await lab.status();
    expect(s.faults.find((f) => f.name === 'dqlite-context-canceled')?.on).toBe(false);
    expect(s.faults.find((f) => f.name === 'dqlite-context-canceled')?.note).toBe('cleared: k8s-dqlite was restarted on k8s02');
    expect(node(s, 'k8s02')?.cordoned).toBe(false);
    expect(s.quorum.ok).toBe(true);
  }

  it('a drain names what it evicted and a reboot its boot ids and seconds to Ready (count in the plain log, names in JSON); the run ends with a per-node summary', async () => {
    const before = await lab.status();
    const r = await lab.events('k8s-reboot.yml', '-l', 'k8s03', ...FAST);
    expect(r.rc, r.why).toBe(0);
    const drain = results(r.events, 'drain')[0];
    const evicted = (drain?.['report'] as { evicted: string[] }).evicted;
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted.every((p) => /^[a-z-]+\/\S+$/.test(p))).toBe(true);
    expect(String((drain?.['report'] as { summary: string }).summary)).toMatch(new RegExp(`^${evicted.length} pod\\(s\\) evicted in \\d+s$`));
    const reboot = results(r.events, 'reboot')[0]?.['report'] as { boot_id_before: string; boot_id_after: string; ready_after_s: number };
    const after = await lab.status();
    expect(reboot.boot_id_before).toBe(node(before, 'k8s03')?.bootId);
    expect(reboot.boot_id_after).toBe(node(after, 'k8s03')?.bootId);
    expect(reboot.ready_after_s).toBeGreaterThanOrEqual(0);
    expect(nodeSummary(r.events)).toEqual([
      'k8s01: not in this run (--limit k8s03)',
      'k8s02: not in this run (--limit k8s03)',
      expect.stringMatching(new RegExp(`^k8s03: rebooted, boot ${reboot.boot_id_before.slice(0, 8)} -> ${reboot.boot_id_after.slice(0, 8)}, kernel \\S+ \\(unchanged\\), ${evicted.length} pod\\(s\\) evicted, Ready after \\d+s, nothing repaired, \\d+s$`)),
    ]);
    const plain = await lab.run('k8s-reboot.yml', '--tags', 'reboot', '-l', 'k8s02', ...FAST);
    expect(plain.stdout).toMatch(/TASK \[drain\] \*+\nchanged: \[k8s02\] \([1-9]\d* pod\(s\) evicted in \d+s\)\n/);
    expect(plain.stdout).toMatch(/TASK \[reboot\] \*+\nchanged: \[k8s02\] \(boot [0-9a-f]{8} -> [0-9a-f]{8}, up after \d+s, node k8s02 Ready after \d+s\)\n/);
    expect(plain.stdout).not.toMatch(/default\/web-/);
  });

  it('stops at a drain a PodDisruptionBudget blocks: that node stays cordoned, the others are untouched; --resume finishes', async () => {
    const before = await lab.status();
    await lab.fault('pdb-blocks-drain', true);
    const r = await lab.events('k8s-reboot.yml', ...FAST);
    expect(r.rc, r.why).toBe(2);
    const drain = results(r.events, 'drain');
    expect(drain).toHaveLength(1);
    expect(drain[0]).toMatchObject({ host: 'k8s01', status: 'failed' });
    expect(String(drain[0]?.['error'] ?? drain[0]?.['msg'])).toMatch(/[Dd]isruption budget|PodDisruptionBudget/);
    expect(results(r.events, 'reboot')).toHaveLength(0);
    const mid = await lab.status();
    expect(node(mid, 'k8s01')?.cordoned).toBe(true);
    expect(node(mid, 'k8s02')?.cordoned).toBe(false);
    expect(node(mid, 'k8s03')?.cordoned).toBe(false);
    expect(bootIds(mid)).toEqual(bootIds(before));

    await lab.fault('pdb-blocks-drain', false);
    const resumed = await lab.events('k8s-reboot.yml', '--resume', ...FAST);
    expect(resumed.rc, resumed.why).toBe(0);
    expect(resumed.events.find((e) => e.type === 'start')?.['resumed_from']).toBeTruthy();
    const after = await lab.status();
    for (const n of after.nodes) {
      expect(n.bootId).not.toBe(bootIds(before)[n.name]);
      expect(n.cordoned).toBe(false);
      expect(n.ready).toBe(true);
    }
  });

  it('with the crictl sandbox drain a reboot leaves no stale sandboxes; without it, the stale sandboxes are found and removed', async () => {
    await lab.fault('stale-sandbox-after-reboot', true);
    try {
      const drained = await lab.events('k8s-reboot.yml', '--tags', 'reboot', '-l', 'k8s02', ...FAST);
      expect(drained.rc).toBe(0);
      expect(results(drained.events, 'drain the containerd pod sandboxes')[0]).toMatchObject({ host: 'k8s02', status: 'changed' });
      expect(results(drained.events, 'remove the stale sandboxes')[0]).toMatchObject({ host: 'k8s02', status: 'skipped' });
      expect(String(results(drained.events, 'k8s02: the signatures')[0]?.['msg'])).toMatch(/no stale sandboxes$/);
      const r = await lab.events('k8s-reboot.yml', '--tags', 'reboot', '-l', 'k8s03', '-e', 'sandbox_drain=false', ...FAST);
      expect(r.rc, r.why).toBe(0);
      expect(results(r.events, 'remove the stale sandboxes')[0]).toMatchObject({ host: 'k8s03', status: 'changed' });
      expect(results(r.events, 'k8s03: the signatures')[0]?.['msg']).toMatch(/^sandboxes: removed [1-9]\d* stale sandbox\(es\) \(/);
      expect(node(await lab.status(), 'k8s03')?.notes.join(';')).not.toContain('stale sandboxes');
    } finally {
      await lab.fault('stale-sandbox-after-reboot', false);
    }
  });

  it("repairs kube-proxy's missing KUBE-* chains (kubelite restart) and Calico's, node by node", async () => {
    await lab.fault('kube-proxy-nat-missing-after-reboot', true);
    await lab.fault('calico-nat-missing-after-reboot', true);
    try {
      const before = await lab.status();
      const r = await lab.events('k8s-reboot.yml', ...FAST);
      expect(r.rc, r.why).toBe(0);
      const hosts = ['k8s01', 'k8s02', 'k8s03'];
      // strictly sequential: a node is uncordoned before the next one is cordoned
      for (let i = 0; i + 1 < hosts.length; i++) {
        expect(indexOf(r.events, hosts[i] as string, 'uncordon')).toBeGreaterThan(indexOf(r.events, hosts[i] as string, 'reboot'));
        expect(indexOf(r.events, hosts[i + 1] as string, 'cordon')).toBeGreaterThan(indexOf(r.events, hosts[i] as string, 'uncordon'));
      }
      expect(results(r.events, 'restart kubelite, which runs kube-proxy (its KUBE-* chains are missing)').map((e) => e['status'])).toEqual(['changed', 'changed', 'changed']);
      expect(results(r.events, "replace the node's calico-node pod (its cali- chains are missing)").map((e) => e['status'])).toEqual(['changed', 'changed', 'changed']);
      expect(nodeSummary(r.events).every((l) => l.includes('repaired: NAT: kube-proxy KUBE-* chains and Calico cali- chains restored'))).toBe(true);
      const after = await lab.status();
      for (const n of after.nodes) {
        expect(n.bootId).not.toBe(bootIds(before)[n.name]);
        expect(n.notes.join(';')).not.toMatch(/NAT|nat/);
        expect(n.cordoned).toBe(false);
      }
      expect(after.quorum.ok).toBe(true);
      expect(after.incidents).toEqual([]);
    } finally {
      await lab.fault('kube-proxy-nat-missing-after-reboot', false);
      await lab.fault('calico-nat-missing-after-reboot', false);
    }
  });
});
