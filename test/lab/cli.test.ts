// `tsplay lab up/status/fault/incidents/budget/advance/down` in a temp directory, a playbook run
// against the lab's inventory over tsplay's own SSH transport, and cleanup of a lab whose daemon
// died. The lab commands run the built CLI's main in this process (what they print and return, the
// daemon they start); the first status and the playbook run start the built CLI as a process.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { builtLabMissing, FAST, tsplay } from './helpers.js';

const missing = builtLabMissing();
let dir = '';
const env = { TSPLAY_LAB_TIMINGS: JSON.stringify({ ...FAST, timeScale: 0.01 }), CI: '1' };
const lab = async (...args: string[]) => {
  const r = await runInProcess(['lab', ...args], { cwd: dir, env, timeoutMs: 90_000 });
  return { ...r, rc: r.rc ?? -1 };
};
const pidOf = () => (JSON.parse(readFileSync(join(dir, '.tsplay/lab/state.json'), 'utf8')) as { pid: number }).pid;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-lab-cli-'));
  chmodSync(dir, 0o755);
});
afterAll(async () => {
  if (dir && existsSync(join(dir, '.tsplay/lab/state.json'))) await lab('down');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)(`tsplay lab (built CLI)${missing ? ` — skipped: ${missing}` : ''}`, () => {
  it('is not running before up (the built CLI as a process)', async () => {
    const r = await tsplay(['lab', 'status'], { cwd: dir, env });
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain('tsplay lab is not running');
  });

  it('up --control-planes: only for etcd, at most --nodes; three control planes make three nodes', async () => {
    const dqlite = await lab('up', '--control-planes', '3');
    expect(dqlite.rc).toBe(5);
    expect(dqlite.stderr).toContain('argument --control-planes: only with --datastore etcd');
    const over = await lab('up', '--datastore', 'etcd', '--control-planes', '4', '--nodes', '3');
    expect(over.rc).toBe(5);
    expect(over.stderr).toContain("argument --control-planes: invalid value '4' (at most --nodes, 3)");
    const other = mkdtempSync(join(tmpdir(), 'tsplay-lab-cli-cp-'));
    chmodSync(other, 0o755);
    try {
      const up = await tsplay(['lab', 'up', '--datastore', 'etcd', '--control-planes', '3', '--json'], { cwd: other, env, timeoutMs: 90_000 });
      expect(up.rc, up.stderr).toBe(0);
      const s = JSON.parse(up.stdout) as { nodes: { name: string; role: string; datastore: string }[]; quorum: { voters: number } };
      expect(s.nodes.map((n) => `${n.name} ${n.role} ${n.datastore}`)).toEqual(['k8s01 control-plane member (leader)', 'k8s02 control-plane member', 'k8s03 control-plane member']);
      expect(s.quorum.voters).toBe(3);
      expect(readFileSync(join(other, 'inventory/lab.yml'), 'utf8')).toMatch(/etcd:\n\s+hosts:\n\s+k8s01: null\n\s+k8s02: null\n\s+k8s03: null/);
    } finally {
      await tsplay(['lab', 'down'], { cwd: other, env });
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('up starts the daemon and writes the inventory; a second up only shows the status', async () => {
    const r = await lab('up', '--nodes', '2');
    expect(r.rc, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tsplay lab is up \(pid \d+\)/);
    expect(r.stdout).toMatch(/^k8s02 +control-plane +\d+ +up +Ready/m);
    const inv = readFileSync(join(dir, 'inventory/lab.yml'), 'utf8');
    expect(inv).toContain('ansible_ssh_common_args: -o UserKnownHostsFile=');
    expect(inv).toContain('k8s_flavor: microk8s');
    expect(alive(pidOf())).toBe(true);
    const again = await lab('up');
    expect(again.rc).toBe(0);
    expect(again.stderr).toContain('tsplay lab is already up');
  });

  it('status --json and faults', async () => {
    const s = JSON.parse((await lab('status', '--json')).stdout) as { nodes: { name: string; ready: boolean; bootId: string }[]; quorum: { ok: boolean } };
    expect(s.nodes.map((n) => [n.name, n.ready])).toEqual([['k8s01', true], ['k8s02', true]]);
    expect((await lab('fault', 'alert-firing', 'on')).stdout.trim()).toBe('alert-firing on');
    expect((await lab('fault')).stdout).toMatch(/^alert-firing +on$/m);
    expect((await lab('status')).stdout).toContain('faults:\n  alert-firing');
    expect((await lab('fault', 'alert-firing', 'off')).rc).toBe(0);
    const bad = await lab('fault', 'no-such-fault', 'on');
    expect(bad.rc).toBe(5);
  });

  it('incidents [clear] [--json], status with the incidents and the budget, budget [N], advance DURATION', async () => {
    const status = async () => JSON.parse((await lab('status', '--json')).stdout) as { budget: number; incidents: { kind: string; nodes: string[] }[] };
    expect(await status()).toMatchObject({ budget: 1, incidents: [] });
    expect((await lab('status')).stdout).toMatch(/^node budget: 1 unavailable at a time; unavailable now: none\nincidents: none$/m);
    expect((await lab('incidents')).stdout.trim()).toBe('no incidents');
    const kube = new KubeClient(loadKubeconfig({ path: join(dir, '.tsplay/lab/kubeconfig'), context: 'lab' }));
    try {
      for (const n of ['k8s01', 'k8s02']) await kube.patch('nodes', n, { spec: { unschedulable: true } });
      const s = await status();
      expect(s.incidents).toEqual([expect.objectContaining({ kind: 'over-budget', nodes: ['k8s01', 'k8s02'], message: '2 nodes unavailable at once (budget 1): k8s01 cordoned; k8s02 cordoned' })]);
      expect((s.incidents[0] as unknown as { at: string }).at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect((await lab('status')).stdout).toMatch(/^incidents: 1\n {2}\S+Z {2}over-budget {2}\[k8s01,k8s02\] {2}2 nodes unavailable/m);
      expect(JSON.parse((await lab('incidents', '--json')).stdout)).toEqual(s.incidents);
      const cleared = await lab('incidents', 'clear');
      expect(cleared.stdout).toMatch(/over-budget {2}\[k8s01,k8s02\].*\ncleared 1 incident\(s\)\n$/);
      expect(JSON.parse((await lab('incidents', '--json')).stdout)).toEqual([]);
      for (const n of ['k8s01', 'k8s02']) await kube.patch('nodes', n, { spec: { unschedulable: false } });
    } finally {
      kube.close();
    }
    expect((await lab('budget', '2')).stdout.trim()).toBe('node budget: 2 unavailable at a time');
    expect((await status()).budget).toBe(2);
    const bad = await lab('budget', '3');
    expect([bad.rc, bad.stderr.trim()]).toEqual([5, "tsplay: error: invalid node budget '3' (an integer from 0 to 2 is required)"]);
    expect((await lab('budget', '1')).rc).toBe(0);
    expect((await lab('budget')).stdout.trim()).toBe('node budget: 1 unavailable at a time; unavailable now: none');
    const adv = await lab('advance', '10m');
    expect(adv.rc, adv.stderr).toBe(0);
    expect(adv.stdout).toMatch(/^journals advanced by 10m: \d+ entries on 2 node\(s\) are now that much older\n$/);
    for (const v of ['10x', '0s', '5 m', '10', '400d']) {
      const r = await lab('advance', v);
      expect([r.rc, r.stderr]).toEqual([5, expect.stringContaining(`invalid duration '${v}'`)]);
    }
    expect((await lab('advance')).rc).toBe(2);
    expect((await lab('incidents', 'bogus')).rc).toBe(2);
  });

  it('runs a playbook against the lab over the ssh transport (command, systemctl, become, reboot)', async () => {
    const before = JSON.parse((await lab('status', '--json')).stdout) as { nodes: { bootId: string }[] };
    const modules = (await tsplay(['modules'], { cwd: dir })).stdout;
    const reboot = /^reboot\s/m.test(modules)
      ? `\n    - name: reboot\n      reboot:\n        reboot_timeout: 60\n      become: true\n      when: inventory_hostname == 'k8s02'\n`
      : '';
    writeFileSync(join(dir, 'play.yml'), `- hosts: k8s
  serial: 1
  gather_facts: false
  tasks:
    - command: hostname
      register: h
    - assert:
        that: h.stdout == inventory_hostname
    - shell: systemctl show snap.microk8s.daemon-kubelite -p ActiveState
      register: st
      failed_when: st.stdout != 'ActiveState=active'
    - shell: systemctl restart snap.microk8s.daemon-kubelite
      become: true
    - copy:
        content: "--metrics\\n"
        dest: "{{ tsplay_node_root }}/var/snap/microk8s/current/args/k8s-dqlite-extra"${reboot}`);
    // the reboot here tests the transport, not the procedure: the node is deliberately not drained
    const r = await tsplay(['run', 'play.yml', '-i', 'inventory/lab.yml', '--allow-unsafe', 'reboot-undrained'], { cwd: dir, env, timeoutMs: 120_000 });
    expect(r.rc, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/k8s01 +: ok=\d+ +changed=\d+ +unreachable=0 +failed=0/);
    expect(readFileSync(join(dir, '.tsplay/lab/nodes/k8s01/var/snap/microk8s/current/args/k8s-dqlite-extra'), 'utf8')).toBe('--metrics\n');
    if (reboot) {
      const after = JSON.parse((await lab('status', '--json')).stdout) as { nodes: { bootId: string }[] };
      expect(after.nodes[1]?.bootId).not.toBe(before.nodes[1]?.bootId);
      expect(after.nodes[0]?.bootId).toBe(before.nodes[0]?.bootId);
    }
  });

  it('down stops the daemon and removes its files', async () => {
    const pid = pidOf();
    const r = await lab('down');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('tsplay lab stopped');
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dir, '.tsplay/lab/state.json'))).toBe(false);
    expect(existsSync(join(dir, 'inventory/lab.yml'))).toBe(false);
    expect(existsSync(join(dir, '.tsplay/lab/id_ed25519'))).toBe(false);
    expect((await lab('down')).stdout).toContain('tsplay lab is not running');
  });

  it('cleans up after a lab whose daemon is gone', async () => {
    const up = await lab('up', '--nodes', '1', '--datastore', 'etcd');
    expect(up.rc, up.stderr).toBe(0);
    const pid = pidOf();
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    const r = await lab('status');
    expect(r.rc).toBe(1);
    expect(existsSync(join(dir, '.tsplay/lab/state.json'))).toBe(false);
    expect(existsSync(join(dir, 'inventory/lab.yml'))).toBe(false);
  });
});
