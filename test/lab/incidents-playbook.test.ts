// The shipped rolling reboot against a lab started by `tsplay lab up` (default node budget 1) leaves
// the lab's incident log empty: one node cordoned, drained, rebooted and back at a time is safe.
import { describe, expect, it } from 'vitest';
import { labForTests, PlaybookLab } from '../playbooks/lab.js';

let lab: PlaybookLab;
labForTests((l) => (lab = l), 'dqlite');

describe('incidents of a correct rolling reboot', { timeout: 180_000 }, () => {
  it('playbooks/k8s-reboot.yml reboots every node and the lab records nothing', async () => {
    const before = await lab.status();
    expect(before.budget).toBe(1);
    const r = await lab.run('k8s-reboot.yml', '-e', 'reboot_soak_seconds=1', '-e', 'drain_timeout=4s', '-e', 'postflight_retries=3');
    expect(r.rc, `${r.stdout}\n${r.stderr}`).toBe(0);
    const after = await lab.status();
    for (const n of after.nodes) expect(n.bootId).not.toBe(before.nodes.find((b) => b.name === n.name)?.bootId);
    expect(after.incidents).toEqual([]);
    expect((await lab.cli(['lab', 'incidents'])).stdout.trim()).toBe('no incidents');
  });
});
