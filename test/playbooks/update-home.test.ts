// playbooks/update/home.yml on the rehearsal lab (microk8s, dqlite) — incident 004 replayed through the
// built CLI: the check diff lists the packages the full upgrade would change; with "database is
// locked" contention live the preflight refuses before anything changes, and (past the preflight) the
// guarded k8s-dqlite restart is refused on the first node and no other node is touched; without it,
// each node is upgraded and its args change restarts k8s-dqlite then kubelite on that node alone, one
// node after the other, quorum holds, and the summary names the packages and the reboot now needed.
import { describe, expect, it } from 'vitest';
import { indexOf, labForTests, nodeSummary, PlaybookLab, results } from './lab.js';

let lab: PlaybookLab;
const RESTART = 'restart k8s-dqlite';

labForTests((l) => (lab = l), 'dqlite');

describe('update/home.yml on the lab', { timeout: 180_000 }, () => {
  it('--check shows the args diff and the guarded handler, and changes nothing', async () => {
    const r = await lab.run('update/home.yml', '--check', '--diff');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('PLAY 2 [update k8s nodes]  hosts: k8s (3 hosts)  serial: 1');
    expect(r.stdout).toMatch(/\+--metrics-listen=127\.0\.0\.1:9042/);
    // the full upgrade's diff lists each package apt-get would change
    expect(r.stdout).toMatch(/--- before: packages \(apt-get dist-upgrade\)\n\+\+\+ after: packages \(apt-get dist-upgrade\)\n@@ .* @@\n-linux-image-generic 6\.8\.0-45\.45\n\+linux-image-generic 6\.8\.0-49\.49\n\nchanged: \[k8s01\] \(would upgrade 1 package\(s\)\)/);
    expect(r.stdout).toMatch(/"k8s01: linux-image-generic 6\.8\.0-45\.45 -> 6\.8\.0-49\.49, k8s-dqlite restarted, REBOOT NEEDED, \d+s"/);
    expect(r.stdout).toMatch(/RUNNING HANDLER \[restart k8s-dqlite\]/);
    const again = await lab.run('update/home.yml', '--check');
    expect(again.stdout).toMatch(/TASK \[k8s-dqlite arguments\] \*+\nchanged: \[k8s01\]/);
  });

  it('refuses the dqlite restart while "database is locked" is live: the preflight first; past it, the guard on the first node, nothing else runs', async () => {
    await lab.fault('dqlite-lock-contention', true);
    try {
      const pre = await lab.events('update/home.yml', '-e', 'dqlite_guard_wait=1s', '-e', 'dqlite_lock_window=2s');
      expect(pre.rc).toBe(2);
      expect(results(pre.events, 'no dqlite lock contention on any member right now').map((e) => e['status'])).toContain('failed');
      expect(pre.events.some((e) => e.type === 'result' && e['status'] === 'changed')).toBe(false);
      const r = await lab.events('update/home.yml', '--skip-tags', 'preflight', '-e', 'dqlite_guard_wait=1s', '-e', 'dqlite_lock_window=2s');
      expect(r.rc).toBe(2);
      const guard = r.events.filter((e) => e.type === 'guard' && e['status'] === 'tripped');
      expect(guard).toHaveLength(1);
      expect(guard[0]).toMatchObject({ host: 'k8s01', task: RESTART });
      expect(String(guard[0]?.['evidence'])).toMatch(/database is locked/);
      const restarts = results(r.events, RESTART);
      expect(restarts.map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'failed']]);
      expect(results(r.events, 'restart kubelite')).toHaveLength(0);
      // no later batch: k8s02 and k8s03 were never touched
      expect(r.events.some((e) => e.type === 'result' && e['host'] !== 'k8s01' && e['task'] !== 'the summary was printed')).toBe(false);
      expect((await lab.status()).quorum.ok).toBe(true);
    } finally {
      await lab.fault('dqlite-lock-contention', false);
      // the contention is over: let its journal lines age out of the built-in guard's window
      await lab.cli(['lab', 'advance', '10m']);
    }
  });

  it('restarts k8s-dqlite then kubelite node by node once the contention is gone', async () => {
    const r = await lab.events('update/home.yml', '--resume', '--skip-tags', 'preflight', '-e', 'dqlite_guard_wait=30s', '-e', 'dqlite_lock_window=2s');
    expect(r.events.find((e) => e.type === 'notify' && e['resumed'] === true)).toMatchObject({ host: 'k8s01', handlers: [RESTART] });
    expect(r.rc).toBe(0);
    const restarts = results(r.events, RESTART);
    expect(restarts.map((e) => [e['host'], e['status']])).toEqual([['k8s01', 'changed'], ['k8s02', 'changed'], ['k8s03', 'changed']]);
    for (const [a, b] of [['k8s01', 'k8s02'], ['k8s02', 'k8s03']] as const) {
      // the next node's restart only after this node is back (the Ready wait of its window)
      expect(indexOf(r.events, b, RESTART)).toBeGreaterThan(indexOf(r.events, a, 'wait for the node after the restarts'));
    }
    expect(results(r.events, 'restart kubelite').map((e) => e['host'])).toEqual(['k8s01', 'k8s02', 'k8s03']);
    const s = await lab.status();
    expect(s.quorum.ok).toBe(true);
    expect(s.nodes.every((n) => n.ready)).toBe(true);

    expect(nodeSummary(r.events)).toEqual(['k8s01', 'k8s02', 'k8s03'].map((h) => expect.stringMatching(new RegExp(`^${h}: (linux-image-generic 6\\.8\\.0-45\\.45 -> 6\\.8\\.0-49\\.49|no package changes), k8s-dqlite restarted, REBOOT NEEDED, \\d+s$`))));

    const again = await lab.events('update/home.yml', '-e', 'dqlite_lock_window=2s');
    expect(again.rc).toBe(0);
    expect(results(again.events, RESTART)).toHaveLength(0);
    expect(again.events.some((e) => e.type === 'result' && e['status'] === 'changed')).toBe(false);
  });
});
