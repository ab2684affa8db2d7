// playbooks/k8s-upgrade.yml on the rehearsal lab through the built CLI. kubeadm with three stacked etcd
// control planes: --check says what a real run would run (apply, node, the snapshot and its copy) and
// lists it; the gates refuse a skipped minor, a kubectl two minors off, addons too old for the target,
// a node that rebooted within 24 h; the OIDC drift is a warning; the upgrade finds its target, keeps the
// etcd snapshot on the controller, runs `upgrade apply` on the first control plane and `upgrade node`
// on the others, checks their control-plane pods, and ends with a per-node summary. kubeadm with one
// control plane: --limit to a worker is refused before anything changes; pods stuck Terminating are
// force-deleted with predrain_unstick. microk8s: the snap refresh node by node, then incident 000's
// validations (endpoint-validate, option B kcm-restart, ingress-validate, the checklist).
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../e2e/cli.js';
import { checkSummaryOf, indexOf, nodeSummary, PlaybookLab, results, type LabStatus } from './lab.js';

const FAST = ['-e', 'upgrade_soak_seconds=1', '-e', 'drain_timeout=20s', '-e', 'upgrade_quiet_minutes=0', '-e', 'postflight_retries=1'];
const versions = (s: LabStatus) => s.nodes.map((n) => n.kubeletVersion);
const unchanged = (e: { type: string; [k: string]: unknown }) => !(e.type === 'result' && e['status'] === 'changed');

describe('k8s-upgrade.yml on a kubeadm lab with three control planes (stacked etcd)', { timeout: 240_000 }, () => {
  let lab: PlaybookLab;
  beforeAll(async () => {
    assertBuilt();
    lab = await PlaybookLab.up('etcd', {}, '--control-planes', '3');
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('refuses to skip a minor before touching anything', async () => {
    const r = await lab.events('k8s-upgrade.yml', '-e', 'kube_version=1.31.10', ...FAST);
    expect(r.rc).toBe(2);
    const gate = results(r.events, 'no downgrade and no skipped minor')[0];
    expect(gate).toMatchObject({ host: 'k8s01', status: 'failed' });
    expect(String(gate?.['error'])).toContain('one minor at a time');
    expect(String(gate?.['error'])).toContain('1.30.x first');
    expect(r.events.every(unchanged)).toBe(true);
    const s = await lab.status();
    expect(s.api.version).toBe('v1.29.14');
  });

  it('refuses a node that changed Ready state within the 24 h quiet period', async () => {
    const r = await lab.run('k8s-upgrade.yml', '--check', '-e', 'upgrade_to=minor');
    expect(r.rc).toBe(2);
    expect(r.stdout).toMatch(/k8s01, k8s02, k8s03 changed Ready state less than 1440 minute\(s\) ago/);
  });

  it('refuses addons too old for the target minor, naming each (the matrix in playbooks/data/addon-compat.yml)', async () => {
    await lab.fault('addon-versions-too-old', true);
    try {
      const r = await lab.run('k8s-upgrade.yml', '--check', '-e', 'upgrade_to=minor', ...FAST);
      expect(r.rc).toBe(2);
      expect(r.stdout).toMatch(/addons too old for 1\.30: calico 3\.27\.3 \(kube-system\/calico-node\) needs 3\.28\.0, ingress-nginx 1\.10\.1 \(ingress\/ingress-nginx-controller\) needs 1\.11\.0, cert-manager 1\.13\.6 \(cert-manager\/cert-manager\) needs 1\.15\.0, metrics-server 0\.6\.4 \(kube-system\/metrics-server\) needs 0\.7\.0, coredns 1\.9\.3 \(kube-system\/coredns\) needs 1\.11\.1; upgrade them first/);
      // a patch stays within the running minor: the addons are not the question
      const patch = await lab.run('k8s-upgrade.yml', '--check', '-e', 'kube_version=1.29.15', ...FAST);
      expect(patch.stdout).toContain('a patch of 1.29: the running addons already support it');
    } finally {
      await lab.fault('addon-versions-too-old', false);
    }
  });

  it('refuses a kubectl two minors away from the API server', async () => {
    const step = `- hosts: k8s03
  gather_facts: false
  become: true
  tasks:
    - lineinfile: {path: "{{ tsplay_node_root }}/etc/apt/sources.list.d/kubernetes.list", line: "deb https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /"}
    - apt: {name: "kubectl={{ v }}", update_cache: true, allow_downgrade: true, hold: true}
`;
    expect((await lab.play('kubectl.yml', step, '-e', 'v=1.31.10-1.1')).rc).toBe(0);
    try {
      const r = await lab.run('k8s-upgrade.yml', '--check', '-e', 'upgrade_to=minor', ...FAST);
      expect(r.rc).toBe(2);
      expect(r.stdout).toMatch(/kubectl must stay within one minor of the API server \(1\.29 now, 1\.30 after the control plane\): k8s03 has kubectl 1\.31\.10/);
    } finally {
      expect((await lab.play('kubectl.yml', step, '-e', 'v=1.29.14-1.1')).rc).toBe(0);
    }
  });

  it('--check: the OIDC drift warning, and every step a real run takes (apply, node, the snapshot and its copy) in the summary', async () => {
    const manifest = join(lab.nodeRoot('k8s01'), 'etc/kubernetes/manifests/kube-apiserver.yaml');
    const original = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, original.replace('    image:', '    command: [kube-apiserver, --authentication-config=/etc/kubernetes/pki/auth-config.yaml]\n    image:'));
    try {
      const r = await lab.run('k8s-upgrade.yml', '--check', '-e', 'upgrade_to=minor', '-e', 'kubeadm_apply_args=--skip-phases=addon/coredns', ...FAST);
      expect(r.rc).toBe(0);
      expect(r.stdout).toContain('"msg": "1.29.14 -> 1.30.14 (found: the newest 1.30 patch); to upgrade: API server, k8s01, k8s02, k8s03"');
      // the deprecated APIs the clients still request (apiserver_requested_deprecated_apis): none removed by 1.30
      expect(r.stdout).toMatch(/"msg": "[1-9]\d* deprecated API\(s\) in use, none removed by 1\.30"/);
      expect(r.stdout).toMatch(/"msg": "WARNING: the API server runs with --authentication-config but kubeadm-config does not have it\. kubeadm upgrade apply will drop --authentication-config/);
      // kubeadm leaves CoreDNS alone when asked (incident 001's custom Corefile)
      expect(r.stdout).toMatch(/would run: \[k8s01\] => kubeadm upgrade apply -y v1\.30\.14 --skip-phases=addon\/coredns *\(not run in check mode\)/);
      expect(r.stdout).toMatch(/would run: \[k8s01\] => copy \S+\/var\/backups\/etcd\/pre-upgrade-1\.30\.14-\S+\.db from k8s01 to \S+\/etcd-snapshots\/k8s01-pre-upgrade-1\.30\.14-\S+\.db on the controller \(not run in check mode\)/);
      const summary = r.stdout.slice(r.stdout.indexOf('CHECK SUMMARY'));
      expect(summary).toMatch(/k8s01: etcd snapshot on k8s01: etcdctl snapshot save/);
      expect(summary).toMatch(/copy the snapshot to the controller: copy /);
      expect(summary).toMatch(/kubeadm upgrade apply v1\.30\.14: kubeadm upgrade apply -y v1\.30\.14/);
      expect(summary).toMatch(/k8s02: kubeadm upgrade node: kubeadm upgrade node\n/);
      expect(summary).toMatch(/k8s03: kubeadm upgrade node: kubeadm upgrade node\n/);
      for (const h of ['k8s02', 'k8s03']) expect(checkSummaryOf(r.stdout, h)).toEqual(['cordon', 'drain', 'kubeadm 1.30.14 (unhold, install, hold)', 'kubelet and kubectl 1.30.14 (unhold, install, hold)', 'restart the kubelet on the new version', 'uncordon']);
      // never a bare "skipping" for a step a real run takes
      expect(r.stdout).not.toMatch(/TASK \[kubeadm upgrade apply v1\.30\.14\] \*+\nskipping: \[k8s01\]/);
      expect(r.stdout).not.toMatch(/TASK \[kubeadm upgrade node\] \*+\nskipping: \[k8s0[23]\]/);
      expect(r.stdout).not.toMatch(/TASK \[(etcd snapshot on k8s01|copy the snapshot to the controller)\] \*+\nskipping/);
      const s = await lab.status();
      expect(s.api.version).toBe('v1.29.14');
      expect(versions(s)).toEqual(['v1.29.14', 'v1.29.14', 'v1.29.14']);
    } finally {
      writeFileSync(manifest, original);
    }
  });

  it('--limit k8s02 while the API server is behind: k8s02 is the first control plane of the run, so it runs `kubeadm upgrade apply`', async () => {
    const r = await lab.run('k8s-upgrade.yml', '--check', '-e', 'kube_version=1.30.14', '-l', 'k8s02', ...FAST);
    expect(r.rc).toBe(0);
    expect(r.stdout).toMatch(/would run: \[k8s02\] => kubeadm upgrade apply -y v1\.30\.14 *\(not run in check mode\)/);
    expect(r.stdout).not.toMatch(/TASK \[kubeadm upgrade node\] \*+\nwould run: \[k8s02\]/);
    // the summary's commands line of k8s02 (the gates ran there too)
    expect(r.stdout.slice(r.stdout.indexOf('CHECK SUMMARY'))).toMatch(/\nk8s02: .*kubeadm upgrade apply v1\.30\.14: kubeadm upgrade apply -y v1\.30\.14\n/);
    expect(versions(await lab.status())).toEqual(['v1.29.14', 'v1.29.14', 'v1.29.14']);
  });

  it('upgrades to the next minor it finds: the snapshot verified on the controller, apply on k8s01, node on k8s02 and k8s03, control-plane pods checked, a per-node summary', async () => {
    // kubeadm's etcd backups on a control plane that is not the first: the one older than 3 days goes
    const backups = join(lab.nodeRoot('k8s02'), 'etc/kubernetes/tmp');
    const stale = join(backups, 'kubeadm-backup-etcd-2026-01-01-00-00-00');
    const recent = join(backups, 'kubeadm-backup-etcd-recent');
    mkdirSync(stale, { recursive: true });
    mkdirSync(recent, { recursive: true });
    // owned like the node's other files (the lab's shell user), as kubeadm's own would be
    const owner = statSync(join(lab.nodeRoot('k8s02'), 'etc/kubernetes'));
    for (const d of [backups, stale, recent]) chownSync(d, owner.uid, owner.gid);
    const old = new Date(Date.now() - 5 * 86_400_000);
    utimesSync(stale, old, old);
    const r = await lab.events('k8s-upgrade.yml', '-e', 'upgrade_to=minor', ...FAST);
    expect(r.rc).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(results(r.events, 'kubeadm upgrade apply v1.30.14').filter((e) => e['status'] === 'changed').map((e) => e['host'])).toEqual(['k8s01']);
    expect(results(r.events, 'kubeadm upgrade node').filter((e) => e['status'] === 'changed').map((e) => e['host'])).toEqual(['k8s02', 'k8s03']);
    const snaps = readdirSync(join(lab.dir, 'etcd-snapshots'));
    expect(snaps).toHaveLength(1);
    expect(snaps[0]).toMatch(/^k8s01-pre-upgrade-1\.30\.14-.*\.db$/);
    expect(readFileSync(join(lab.dir, 'etcd-snapshots', snaps[0] as string), 'utf8')).toMatch(/^tsplay lab etcd snapshot /);
    expect(existsSync(join(lab.nodeRoot('k8s01'), 'var/backups/etcd', (snaps[0] as string).replace(/^k8s01-/, '')))).toBe(false);
    expect(results(r.events, 'the controller\'s copy is verified')[0]).toMatchObject({ status: 'ok' });
    // the target recorded for --resume is removed once every node is at it
    expect(results(r.events, 'the upgrade is finished (the recorded target is no longer needed)')[0]).toMatchObject({ status: 'changed' });
    for (const h of ['k8s01', 'k8s02', 'k8s03']) expect(results(r.events, `${h}: the control plane Running`).at(-1)).toMatchObject({ status: 'ok' });
    // one node at a time: each is uncordoned before the next is cordoned
    expect(indexOf(r.events, 'k8s02', 'cordon')).toBeGreaterThan(indexOf(r.events, 'k8s01', 'uncordon'));
    expect(indexOf(r.events, 'k8s03', 'cordon')).toBeGreaterThan(indexOf(r.events, 'k8s02', 'uncordon'));
    expect(nodeSummary(r.events)).toEqual([
      'target 1.30.14 (found); API server 1.29.14 before',
      expect.stringMatching(/^k8s01: 1\.29\.14 -> 1\.30\.14, kubeadm upgrade apply, kubeadm\/kubelet\/kubectl 1\.30\.14 held, \d+ pod\(s\) evicted, \d+s$/),
      expect.stringMatching(/^k8s02: 1\.29\.14 -> 1\.30\.14, kubeadm upgrade node, kubeadm\/kubelet\/kubectl 1\.30\.14 held, \d+ pod\(s\) evicted, \d+s$/),
      expect.stringMatching(/^k8s03: 1\.29\.14 -> 1\.30\.14, kubeadm upgrade node, kubeadm\/kubelet\/kubectl 1\.30\.14 held, \d+ pod\(s\) evicted, \d+s$/),
    ]);
    const s = await lab.status();
    expect(s.api.version).toBe('v1.30.14');
    expect(versions(s)).toEqual(['v1.30.14', 'v1.30.14', 'v1.30.14']);
    expect(s.nodes.every((n) => !n.cordoned && n.ready && n.held.join(',') === 'kubeadm,kubectl,kubelet')).toBe(true);
    expect(s.quorum.ok).toBe(true);
    expect(s.incidents).toEqual([]);
  });

  it('a second run finds nothing to upgrade and changes nothing', async () => {
    const r = await lab.events('k8s-upgrade.yml', ...FAST);
    expect(r.rc).toBe(0);
    expect(results(r.events, 'nothing to upgrade')[0]?.['msg']).toBe('the cluster runs 1.30.14, the newest 1.30 patch in the apt repository; -e upgrade_to=minor upgrades to 1.31');
    expect(results(r.events, 'cordon')).toHaveLength(0);
    expect(r.events.every(unchanged)).toBe(true);
  });
});

describe('k8s-upgrade.yml on a kubeadm lab with one control plane', { timeout: 240_000 }, () => {
  let lab: PlaybookLab;
  beforeAll(async () => {
    assertBuilt();
    lab = await PlaybookLab.up('etcd');
  });
  afterAll(async () => {
    await lab?.down();
  });

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

describe('k8s-upgrade.yml on a microk8s lab', { timeout: 240_000 }, () => {
  let lab: PlaybookLab;
  beforeAll(async () => {
    assertBuilt();
    lab = await PlaybookLab.up('dqlite');
  });
  afterAll(async () => {
    await lab?.down();
  });

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
