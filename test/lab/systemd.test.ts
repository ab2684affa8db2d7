// systemctl and journalctl as the cluster modules call them, and what a service restart does to the
// node and its datastore member.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logrus } from '../../lab/journal.js';
import { runTool } from '../../lab/tools/index.js';
import { TestLab, until } from './helpers.js';

const KUBELITE = 'snap.microk8s.daemon-kubelite';
const DQLITE = 'snap.microk8s.daemon-k8s-dqlite';
let t: TestLab;
beforeAll(async () => {
  t = await TestLab.start();
});
afterAll(async () => {
  await t?.close();
});

function kv(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function nodeReady(name: string): boolean {
  return (t.lab.sim.store.peek('nodes', name)?.status?.conditions ?? []).some((c: { type?: string; status?: string }) => c.type === 'Ready' && c.status === 'True');
}

describe('systemctl', () => {
  it('shows the requested properties of a unit as Key=Value lines', async () => {
    const r = await t.sh('k8s01', `systemctl show ${KUBELITE} -p Id -p LoadState -p ActiveState -p SubState -p UnitFileState -p MainPID`);
    expect(r.rc).toBe(0);
    const p = kv(r.stdout);
    expect(p).toMatchObject({ Id: `${KUBELITE}.service`, LoadState: 'loaded', ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled' });
    expect(Number(p['MainPID'])).toBeGreaterThan(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^MainPID=/);
  });

  it('reports an unknown unit as not-found with exit status 0', async () => {
    const r = await t.sh('k8s01', 'systemctl show nosuch -p Id -p LoadState -p ActiveState -p SubState -p UnitFileState');
    expect(r).toEqual({ rc: 0, stderr: '', stdout: 'Id=nosuch.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\n' });
  });

  it('answers is-active and is-enabled with systemd exit codes', async () => {
    expect(await t.sh('k8s01', `systemctl is-active ${KUBELITE}`)).toEqual({ rc: 0, stdout: 'active\n', stderr: '' });
    expect(await t.sh('k8s01', 'systemctl is-active snap.microk8s.daemon-etcd')).toEqual({ rc: 3, stdout: 'inactive\n', stderr: '' });
    expect(await t.sh('k8s01', 'systemctl is-enabled nosuch')).toEqual({ rc: 1, stdout: '', stderr: 'Failed to get unit file state for nosuch.service: No such file or directory\n' });
    expect((await t.sh('k8s01', 'systemctl is-active --quiet snap.microk8s.daemon-etcd')).stdout).toBe('');
  });

  it('needs root to change units and names unknown ones like systemd', async () => {
    const denied = await t.sh('k8s01', 'systemctl restart cron');
    expect(denied.rc).toBe(1);
    expect(denied.stderr).toBe("Failed to restart cron.service: Interactive authentication required.\nSee system logs and 'systemctl status cron.service' for details.\n");
    expect(await t.sh('k8s01', 'systemctl restart nosuch', { root: true })).toEqual({ rc: 5, stdout: '', stderr: 'Failed to restart nosuch.service: Unit nosuch.service not found.\n' });
  });

  it('enables, disables, masks and unmasks with the symlink messages', async () => {
    const dis = await t.sh('k8s03', 'systemctl disable cron', { root: true });
    expect(dis.stderr).toBe('Removed "/etc/systemd/system/multi-user.target.wants/cron.service".\n');
    const en = await t.sh('k8s03', 'systemctl enable cron', { root: true });
    expect(en.stderr).toBe('Created symlink /etc/systemd/system/multi-user.target.wants/cron.service → /usr/lib/systemd/system/cron.service.\n');
    await t.sh('k8s03', 'systemctl mask cron', { root: true });
    expect((await t.sh('k8s03', 'systemctl start cron', { root: true })).stderr).toBe('Failed to start cron.service: Unit cron.service is masked.\n');
    expect((await t.sh('k8s03', 'systemctl show cron -p LoadState -p UnitFileState')).stdout).toBe('LoadState=masked\nUnitFileState=masked\n');
    await t.sh('k8s03', 'systemctl unmask cron', { root: true });
    expect((await t.sh('k8s03', 'systemctl is-enabled cron')).stdout).toBe('enabled\n');
    expect((await t.sh('k8s03', 'systemctl daemon-reload', { root: true })).rc).toBe(0);
  });

  it('restarting kubelite makes the node NotReady briefly, then Ready again', async () => {
    const r = await t.sh('k8s02', `systemctl restart ${KUBELITE}`, { root: true });
    expect(r.rc).toBe(0);
    expect(nodeReady('k8s02')).toBe(false);
    await until(() => nodeReady('k8s02'), 5000, 'k8s02 Ready');
    const journal = await t.sh('k8s02', `journalctl -u ${KUBELITE} --since -60s --no-pager -o short-iso`);
    expect(journal.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 k8s02 systemd\[1\]: Stopping snap\.microk8s\.daemon-kubelite\.service - Service for snap application microk8s\.daemon-kubelite\.\.\.$/m);
    expect(journal.stdout).toMatch(/k8s02 microk8s\.daemon-kubelite\[\d+\]: I\d{4} .*"Kubelet version" kubeletVersion="v1\.29\.15"/);
  });

  it('restarting k8s-dqlite on one voter keeps quorum; on two within the window loses it', async () => {
    await t.sh('k8s01', `systemctl restart ${DQLITE}`, { root: true });
    expect(t.lab.sim.datastore.hasQuorum()).toBe(true);
    expect((await t.sh('k8s01', `systemctl is-active ${DQLITE}`)).stdout).toBe('activating\n');
    await until(() => t.lab.sim.datastore.members.every((m) => m.up), 3000, 'dqlite back');
    await Promise.all([t.sh('k8s01', `systemctl restart ${DQLITE}`, { root: true }), t.sh('k8s03', `systemctl restart ${DQLITE}`, { root: true })]);
    expect(t.lab.sim.datastore.hasQuorum()).toBe(false);
    expect(t.lab.status().api.writable).toBe(false);
    await until(async () => (await t.sh('k8s02', `journalctl -u ${DQLITE} --since -30s --no-pager -o cat --grep 'context deadline exceeded' -q`)).stdout !== '', 4000, 'deadline lines on the survivor');
    await until(() => t.lab.status().api.writable, 6000, 'writes recover');
    expect(t.lab.sim.datastore.leader).toBeDefined();
  });
});

describe('journalctl', () => {
  it('prints -- No entries -- for an empty window, and --grep without a match exits 1', async () => {
    expect(await t.sh('k8s03', 'journalctl -u snap.microk8s.daemon-etcd --since -600s --no-pager -o short-iso')).toEqual({ rc: 0, stdout: '-- No entries --\n', stderr: '' });
    expect(await t.sh('k8s03', `journalctl -u ${DQLITE} --since -600s --no-pager -o short-iso --grep 'database is locked'`)).toEqual({ rc: 1, stdout: '-- No entries --\n', stderr: '' });
    expect(await t.sh('k8s03', `journalctl -u ${DQLITE} --since -600s --no-pager -q --grep 'database is locked'`)).toEqual({ rc: 1, stdout: '', stderr: '' });
  });

  it('leaves out of a window that starts now (--since -0s) an entry stamped in the same millisecond', async () => {
    const node = t.lab.sim.node('k8s03')!;
    const ts = Date.now();
    t.lab.sim.log(node, t.lab.sim.unit(node, 'datastore'), logrus('error', 'database is locked', ts), ts);
    const query = (since: string) => runTool(t.lab.sim, { node: 'k8s03', tool: 'journalctl', args: ['-u', DQLITE, '--since', since, '--no-pager', '-q', '-o', 'cat', '--grep', 'database is locked'], root: true, cwd: node.dir, env: {} });
    const now = vi.spyOn(Date, 'now').mockReturnValue(ts);
    try {
      expect((await query('-0s')).stdout).toBe('');
      expect((await query('-1s')).stdout).toContain('database is locked');
    } finally {
      now.mockRestore();
    }
  });

  it('keeps the last N lines with -n and rejects a bad --since', async () => {
    const all = await t.sh('k8s02', `journalctl -u ${KUBELITE} --no-pager -o cat`);
    const two = await t.sh('k8s02', `journalctl -u ${KUBELITE} --no-pager -o cat -n 2`);
    expect(two.stdout.split('\n').filter(Boolean)).toEqual(all.stdout.split('\n').filter(Boolean).slice(-2));
    expect(await t.sh('k8s02', 'journalctl -u cron --since yesterdayish')).toEqual({ rc: 1, stdout: '', stderr: 'Failed to parse timestamp: yesterdayish\n' });
  });
});
