// playbooks/k8s-upgrade.yml on a microk8s lab: the snap refresh node by node, the alert and containerd
// gates, then incident 000's validations (endpoint-validate, option B kcm-restart, ingress-validate,
// the checklist).
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSummaryOf, indexOf, labForTests, type LabStatus, nodeSummary, PlaybookLab, results } from './lab.js';

const FAST = ['-e', 'upgrade_soak_seconds=1', '-e', 'drain_timeout=20s', '-e', 'upgrade_quiet_minutes=0', '-e', 'postflight_retries=1'];
const versions = (s: LabStatus) => s.nodes.map((n) => n.kubeletVersion);
const unchanged = (e: { type: string; [k: string]: unknown }) => !(e.type === 'result' && e['status'] === 'changed');

describe('k8s-upgrade.yml on a microk8s lab', { timeout: 240_000 }, () => {
  let lab: PlaybookLab;
  labForTests((l) => (lab = l), 'dqlite');

  it('a PodDisruptionBudget that can never allow an eviction: predrain_unstick deletes its pod, the refresh goes node by node to the next track', async () => {
    await lab.fault('pdb-blocks-drain', true);
    try {
      const r = await lab.events('k8s-upgrade.yml', '-e', 'kube_version=1.30', '-e', 'predrain_unstick=true', ...FAST);
      expect(r.rc).toBe(0);
      const unstick = results(r.events, 'unstick pods no drain can move (deadlocked PodDisruptionBudgets, stuck Terminating)');
      expect(unstick.map((e) => e['status'])).toEqual(['changed', 'changed', 'changed']);
      expect((unstick[0]?.['report'] as { deadlocked: string[] }).deadlocked).toEqual([expect.stringMatching(/^default\/critical-/)]);
      const refresh = results(r.events, 'snap refresh microk8s --channel=1.30/stable');
      expect(refresh.map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed'], ['k8s02', 'changed'], ['k8s03', 'changed']]);
      const s = await lab.status();
      expect(s.nodes.map((n) => n.snapChannel)).toEqual(['1.30/stable', '1.30/stable', '1.30/stable']);
      expect(versions(s).every((v) => v.startsWith('v1.30.'))).toBe(true);
      expect(s.quorum.ok).toBe(true);
    } finally {
      await lab.fault('pdb-blocks-drain', false);
    }
  });

  it('the postflight checks the alerts', async () => {
    await lab.fault('alert-firing', true);
    try {
      const r = await lab.run('k8s-upgrade.yml', '--tags', 'postflight', ...FAST);
      expect(r.rc).toBe(2);
      expect(r.stdout).toMatch(/TASK \[no firing alerts\] \*+\n\[?.*\n?fatal: \[k8s01\]: FAILED! => .*guard tripped: alerts: firing/);
    } finally {
      await lab.fault('alert-firing', false);
    }
  });

  it('the alert gates: a firing alert stops the preflight, and (past it) the run before each node is cordoned', async () => {
    await lab.fault('alert-firing', true);
    try {
      const pre = await lab.run('k8s-upgrade.yml', '--check', '--tags', 'preflight', '-e', 'kube_version=1.31', ...FAST);
      expect(pre.rc).toBe(2);
      expect(pre.stdout).toMatch(/TASK \[no firing alerts\] \*+\n\[?.*\n?fatal: \[k8s01\]: FAILED! => .*guard tripped: alerts: firing/);
      const r = await lab.events('k8s-upgrade.yml', '--skip-tags', 'preflight', '-e', 'kube_version=1.31', '-e', 'alert_wait=1s', ...FAST);
      expect(r.rc).toBe(2);
      expect(results(r.events, 'no firing alerts before touching this node')).toMatchObject([{ host: 'k8s01', status: 'failed' }]);
      expect(results(r.events, 'cordon')).toHaveLength(0);
      expect((await lab.status()).nodes.every((n) => !n.cordoned && n.snapChannel === '1.30/stable')).toBe(true);
    } finally {
      await lab.fault('alert-firing', false);
    }
  });

  it('refuses nodes whose containerd is below the floor the target needs, naming them', async () => {
    const r = await lab.run('k8s-upgrade.yml', '--check', '--tags', 'preflight', '-e', 'kube_version=1.31', '-e', 'containerd_min_version=9.0.0', ...FAST);
    expect(r.rc).toBe(2);
    expect(r.stdout).toMatch(/containerd below 9\.0\.0 \(needed by 1\.31\): k8s01 \([0-9.]+\), k8s02 \([0-9.]+\), k8s03 \([0-9.]+\); upgrade containerd on those nodes first/);
  });

  it('endpoint-validate fails naming a stale EndpointSlice; option B (--tags kcm-restart) restarts the controller-manager leader and clears it', async () => {
    const note = await lab.fault('stale-endpointslice', true);
    const slice = /(\S+\/\S+) keeps/.exec(note)?.[1] ?? '';
    expect(slice).not.toBe('');
    const r = await lab.run('k8s-upgrade.yml', '--tags', 'endpoint-validate');
    expect(r.rc).toBe(2);
    expect(r.stdout).toContain(`stale EndpointSlice address(es): ${slice} (service web`);
    expect(r.stdout).not.toContain('TASK [cordon]');
    const b = await lab.events('k8s-upgrade.yml', '--tags', 'kcm-restart', '-e', 'kcm_resync_seconds=1', '-e', 'kcm_dqlite_settle_seconds=1');
    expect(b.rc).toBe(0);
    const restarted = b.events.filter((e) => e.type === 'result' && /^restart (kubelite|k8s-dqlite) on k8s0\d/.test(String(e['task'])) && e['status'] === 'changed');
    expect(restarted).toHaveLength(2);
    expect(results(b.events, 'no stale EndpointSlice addresses after the restart')[0]).toMatchObject({ status: 'ok' });
    const s = await lab.status();
    expect(s.faults.find((f) => f.name === 'stale-endpointslice')?.on).toBe(false);
    expect(s.nodes.every((n) => !n.cordoned)).toBe(true);
    expect((await lab.run('k8s-upgrade.yml', '--tags', 'endpoint-validate')).rc).toBe(0);
  });

  it('endpoint_repair deletes the stale slice (option A)', async () => {
    const note = await lab.fault('stale-endpointslice', true);
    const slice = /(\S+\/\S+) keeps/.exec(note)?.[1] ?? '';
    const fixed = await lab.run('k8s-upgrade.yml', '--tags', 'endpoint-validate', '-e', 'endpoint_repair=true');
    expect(fixed.rc).toBe(0);
    expect(fixed.stdout).toContain(`changed: [k8s01] => (item=${slice})`);
    expect((await lab.run('k8s-upgrade.yml', '--tags', 'endpoint-validate')).rc).toBe(0);
  });

  it('ingress-validate restarts ingress-nginx when it routes to a dead pod, then finds it clean', async () => {
    await lab.fault('stale-ingress-backend', true);
    const r = await lab.events('k8s-upgrade.yml', '--tags', 'ingress-validate');
    expect(r.rc).toBe(0);
    expect(results(r.events, "compare the controller's backends with the Ready pods")[0]).toMatchObject({ status: 'ok' });
    expect(results(r.events, 'restart the ingress-nginx pods (fresh backend state)')[0]).toMatchObject({ status: 'changed' });
    expect(results(r.events, 'check the backends again').at(-1)).toMatchObject({ status: 'ok' });
    const again = await lab.events('k8s-upgrade.yml', '--tags', 'ingress-validate');
    expect(results(again.events, 'restart the ingress-nginx pods (fresh backend state)')[0]).toMatchObject({ status: 'skipped' });
  });

  it('the checklist: nodes Ready, kube-system pods Running, the pods not Running named, Argo CD when it runs', async () => {
    const clean = await lab.run('k8s-upgrade.yml', '--tags', 'checklist', '-e', 'checklist_retries=1');
    expect(clean.rc).toBe(0);
    expect(clean.stdout).toContain('Argo CD does not run here (no applications.argoproj.io API): nothing to check');
    expect(clean.stdout).toMatch(/"msg": "3 node\(s\) Ready"/);
    await lab.play('pending.yml', '- hosts: k8s[0]\n  gather_facts: false\n  tasks:\n    - k8s:\n        definition: {apiVersion: v1, kind: Pod, metadata: {name: nowhere, namespace: default}, spec: {nodeSelector: {disk: none}, containers: [{name: c, image: busybox}]}}\n');
    const r = await lab.run('k8s-upgrade.yml', '--tags', 'checklist', '-e', 'checklist_retries=1');
    expect(r.rc).toBe(2);
    expect(r.stdout).toMatch(/not Running: default\/nowhere Pending/);
  });
});
