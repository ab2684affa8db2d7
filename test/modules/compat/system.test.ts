// sysctl and mount against the real local shell, on files in a scratch directory (no reload,
// no real mounts): Ansible's file rewriting rules and idempotence.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sysctl from '../../../modules/sysctl.js';
import mount, { editFstab } from '../../../modules/mount.js';
import { localHost, probe, runModule, type LocalHost } from '../local-host.js';

let host: LocalHost;
beforeAll(() => {
  host = localHost();
});
afterAll(() => host.cleanup());

describe('sysctl (local shell, file only)', () => {
  it('rewrites the file Ansible\'s way: key=value, first occurrence kept, value appended when new', async () => {
    const file = join(host.dir, 'sysctl.conf');
    writeFileSync(file, '# comment\nvm.swappiness = 10\nnet.core.somaxconn=128\nvm.swappiness=30\n');
    const r = await runModule(sysctl, host, { name: 'vm.swappiness', value: 1, sysctl_file: file, reload: false });
    expect(r['changed']).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('# comment\nvm.swappiness=1\nnet.core.somaxconn=128\n');
    const again = await runModule(sysctl, host, { name: 'vm.swappiness', value: '1', sysctl_file: file, reload: false });
    expect(again['changed']).toBe(false);
    await runModule(sysctl, host, { name: 'net.ipv4.ip_forward', value: 'yes', sysctl_file: file, reload: false });
    expect(readFileSync(file, 'utf8')).toBe('# comment\nvm.swappiness=1\nnet.core.somaxconn=128\nnet.ipv4.ip_forward=1\n');
  });
  it('state=absent removes the key; a missing value is an error', async () => {
    const file = join(host.dir, 'sysctl.conf');
    const r = await runModule(sysctl, host, { key: 'net.core.somaxconn', state: 'absent', sysctl_file: file, reload: false });
    expect(r['changed']).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('somaxconn');
    const f = await runModule(sysctl, host, { name: 'vm.swappiness', sysctl_file: file });
    expect(f).toMatchObject({ failed: true, msg: 'value cannot be None' });
  });
  it('check mode shows the file diff and writes nothing', async () => {
    const file = join(host.dir, 'sysctl.conf');
    const text = readFileSync(file, 'utf8');
    const p = await probe(sysctl, host, { name: 'vm.swappiness', value: '5', sysctl_file: file, reload: false }, { checkMode: true });
    expect(p.changed).toBe(true);
    expect(p.diff?.[0]?.after).toContain('vm.swappiness=5\n');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('mount (fstab only)', () => {
  it('present adds an entry, then is ok; absent_from_fstab removes it', async () => {
    const fstab = join(host.dir, 'fstab');
    writeFileSync(fstab, '# /etc/fstab\nUUID=1 / ext4 errors=remount-ro 0 1\n');
    const r = await runModule(mount, host, { path: '/srv/data dir', src: '/dev/vdb1', fstype: 'xfs', opts: 'noatime', state: 'present', fstab });
    expect(r).toMatchObject({ changed: true, name: '/srv/data dir', opts: 'noatime', dump: '0', passno: '0' });
    expect(readFileSync(fstab, 'utf8')).toBe('# /etc/fstab\nUUID=1 / ext4 errors=remount-ro 0 1\n/dev/vdb1 /srv/data\\040dir xfs noatime 0 0\n');
    const again = await runModule(mount, host, { path: '/srv/data dir', src: '/dev/vdb1', fstype: 'xfs', opts: 'noatime', state: 'present', fstab });
    expect(again['changed']).toBe(false);
    const gone = await runModule(mount, host, { name: '/srv/data dir', state: 'absent_from_fstab', fstab });
    expect(gone['changed']).toBe(true);
    expect(readFileSync(fstab, 'utf8')).toBe('# /etc/fstab\nUUID=1 / ext4 errors=remount-ro 0 1\n');
  });
  it('replaces a changed entry in place and drops duplicates; boot: false adds noauto', () => {
    const text = 'a /m ext4 defaults 0 0\nb /x ext4 defaults 0 0\nc /m ext4 ro 0 0\n';
    const out = editFstab(text, '/m', { src: 'a', path: '/m', fstype: 'ext4', opts: 'defaults,noauto', dump: '0', passno: '0' });
    expect(out.text).toBe('a /m ext4 defaults,noauto 0 0\nb /x ext4 defaults 0 0\n');
  });
  it('mounted needs src and fstype', async () => {
    const r = await runModule(mount, host, { path: '/mnt/x', state: 'mounted', fstab: join(host.dir, 'fstab') });
    expect(r).toMatchObject({ failed: true, msg: 'state is mounted but all of the following are missing: src, fstype' });
  });
});
