// playbooks/k8s-upgrade.yml on the rehearsal lab through the built CLI, kubeadm with three stacked etcd
// control planes: --check says what a real run would run (apply, node, the snapshot and its copy) and
// lists it; the gates refuse a skipped minor, a kubectl two minors off, addons too old for the target,
// a node that rebooted within 24 h; the OIDC drift is a warning; the upgrade finds its target, keeps the
// etcd snapshot on the controller, runs `upgrade apply` on the first control plane and `upgrade node`
// on the others, checks their control-plane pods, and ends with a per-node summary.
// (One control plane: k8s-upgrade-single.test.ts; microk8s: k8s-upgrade-microk8s.test.ts.)
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSummaryOf, indexOf, labForTests, type LabStatus, nodeSummary, PlaybookLab, results } from './lab.js';

const FAST = ['-e', 'upgrade_soak_seconds=1', '-e', 'drain_timeout=20s', '-e', 'upgrade_quiet_minutes=0', '-e', 'postflight_retries=1'];
const versions = (s: LabStatus) => s.nodes.map((n) => n.kubeletVersion);
const unchanged = (e: { type: string; [k: string]: unknown }) => !(e.type === 'result' && e['status'] === 'changed');

describe('k8s-upgrade.yml on a kubeadm lab with three control planes (stacked etcd)', { timeout: 240_000 }, () => {
  let lab: PlaybookLab;
  labForTests((l) => (lab = l), 'etcd', {}, '--control-planes', '3');

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
