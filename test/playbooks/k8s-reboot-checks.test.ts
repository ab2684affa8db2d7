// playbooks/k8s-reboot.yml on the rehearsal lab (microk8s, dqlite): the checks around each node —
// a scheduler stall another pod's event used to hide, a kubelet that starts no pod, long leader
// Leases, storage replicas, a stall that starts with a drain — and pods stuck Terminating unstuck.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSummaryOf, indexOf, labForTests, nodeSummary, parseEvents, PlaybookLab, PLAYBOOKS, results } from './lab.js';
import { FAST, node } from './reboot-common.js';

let lab: PlaybookLab;

labForTests((l) => (lab = l), 'dqlite');

describe('k8s-reboot.yml on the lab: the checks around each node', { timeout: 180_000 }, () => {
  it('names a scheduler stall that another pod\'s FailedScheduling event used to hide, and a kubelet that never starts a pod bound to it', async () => {
    // an unschedulable pod: a FailedScheduling event of its own, which must not excuse the stalled ones
    const pods = `- hosts: k8s[0]
  gather_facts: false
  tasks:
    - k8s:
        definition: {apiVersion: v1, kind: Pod, metadata: {name: nowhere, namespace: default}, spec: {nodeSelector: {disk: none}, containers: [{name: c, image: busybox}]}}
    - k8s:
        definition: {apiVersion: v1, kind: Pod, metadata: {name: missed, namespace: default}, spec: {nodeName: k8s02, containers: [{name: c, image: busybox}]}, status: {phase: Pending, conditions: [{type: PodScheduled, status: "True"}]}}
`;
    expect((await lab.play('pods.yml', pods)).rc).toBe(0);
    await lab.fault('scheduler-stall', true);
    try {
      expect((await lab.play('kill-web.yml', '- hosts: k8s[0]\n  gather_facts: false\n  tasks:\n    - kubectl: {action: delete, kind: pod, namespace: default, selector: app=web}\n')).rc).toBe(0);
      const r = await lab.run('k8s-reboot.yml', '--tags', 'postflight', '-e', 'scheduler_stall_seconds=0', ...FAST);
      expect(r.rc, r.why).toBe(2);
      expect(r.stdout).toMatch(/scheduler stall: [1-9]\d* pod\(s\) Pending for 0s or more with no FailedScheduling event of their own \(default\/web-/);
      expect(r.stdout).not.toMatch(/scheduler stall: [^)]*default\/nowhere/);
      expect(r.stdout).toMatch(/kubelet stall on k8s02: 1 pod\(s\) bound for 0s or more that the kubelet has not started and reported nothing about \(default\/missed /);
    } finally {
      await lab.fault('scheduler-stall', false);
      await lab.play('clean.yml', '- hosts: k8s[0]\n  gather_facts: false\n  tasks:\n    - kubectl: {action: delete, kind: pod, namespace: default, name: "{{ item }}", grace_period: 0}\n      loop: [nowhere, missed]\n');
    }
  });

  it('warns when a leader Lease lasts longer than 20 s (incident 002 shortened the scheduler\'s from 60 s to 20 s)', async () => {
    const lease = (seconds: number) =>
      lab.play('lease.yml', `- hosts: k8s[0]\n  gather_facts: false\n  tasks:\n    - k8s:\n        definition: {apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: kube-scheduler, namespace: kube-system}, spec: {leaseDurationSeconds: ${seconds}}}\n`);
    expect((await lease(60)).rc).toBe(0);
    try {
      const r = await lab.run('k8s-reboot.yml', '--tags', 'preflight');
      expect(r.rc).toBe(0);
      expect(r.stdout).toMatch(/kube-scheduler led by \S+ \(lease duration 60s\).*; WARNING: kube-scheduler leaseDurationSeconds above 20s: a stalled leader keeps its lease that long/);
    } finally {
      expect((await lease(15)).rc).toBe(0);
    }
  });

  it('check_storage: unhealthy storage replicas stop the run before the first node, and again after a node, before the next one', async () => {
    const flag = join(lab.dir, 'storage-degraded');
    const storage = ['-e', JSON.stringify({ check_storage: true, storage_check_command: `test ! -e ${flag}`, storage_check_retries: 2, storage_check_delay: 1 })];
    writeFileSync(flag, '');
    try {
      const pre = await lab.events('k8s-reboot.yml', ...storage, ...FAST);
      expect(pre.rc).toBe(2);
      expect(results(pre.events, 'storage replicas healthy')).toMatchObject([{ host: 'k8s01', status: 'failed' }]);
      expect(results(pre.events, 'cordon')).toHaveLength(0);
      const after = await lab.events('k8s-reboot.yml', '--skip-tags', 'preflight', '-e', 'force_reboot=true', ...storage, ...FAST);
      expect(after.rc).toBe(2);
      expect(results(after.events, 'reboot')).toMatchObject([{ host: 'k8s01', status: 'changed' }]);
      expect(results(after.events, 'storage replicas healthy again after this node')).toMatchObject([{ host: 'k8s01', status: 'failed' }]);
      expect(results(after.events, 'cordon').map((e) => e['host'])).toEqual(['k8s01']);
    } finally {
      rmSync(flag, { force: true });
    }
    const ok = await lab.events('k8s-reboot.yml', '-l', 'k8s03', '-e', 'force_reboot=true', ...storage, ...FAST);
    expect(ok.rc).toBe(0);
    expect(results(ok.events, 'storage replicas healthy again after this node')).toMatchObject([{ host: 'k8s03', status: 'ok' }]);
  });

  it('a scheduler stall that starts with a node\'s drain stops the run after that node, before the next one is touched', async () => {
    // without web's PodDisruptionBudget: with nothing scheduled, a second web pod on the node would block the drain itself
    expect((await lab.play('no-pdb.yml', '- hosts: k8s[0]\n  gather_facts: false\n  tasks:\n    - kubectl: {action: delete, kind: poddisruptionbudget, namespace: default, name: web}\n')).rc).toBe(0);
    await lab.fault('scheduler-stall', true);
    try {
      const r = await lab.events('k8s-reboot.yml', '-e', 'force_reboot=true', '-e', 'scheduler_stall_seconds=0', '-e', 'coredns_min_ready=0', ...FAST);
      expect(r.rc).toBe(2);
      const stall = results(r.events, 'no scheduler stall and no kubelet stall');
      expect(stall.length, JSON.stringify(r.events.filter((e) => e['status'] === 'failed'))).toBe(2);
      // the preflight found none (nothing Pending yet); after k8s01's drain its pods stay Pending
      expect(stall.map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'ok'], ['k8s01', 'failed']]);
      expect(JSON.stringify(stall[1])).toMatch(/scheduler stall: [1-9]\d* pod\(s\) Pending for 0s or more with no FailedScheduling event of their own/);
      expect(results(r.events, 'reboot').map((e) => e['host'])).toEqual(['k8s01']);
      expect(results(r.events, 'cordon').map((e) => e['host'])).toEqual(['k8s01']);
      expect(node(await lab.status(), 'k8s02')?.cordoned).toBe(false);
    } finally {
      await lab.fault('scheduler-stall', false);
    }
  });
  it('predrain_unstick: pods stuck Terminating are force-deleted so the drain finishes and the node reboots', async () => {
    await lab.fault('pods-stuck-terminating', true, 'k8s03');
    try {
      const r = await lab.events('k8s-reboot.yml', '--tags', 'reboot', '-l', 'k8s03', '-e', 'force_reboot=true', '-e', 'predrain_unstick=true', '-e', 'stuck_terminating_seconds=1', ...FAST);
      expect(r.rc, r.stderr).toBe(0);
      const unstuck = results(r.events, 'unstick pods no drain can move (deadlocked PodDisruptionBudgets, stuck Terminating)')[0]?.['report'] as { stuck?: string[] } | undefined;
      const forced = (results(r.events, 'drain')[0]?.['report'] as { force_deleted: string[] }).force_deleted;
      expect(forced.length + (unstuck?.stuck?.length ?? 0)).toBeGreaterThan(0);
      expect(results(r.events, 'reboot')).toMatchObject([{ host: 'k8s03', status: 'changed' }]);
    } finally {
      await lab.fault('pods-stuck-terminating', false);
    }
  });
});
