// playbooks/k8s-reboot.yml on a kubeadm lab with one control plane (etcd on k8s01), through the
// built CLI: while k8s01 reboots the API is gone, and after it is back the API refuses writes with
// HTTP 503 for a while (etcd regaining quorum). The reboot step waits for the node's kubelet to renew
// its Lease — a write — so even with the client's retries turned off (TSPLAY_KUBE_RETRY_S=0) the
// uncordon after it no longer meets the 503, and the reboot reports how long Ready took.
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
  it('without client retries the reboot waits out the 503 itself (a Lease renewal is a write): the uncordon succeeds', async () => {
    const before = (await lab.status()).nodes.find((n) => n.name === 'k8s01')?.bootId;
    const r = await lab.cli(['run', join(PLAYBOOKS, 'k8s-reboot.yml'), '--output', 'json', ...FAST], 120_000, { TSPLAY_KUBE_RETRY_S: '0' });
    expect(r.rc, r.stderr + r.stdout.split('\n').filter((l) => /"status":"(failed|unreachable)"|"type":"(error|safety)"/.test(l)).join('\n')).toBe(0);
    const events = parseEvents(r.stdout);
    const reboot = results(events, 'reboot');
    expect(reboot.map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed']]);
    // writes fail for 4 s after etcd's quorum returns: Ready (a renewed Lease) comes after that
    expect((reboot[0]?.['report'] as { ready_after_s: number }).ready_after_s).toBeGreaterThanOrEqual(4);
    expect(results(events, 'uncordon').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed']]);
    const after = (await lab.status()).nodes.find((n) => n.name === 'k8s01');
    expect(after?.bootId).not.toBe(before);
    expect(after?.cordoned).toBe(false);
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

  it('a run that fails after the control plane\'s reboot does not reboot it again on --resume', async () => {
    const first = await lab.events('k8s-reboot.yml', ...FAST, '-e', 'coredns_min_ready=9', '-e', 'stall_checks=1');
    expect(first.rc, first.why).toBe(2);
    expect(results(first.events, 'reboot')).toMatchObject([{ host: 'k8s01', status: 'changed' }]);
    const mid = (await lab.status()).nodes.find((n) => n.name === 'k8s01')?.bootId;
    const resumed = await lab.events('k8s-reboot.yml', '--resume', ...FAST, '-e', 'coredns_min_ready=2');
    expect(resumed.rc, resumed.why).toBe(0);
    expect(resumed.events.find((e) => e.type === 'start')?.['resumed_from']).toBeTruthy();
    // the reboot it finished comes back from the journal (resumed), it does not run again
    expect(results(resumed.events, 'reboot').filter((e) => e['status'] === 'changed' && e['resumed'] !== true)).toEqual([]);
    const after = (await lab.status()).nodes.find((n) => n.name === 'k8s01');
    expect(after?.bootId).toBe(mid);
    expect(after?.cordoned).toBe(false);
  });

  it('the election k8s01 logged after its own reboot is not contention; etcd-leader-churn is, and the guard refuses the reboot', async () => {
    const before = (await lab.status()).nodes.find((n) => n.name === 'k8s01')?.bootId;
    await lab.fault('etcd-leader-churn', true, 'k8s01');
    const r = await lab.events('k8s-reboot.yml', ...FAST, '-e', 'tsplay_datastore_guard_wait=1s');
    await lab.fault('etcd-leader-churn', false, 'k8s01');
    expect(r.rc).not.toBe(0);
    expect(results(r.events, 'reboot').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'failed']]);
    const refusal = r.events.find((e) => e.type === 'safety' && e['check'] === 'datastore-guard');
    expect(String(refusal?.['msg'])).toMatch(/etcd contention line\(s\) in the last 300s \(k8s01 read\): k8s01: .*apply request took too long/);
    const s = await lab.status();
    expect(s.nodes.find((n) => n.name === 'k8s01')?.bootId).toBe(before);
    expect(s.incidents).toEqual([]);
  });
});
