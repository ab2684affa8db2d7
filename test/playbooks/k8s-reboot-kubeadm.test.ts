// playbooks/k8s-reboot.yml on kubeadm labs (etcd): the single control plane, whose API refuses
// writes for a while after its reboot, and three stacked etcd members, one at a time.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../e2e/cli.js';
import { checkSummaryOf, indexOf, nodeSummary, parseEvents, PlaybookLab, PLAYBOOKS, results } from './lab.js';
import { FAST, bootIds, node } from './reboot-common.js';


beforeAll(() => assertBuilt());

describe('k8s-reboot.yml on kubeadm labs', { timeout: 180_000 }, () => {
  it('reboots the single control plane and waits for the API to take writes again before uncordoning', async () => {
    const single = await PlaybookLab.up('etcd');
    try {
      const before = await single.status();
      const r = await single.events('k8s-reboot.yml', ...FAST);
      expect(r.rc, r.why).toBe(0);
      expect(results(r.events, 'uncordon').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed'], ['k8s02', 'changed'], ['k8s03', 'changed']]);
      const after = await single.status();
      for (const n of after.nodes) expect(n.bootId).not.toBe(bootIds(before)[n.name]);
      expect(after.nodes.every((n) => n.ready && !n.cordoned)).toBe(true);
      expect(after.incidents.filter((i) => i.kind !== 'quorum-lost')).toEqual([]);
    } finally {
      await single.down();
    }
  });

  // The elections each member's reboot causes are not contention (the datastore guard looks for
  // leader-changed errors and slow applies): no member waits on the others' reboots.
  it('three control planes with stacked etcd: one member at a time, quorum kept, no incident', async () => {
    const ha = await PlaybookLab.up('etcd', {}, '--control-planes', '3');
    try {
      const r = await ha.events('k8s-reboot.yml', ...FAST);
      expect(r.rc, r.why).toBe(0);
      expect(results(r.events, 'reboot').map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed'], ['k8s02', 'changed'], ['k8s03', 'changed']]);
      const s = await ha.status();
      expect(s.quorum.ok).toBe(true);
      expect(s.incidents).toEqual([]);
    } finally {
      await ha.down();
    }
  });
});
