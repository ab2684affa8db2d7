// playbooks/k8s-reboot.yml on the rehearsal lab (microk8s, dqlite), interrupted: a run that fails
// after a reboot, Ctrl-C, kill -9 and two SIGINTs in the middle of the rolling reboot; --resume (and
// the marker on the node) never reboot a node twice, by the lab's boot ids.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSummaryOf, indexOf, labForTests, nodeSummary, parseEvents, PlaybookLab, PLAYBOOKS, results } from './lab.js';
import { FAST, node } from './reboot-common.js';

let lab: PlaybookLab;

labForTests((l) => (lab = l), 'dqlite');

describe('k8s-reboot.yml on the lab, interrupted and resumed', { timeout: 180_000 }, () => {
  it('a run that fails after a reboot does not reboot that node again: not a new run (the node\'s marker), not --resume (the journal)', async () => {
    const rebootedHere = (events: { type: string; [k: string]: unknown }[]) => results(events, 'reboot').filter((e) => e['status'] === 'changed' && e['resumed'] !== true);
    const first = await lab.events('k8s-reboot.yml', '--tags', 'reboot', '-l', 'k8s02', '-e', 'coredns_min_ready=9', ...FAST);
    expect(first.rc, first.why).toBe(2);
    expect(results(first.events, 'reboot')).toMatchObject([{ host: 'k8s02', status: 'changed' }]);
    const mid = await lab.status();
    expect(node(mid, 'k8s02')?.cordoned).toBe(false);
    // a new run, not a resume: the marker on the node says its reboot is done
    const again = await lab.events('k8s-reboot.yml', '--tags', 'reboot', '-l', 'k8s02', '-e', 'coredns_min_ready=9', ...FAST);
    expect(again.rc, again.why).toBe(2);
    expect(results(again.events, 'reboot')).toMatchObject([{ host: 'k8s02', status: 'skipped' }]);
    expect(results(again.events, 'k8s02 was rebooted by an interrupted run: not rebooting it again')[0]?.['msg']).toMatch(/^rebooted from boot [0-9a-f-]+ \(now [0-9a-f-]+\)/);
    // --resume of that run: the steps it finished come back from the journal, nothing reboots
    const resumed = await lab.events('k8s-reboot.yml', '--resume', '--tags', 'reboot', '-l', 'k8s02', '-e', 'coredns_min_ready=2', ...FAST);
    expect(resumed.rc, resumed.why).toBe(0);
    expect(resumed.events.find((e) => e.type === 'start')?.['resumed_from']).toBeTruthy();
    expect(rebootedHere(resumed.events)).toEqual([]);
    expect(node(await lab.status(), 'k8s02')?.bootId).toBe(node(mid, 'k8s02')?.bootId);
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
    expect(first.rc, first.why).toBe(99);
    const events = parseEvents(first.stdout);
    expect(results(events, 'reboot').map((e) => e['host'])).toEqual(['k8s01']);
    const mid = await lab.status();
    expect(node(mid, 'k8s01')?.bootId).not.toBe(node(before, 'k8s01')?.bootId);
    expect(node(mid, 'k8s03')?.bootId).toBe(node(before, 'k8s03')?.bootId);

    const resumed = await lab.events('k8s-reboot.yml', '--resume', ...FAST);
    expect(resumed.rc, resumed.why).toBe(0);
    expect(resumed.events.filter((e) => e.type === 'resume_skip').map((e) => [e['play'], e['batch']])).toEqual(expect.arrayContaining([[2, 1]]));
    expect(results(resumed.events, 'reboot').filter((e) => e['status'] === 'changed').map((e) => e['host'])).toEqual(['k8s02', 'k8s03'].filter((h) => indexOf(events, h, 'reboot') < 0));
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
    const reboots = results(resumed.events, 'reboot').filter((e) => e['resumed'] !== true && e['status'] === 'changed').map((e) => e['host']);
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
    expect(first.rc, first.why).toBe(99);
    expect(first.stdout).not.toMatch(/internal error/);
  });
});
