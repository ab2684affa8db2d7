// playbooks/k8s-reboot.yml on the rehearsal lab (microk8s, dqlite), through the built CLI: --check
// changes nothing; the preflight refuses while an alert fires; a PDB-blocked drain stops the run on
// that node (cordoned, the others untouched) and --resume finishes it; the sandbox drain prevents
// the stale sandboxes a plain reboot leaves; missing Calico NAT rules are detected and repaired;
// nodes reboot one at a time with new boot ids; the postflight names a scheduler stall.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../e2e/cli.js';
import { indexOf, parseEvents, PlaybookLab, results, type LabStatus } from './lab.js';

let lab: PlaybookLab;
const FAST = ['-e', 'reboot_soak_seconds=1', '-e', 'drain_timeout=4s', '-e', 'postflight_retries=3'];
const bootIds = (s: LabStatus) => Object.fromEntries(s.nodes.map((n) => [n.name, n.bootId]));
const node = (s: LabStatus, name: string) => s.nodes.find((n) => n.name === name);

beforeAll(async () => {
  assertBuilt();
  lab = await PlaybookLab.up('dqlite');
});
afterAll(async () => {
  await lab?.down();
});

describe('k8s-reboot.yml on the lab', { timeout: 180_000 }, () => {
  it('--check prints the plan and the steps, and changes nothing', async () => {
    const before = await lab.status();
    const r = await lab.run('k8s-reboot.yml', '--check', ...FAST);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('PLAY 2 [rolling reboot]  hosts: k8s (3 hosts)  serial: 1');
    expect(r.stdout).toContain('batch 3/3: k8s03');
    expect(r.stdout).toMatch(/TASK \[reboot\] \*+\nchanged: \[k8s01\]/);
    const after = await lab.status();
    expect(bootIds(after)).toEqual(bootIds(before));
    expect(after.nodes.map((n) => n.cordoned)).toEqual([false, false, false]);
    expect(after.nodes.map((n) => n.sandboxes)).toEqual(before.nodes.map((n) => n.sandboxes));
  });

  it('refuses to start while an alert fires (preflight guard), rebooting nothing', async () => {
    await lab.fault('alert-firing', true);
    try {
      const before = await lab.status();
      const r = await lab.run('k8s-reboot.yml', ...FAST);
      expect(r.rc).toBe(2);
      expect(r.stderr).toMatch(/\[GUARD\] k8s01: alerts tripped: firing: \w+/);
      expect(r.stdout).toMatch(/fatal: \[k8s01\]: FAILED! => .*"msg": "guard tripped: alerts: firing: \w+"/);
      expect(r.stdout).not.toContain('TASK [cordon]');
      expect(bootIds(await lab.status())).toEqual(bootIds(before));
    } finally {
      await lab.fault('alert-firing', false);
    }
  });

  it('stops at a drain a PodDisruptionBudget blocks: that node stays cordoned, the others are untouched; --resume finishes', async () => {
    const before = await lab.status();
    await lab.fault('pdb-blocks-drain', true);
    const r = await lab.events('k8s-reboot.yml', ...FAST);
    expect(r.rc).toBe(2);
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
    expect(resumed.rc).toBe(0);
    const start = resumed.events.find((e) => e.type === 'start');
    expect(start?.['resumed_from']).toBeTruthy();
    const after = await lab.status();
    for (const n of after.nodes) {
      expect(n.bootId).not.toBe(bootIds(before)[n.name]);
      expect(n.cordoned).toBe(false);
      expect(n.ready).toBe(true);
    }
  });

  it('a reboot without the sandbox drain leaves stale sandboxes under the fault; the playbook drains them first', async () => {
    await lab.fault('stale-sandbox-after-reboot', true);
    try {
      const plain = await lab.run('k8s-reboot.yml', '--tags', 'reboot', '-l', 'k8s03', '-e', 'sandbox_drain=false', ...FAST);
      expect(plain.rc).toBe(0);
      expect(node(await lab.status(), 'k8s03')?.notes.join(';')).toMatch(/stale sandboxes: [1-9]/);

      const r = await lab.run('k8s-reboot.yml', '--tags', 'reboot', ...FAST);
      expect(r.rc).toBe(0);
      expect(r.stdout).toMatch(/TASK \[drain the containerd pod sandboxes\] \*+\nchanged: \[k8s01\]/);
      for (const n of (await lab.status()).nodes) expect(n.notes.join(';')).not.toContain('stale sandboxes');
    } finally {
      await lab.fault('stale-sandbox-after-reboot', false);
    }
  });

  it('reboots one node at a time with new boot ids, repairing missing Calico NAT rules', async () => {
    await lab.fault('calico-nat-missing-after-reboot', true);
    try {
      const before = await lab.status();
      const r = await lab.events('k8s-reboot.yml', ...FAST);
      expect(r.rc).toBe(0);
      const hosts = ['k8s01', 'k8s02', 'k8s03'];
      // strictly sequential: a node is uncordoned before the next one is cordoned
      for (let i = 0; i + 1 < hosts.length; i++) {
        expect(indexOf(r.events, hosts[i] as string, 'uncordon')).toBeGreaterThan(indexOf(r.events, hosts[i] as string, 'reboot'));
        expect(indexOf(r.events, hosts[i + 1] as string, 'cordon')).toBeGreaterThan(indexOf(r.events, hosts[i] as string, 'uncordon'));
      }
      expect(results(r.events, 'reboot').map((e) => [e['host'], e['status']])).toEqual(hosts.map((h) => [h, 'changed']));
      const calico = results(r.events, "restart the node's calico-node pod when its NAT rules are missing");
      expect(calico.map((e) => e['status'])).toEqual(['changed', 'changed', 'changed']);
      const after = await lab.status();
      for (const n of after.nodes) {
        expect(n.bootId).not.toBe(bootIds(before)[n.name]);
        expect(n.notes.join(';')).not.toContain('calico NAT rules missing');
        expect(n.cordoned).toBe(false);
      }
      expect(after.quorum.ok).toBe(true);
    } finally {
      await lab.fault('calico-nat-missing-after-reboot', false);
    }
  });

  it('Ctrl-C in batch 2 of 3 stops after the step in flight (exit 99); --resume continues at batch 2 without redoing batch 1', async () => {
    const before = await lab.status();
    const run = lab.start('k8s-reboot.yml', ...FAST);
    let out = '';
    run.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('"type":"batch","play":2,"batch":2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    run.child.kill('SIGINT');
    const first = await run.done;
    expect(first.rc).toBe(99);
    const events = parseEvents(first.stdout);
    expect(results(events, 'reboot').map((e) => e['host'])).toEqual(['k8s01']);
    const mid = await lab.status();
    expect(node(mid, 'k8s01')?.bootId).not.toBe(node(before, 'k8s01')?.bootId);
    expect(node(mid, 'k8s03')?.bootId).toBe(node(before, 'k8s03')?.bootId);

    const resumed = await lab.events('k8s-reboot.yml', '--resume', ...FAST);
    expect(resumed.rc).toBe(0);
    expect(resumed.events.filter((e) => e.type === 'resume_skip').map((e) => [e['play'], e['batch']])).toEqual([[1, 1], [2, 1]]);
    expect(results(resumed.events, 'reboot').map((e) => e['host'])).toEqual(['k8s02', 'k8s03'].filter((h) => indexOf(events, h, 'reboot') < 0));
    const after = await lab.status();
    expect(node(after, 'k8s01')?.bootId).toBe(node(mid, 'k8s01')?.bootId);
    for (const n of after.nodes) {
      expect(n.bootId).not.toBe(node(before, n.name)?.bootId);
      expect(n.cordoned).toBe(false);
    }
  });

  // Interrupts a rolling reboot while k8s02 reboots (batch 2), lets the lab settle, resumes, and
  // checks with the boot ids that every node rebooted exactly once.
  async function interruptDuringReboot(signals: NodeJS.Signals[]): Promise<{ first: { rc: number | null; signal: NodeJS.Signals | null; stdout: string } }> {
    const before = await lab.status();
    const run = lab.start('k8s-reboot.yml', ...FAST);
    let out = '';
    run.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/"type":"task","play":2,"batch":2,"name":"reboot"/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const [i, sig] of signals.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 150));
      run.child.kill(sig);
    }
    const first = await run.done;
    // an in-flight reboot goes on in the lab: let it finish before reading the boot ids
    await new Promise((r) => setTimeout(r, 1500));
    const mid = await lab.status();
    expect(node(mid, 'k8s01')?.bootId).not.toBe(node(before, 'k8s01')?.bootId);
    expect(node(mid, 'k8s03')?.bootId).toBe(node(before, 'k8s03')?.bootId);
    const k8s02RebootedBefore = node(mid, 'k8s02')?.bootId !== node(before, 'k8s02')?.bootId;

    const resumed = await lab.events('k8s-reboot.yml', '--resume', ...FAST);
    expect(resumed.rc, resumed.stderr).toBe(0);
    const reboots = results(resumed.events, 'reboot').filter((e) => e['resumed'] !== true).map((e) => e['host']);
    // k8s01 finished in batch 1; k8s02 reboots in the resumed run only if it had not yet; k8s03 once
    expect(reboots).toEqual(k8s02RebootedBefore ? ['k8s03'] : ['k8s02', 'k8s03']);
    const after = await lab.status();
    expect(node(after, 'k8s01')?.bootId).toBe(node(mid, 'k8s01')?.bootId);
    if (k8s02RebootedBefore) expect(node(after, 'k8s02')?.bootId).toBe(node(mid, 'k8s02')?.bootId);
    for (const n of after.nodes) {
      expect(n.bootId).not.toBe(node(before, n.name)?.bootId);
      expect(n.cordoned).toBe(false);
      expect(n.ready).toBe(true);
    }
    return { first };
  }

  it('kill -9 while k8s02 reboots (batch 2): --resume continues that run and no node reboots twice (boot ids)', async () => {
    const { first } = await interruptDuringReboot(['SIGKILL']);
    expect(first.signal).toBe('SIGKILL');
  });

  it('two SIGINTs while k8s02 reboots: exit 99, the reboot in flight aborted; --resume does not reboot it again', async () => {
    const { first } = await interruptDuringReboot(['SIGINT', 'SIGINT']);
    expect(first.rc).toBe(99);
    expect(first.stdout).not.toMatch(/internal error/);
  });

  it('the postflight names a scheduler stall', async () => {
    await lab.fault('scheduler-stall', true);
    try {
      // a replacement pod that the stalled scheduler never places
      writeFileSync(join(lab.dir, 'kill-web.yml'), '- hosts: k8s[0]\n  gather_facts: false\n  tasks:\n    - kubectl: {action: delete, kind: pod, namespace: default, selector: app=web}\n');
      expect((await lab.cli(['run', 'kill-web.yml'])).rc).toBe(0);
      const r = await lab.run('k8s-reboot.yml', '--tags', 'postflight', ...FAST);
      expect(r.rc).toBe(2);
      expect(r.stdout).toMatch(/scheduler stall: [1-9]\d* pod\(s\) Pending with no FailedScheduling events/);
    } finally {
      await lab.fault('scheduler-stall', false);
    }
  });
});
