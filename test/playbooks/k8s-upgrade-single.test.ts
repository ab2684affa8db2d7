// playbooks/k8s-upgrade.yml on a kubeadm lab with one control plane: every node's package lists are
// checked before anything changes; --limit to a worker is refused while the control plane is behind;
// pods stuck Terminating are force-deleted with predrain_unstick.
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSummaryOf, indexOf, labForTests, type LabStatus, nodeSummary, PlaybookLab, results } from './lab.js';

const FAST = ['-e', 'upgrade_soak_seconds=1', '-e', 'drain_timeout=20s', '-e', 'upgrade_quiet_minutes=0', '-e', 'postflight_retries=1'];
const versions = (s: LabStatus) => s.nodes.map((n) => n.kubeletVersion);
const unchanged = (e: { type: string; [k: string]: unknown }) => !(e.type === 'result' && e['status'] === 'changed');

describe('k8s-upgrade.yml on a kubeadm lab with one control plane', { timeout: 240_000 }, () => {
  let lab: PlaybookLab;
  labForTests((l) => (lab = l), 'etcd');

  it('a node whose package lists lack the target is named before anything changes (every node is checked, not only the first)', async () => {
    const list = join(lab.nodeRoot('k8s03'), 'etc/apt/sources.list.d/kubernetes.list');
    const original = readFileSync(list, 'utf8');
    writeFileSync(list, original.split('\n').filter((l) => !l.includes('/v1.30/')).join('\n'));
    try {
      const r = await lab.run('k8s-upgrade.yml', '--check', '-e', 'kube_version=1.30.14', '-e', 'kube_apt_source=false', ...FAST);
      expect(r.rc).toBe(2);
      expect(r.stdout).toMatch(/kubeadm 1\.30\.14 is not in the package lists of k8s03; check their pkgs\.k8s\.io source \(v1\.30\)/);
      expect(r.stdout).not.toContain('TASK [cordon]');
    } finally {
      writeFileSync(list, original);
    }
  });

  it('--limit to a worker runs the gates on it and refuses it while the control plane is behind', async () => {
    const r = await lab.events('k8s-upgrade.yml', '-e', 'kube_version=1.30.14', '-l', 'k8s02', ...FAST);
    expect(r.rc).toBe(2);
    expect(results(r.events, 'where the cluster gates run')[0]).toMatchObject({ host: 'k8s02' });
    expect(String(results(r.events, 'the control plane first')[0]?.['error'])).toMatch(/^k8s02 is a worker and the API server is still at v1\.29\.14: upgrade a control-plane node first/);
    expect(results(r.events, 'cordon')).toHaveLength(0);
    expect(versions(await lab.status())).toEqual(['v1.29.14', 'v1.29.14', 'v1.29.14']);
  });

  it('pods stuck Terminating fail the drain by default; predrain_unstick force-deletes them and the upgrade goes on', async () => {
    await lab.fault('pods-stuck-terminating', true, 'k8s02');
    try {
      const stuck = await lab.events('k8s-upgrade.yml', '-e', 'kube_version=1.30.14', ...FAST, '-e', 'drain_timeout=3s');
      expect(stuck.rc).toBe(2);
      expect(results(stuck.events, 'drain').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'ok'], ['k8s02', 'failed']]);
      expect(String(results(stuck.events, 'drain')[1]?.['error'])).toMatch(/still terminating \(stuck\? force_stuck_after force-deletes such pods\)/);
      // part-way (the API server and k8s01 at 1.30.14): a run without a target finishes this upgrade, it does not wedge
      const partial = await lab.events('k8s-upgrade.yml', '--check', ...FAST);
      expect(String(results(partial.events, 'the plan')[0]?.['msg'])).toMatch(/^1\.30\.14 -> 1\.30\.14 .*; to upgrade: k8s02, k8s03$/);
      // and a fresh run is not started over a node left cordoned: the nodes gate names it
      expect(partial.rc).toBe(2);
      expect(JSON.stringify(results(partial.events, 'every node Ready without pressure and the datastore quorum healthy')[0])).toMatch(/nodes_ready: k8s02: cordoned/);
      // --resume needs no target: the one the stopped run recorded is used
      const r = await lab.events('k8s-upgrade.yml', '--resume', '-e', 'predrain_unstick=true', '-e', 'stuck_terminating_seconds=1', ...FAST);
      expect(r.rc, JSON.stringify(r.events.filter((e) => e['status'] === 'failed')).slice(0, 1500) + r.stderr).toBe(0);
      const drain = results(r.events, 'drain').find((e) => e['host'] === 'k8s02');
      expect((drain?.['report'] as { force_deleted: string[] }).force_deleted.length + ((results(r.events, 'unstick pods no drain can move (deadlocked PodDisruptionBudgets, stuck Terminating)')[0]?.['report'] as { stuck?: string[] } | undefined)?.stuck?.length ?? 0)).toBeGreaterThan(0);
      const s = await lab.status();
      expect(versions(s)).toEqual(['v1.30.14', 'v1.30.14', 'v1.30.14']);
      expect(s.nodes.every((n) => !n.notes.join(';').includes('stuck Terminating'))).toBe(true);
    } finally {
      await lab.fault('pods-stuck-terminating', false);
    }
  });
});
