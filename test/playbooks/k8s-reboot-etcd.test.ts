// playbooks/k8s-reboot.yml on a kubeadm lab with one control plane (etcd on k8s01), through the
// built CLI: while k8s01 reboots the API is gone, and after it is back the API refuses writes with
// HTTP 503 for a while (etcd regaining quorum). The uncordon that follows meets that 503: with the
// client's retries the run finishes; with retries turned off (TSPLAY_KUBE_RETRY_S=0) the same
// uncordon fails with the 503 — the fault is real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../e2e/cli.js';
import { parseEvents, PlaybookLab, PLAYBOOKS, results } from './lab.js';
import { join } from 'node:path';

let lab: PlaybookLab;
const FAST = ['-e', 'reboot_soak_seconds=0', '-e', 'drain_timeout=4s', '-e', 'postflight_retries=3', '-e', 'sandbox_drain=false', '--tags', 'reboot', '--limit', 'k8s01'];

beforeAll(async () => {
  assertBuilt();
  // writes fail for 4 s after etcd regains quorum: longer than the node takes to be Ready again
  lab = await PlaybookLab.up('etcd', { quorumRecoveryMs: 4000 });
});
afterAll(async () => {
  await lab?.down();
});

describe('k8s-reboot.yml on a single control plane (kubeadm, etcd)', { timeout: 180_000 }, () => {
  it('without retries the uncordon after the control plane reboot fails with HTTP 503', async () => {
    const r = await lab.cli(['run', join(PLAYBOOKS, 'k8s-reboot.yml'), '--output', 'json', ...FAST], 120_000, { TSPLAY_KUBE_RETRY_S: '0' });
    const events = parseEvents(r.stdout);
    expect(results(events, 'reboot').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed']]);
    const uncordon = results(events, 'uncordon');
    expect(uncordon.map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'failed']]);
    expect(String(uncordon[0]?.['error'])).toMatch(/HTTP 503/);
    // --resume finishes it (the reboot restored from the journal, not repeated)
    const bootId = (await lab.status()).nodes.find((n) => n.name === 'k8s01')?.bootId;
    const resumed = await lab.events('k8s-reboot.yml', '--resume', ...FAST);
    expect(resumed.rc, resumed.stderr).toBe(0);
    expect(results(resumed.events, 'reboot')).toMatchObject([{ host: 'k8s01', resumed: true }]);
    const s = await lab.status();
    expect(s.nodes.find((n) => n.name === 'k8s01')?.bootId).toBe(bootId);
    expect(s.nodes.every((n) => !n.cordoned)).toBe(true);
  });

  it('with retries the run rides out the 503: k8s01 rebooted, Ready and uncordoned', async () => {
    const before = (await lab.status()).nodes.find((n) => n.name === 'k8s01')?.bootId;
    const r = await lab.events('k8s-reboot.yml', ...FAST);
    expect(r.rc, r.stderr).toBe(0);
    expect(results(r.events, 'reboot').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed']]);
    expect(results(r.events, 'uncordon').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed']]);
    const after = (await lab.status()).nodes.find((n) => n.name === 'k8s01');
    expect(after?.bootId).not.toBe(before);
    expect(after?.cordoned).toBe(false);
    expect(after?.ready).toBe(true);
  });

  it('the election k8s01 logged after its own reboot is not contention; etcd-leader-churn is, and the guard refuses the reboot', async () => {
    const before = (await lab.status()).nodes.find((n) => n.name === 'k8s01')?.bootId;
    await lab.fault('etcd-leader-churn', true, 'k8s01');
    const r = await lab.events('k8s-reboot.yml', ...FAST, '-e', 'tsplay_datastore_guard_wait=1s');
    await lab.fault('etcd-leader-churn', false, 'k8s01');
    expect(r.rc).not.toBe(0);
    expect(results(r.events, 'reboot').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'failed']]);
    const refusal = r.events.find((e) => e.type === 'safety' && e['check'] === 'datastore-guard');
    expect(String(refusal?.['msg'])).toMatch(/etcd contention line\(s\) on k8s01 in the last 300s: .*apply request took too long/);
    const s = await lab.status();
    expect(s.nodes.find((n) => n.name === 'k8s01')?.bootId).toBe(before);
    expect(s.incidents).toEqual([]);
  });
});
