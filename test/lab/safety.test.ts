// The lab must never touch the real machine: commands that name the real init, service manager or
// package tools by absolute path fail, shells run unprivileged (and with no_new_privs), and uploads
// cannot escape. Each test checks that the real state did not change.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setprivPath } from '../../lab/shell.js';
import { TestLab } from './helpers.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const confined = isRoot || setprivPath() !== undefined;
const DPKG_STATUS = '/var/lib/dpkg/status';

function digest(path: string): string {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent';
}

let t: TestLab;
let before: string;
beforeAll(async () => {
  t = await TestLab.start();
  before = digest(DPKG_STATUS);
});
afterAll(async () => {
  await t?.close();
});

describe('lab safety', () => {
  it('runs shells as an unprivileged user when the lab runs as root', async () => {
    const uid = (await t.sh('k8s01', '/usr/bin/id -u', { root: true })).stdout.trim();
    if (isRoot) expect(uid).toBe('65534');
    else expect(uid).toBe(String(process.getuid?.()));
    const nnp = (await t.sh('k8s01', "grep NoNewPrivs /proc/self/status | tr -s '\\t ' ' '")).stdout.trim();
    if (setprivPath()) expect(nnp).toBe('NoNewPrivs: 1');
  });

  it('a real systemctl by absolute path cannot restart a real service', async () => {
    const r = await t.sh('k8s01', '/usr/bin/systemctl restart cron', { root: true });
    expect(r.rc).not.toBe(0);
  });

  it('a real reboot by absolute path fails (and this machine is still here)', async () => {
    for (const cmd of ['/sbin/reboot', '/usr/sbin/reboot -f', '/sbin/shutdown -r now', '/usr/bin/systemctl reboot']) {
      const r = await t.sh('k8s02', `${cmd} 2>&1; echo "rc=$?"`, { root: true });
      expect(r.stdout).not.toMatch(/rc=0$/m);
    }
    expect(t.lab.sim.node('k8s02')?.up).toBe(true);
  });

  it('real apt-get and dpkg by absolute path cannot change the real packages', async () => {
    const install = await t.sh('k8s01', '/usr/bin/apt-get install -y cowsay', { root: true });
    expect(install.rc).not.toBe(0);
    const sel = await t.sh('k8s01', 'echo "cron hold" | /usr/bin/dpkg --set-selections', { root: true });
    expect(sel.rc).not.toBe(0);
    const deb = await t.sh('k8s01', '/usr/bin/dpkg -i /nonexistent/tsplay.deb', { root: true });
    expect(deb.rc).not.toBe(0);
    expect(digest(DPKG_STATUS)).toBe(before);
  });

  it.runIf(confined)('a real sudo cannot gain privileges', async () => {
    const r = await t.sh('k8s03', '/usr/bin/sudo -n /usr/bin/id -u', { root: true });
    expect(r.rc).not.toBe(0);
    expect(r.stdout.trim()).not.toBe('0');
  });

  it.runIf(isRoot)('shells cannot write outside what the unprivileged user may', async () => {
    const r = await t.sh('k8s01', 'touch /etc/tsplay-lab-escape; echo rc=$?; kill -0 1; echo kill=$?', { root: true });
    expect(r.stdout).toContain('rc=1');
    expect(r.stdout).toContain('kill=1');
    expect(existsSync('/etc/tsplay-lab-escape')).toBe(false);
  });

  it.runIf(isRoot)('SFTP uploads run as the unprivileged user too', async () => {
    const sftp: SFTPWrapper = await t.sftp('k8s01');
    const err = await new Promise<Error | undefined>((resolve) => sftp.writeFile('/etc/tsplay-lab-escape-sftp', 'x', (e) => resolve(e ?? undefined)));
    expect(err?.message).toMatch(/Permission denied/);
    expect(existsSync('/etc/tsplay-lab-escape-sftp')).toBe(false);
    const read = await new Promise<Error | undefined>((resolve) => sftp.readFile('/etc/shadow', (e) => resolve(e ?? undefined)));
    expect(read?.message).toMatch(/Permission denied/);
  });

  it('the simulated tools come first on PATH, so plain names never reach the real ones', async () => {
    const r = await t.sh('k8s01', 'for c in systemctl journalctl apt-get apt apt-mark dpkg dpkg-query snap crictl kubeadm reboot shutdown iptables sudo; do command -v $c; done');
    for (const line of r.stdout.trim().split('\n')) expect(line.startsWith(t.lab.paths.binDir)).toBe(true);
  });
});
