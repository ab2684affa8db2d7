// Pure pieces of the cluster modules (Debian version order, apt-cache policy parsing, disruptive
// rules), plus the journal pipeline and the apt probe run by the real local shell.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ShellCommand } from '../../../engine/connection/command.js';
import { moduleReference } from '../../../engine/report/module-doc.js';
import apt from '../../../modules/apt.js';
import crictl from '../../../modules/crictl.js';
import journal from '../../../modules/journal.js';
import { readJournal } from '../../../engine/cluster/journal.js';
import systemd from '../../../modules/systemd.js';
import { parsePolicy } from '../../../modules/lib/apt-state.js';
import { bestMatch, compareDebVersions, matchesPin } from '../../../modules/lib/apt-version.js';
import { unitRole } from '../../../engine/cluster/units.js';
import { localHost, probe } from '../local-host.js';

describe('Debian versions', () => {
  it('orders like dpkg --compare-versions', () => {
    const cases: [string, string, number][] = [
      ['1.29.1-1.1', '1.28.5-1.1', 1], ['1.29.0-1.1', '1.29.1-1.1', -1], ['1.0~rc1', '1.0', -1], ['1.0', '1.0-0', 0],
      ['2:1.0', '1:9.9', 1], ['5.2.15-2+b13', '5.2.15-2+b8', 1], ['1.10', '1.9', 1], ['1.0a', '1.0', 1], ['1.0', '1.0+', -1],
    ];
    for (const [a, b, want] of cases) expect([a, b, Math.sign(compareDebVersions(a, b))]).toEqual([a, b, want]);
  });

  it('resolves wildcard pins to the highest matching version', () => {
    expect(matchesPin('1.29.1-1.1', '1.29.*')).toBe(true);
    expect(matchesPin('1.290.0-1.1', '1.29.*')).toBe(false);
    expect(matchesPin('1.29.1-1.1', '1.29.1-1.1')).toBe(true);
    expect(bestMatch(['1.29.0-1.1', '1.29.10-1.1', '1.29.9-1.1', '1.30.0-1.1'], '1.29.*')).toBe('1.29.10-1.1');
    expect(bestMatch(['1.29.0-1.1'], '1.28.*')).toBeUndefined();
  });

  it('parses apt-cache policy of several packages, multi-arch headers included', () => {
    const text = 'kubeadm:\n  Installed: 1.28.5-1.1\n  Candidate: 1.29.1-1.1\n  Version table:\n     1.29.1-1.1 500\n        500 https://pkgs.k8s.io/core:/stable:/v1.29/deb  Packages\n *** 1.28.5-1.1 100\n        100 /var/lib/dpkg/status\nlibc6:i386:\n  Installed: (none)\n  Candidate: 2.36-9+deb12u7\n  Version table:\n     2.36-9+deb12u7 500\n        500 http://deb.debian.org/debian bookworm/main i386 Packages\n';
    const p = parsePolicy(text);
    expect(p.get('kubeadm')).toEqual({ installed: '1.28.5-1.1', candidate: '1.29.1-1.1', versions: ['1.29.1-1.1', '1.28.5-1.1'] });
    expect(p.get('libc6')).toEqual({ candidate: '2.36-9+deb12u7', versions: ['2.36-9+deb12u7'] });
  });
});

describe('disruptive()', () => {
  it('flags stop/restart of node and datastore units only', () => {
    const d = (args: Record<string, unknown>) => systemd.disruptive?.(args as never);
    expect(d({ name: 'snap.microk8s.daemon-k8s-dqlite', state: 'restarted' })).toEqual({ kind: 'service', what: 'restart of snap.microk8s.daemon-k8s-dqlite', datastore: true });
    expect(d({ name: 'kubelet', state: 'stopped' })).toEqual({ kind: 'service', what: 'stop of kubelet', datastore: false });
    expect(d({ service: 'etcd.service', state: 'restarted' })).toEqual({ kind: 'service', what: 'restart of etcd.service', datastore: true });
    expect(d({ name: 'snap.microk8s.daemon-kubelite', state: 'started' })).toBeUndefined();
    expect(d({ name: 'kubelet', enabled: true })).toBeUndefined();
    expect(d({ name: 'nginx', state: 'restarted' })).toBeUndefined();
    expect(d({ name: 'snap.microk8s.daemon-cluster-agent', state: 'restarted' })).toBeUndefined();
    expect(unitRole('snap.microk8s.daemon-containerd')).toBe('node');
    expect(crictl.disruptive?.({ action: 'drain' })?.what).toMatch(/^crictl drain/);
    expect(crictl.disruptive?.({ action: 'list' })).toBeUndefined();
    expect(apt.disruptive?.({ name: ['kubelet=1.30.14-1.1'], state: 'present' } as never)).toEqual({ kind: 'packages', what: 'apt present kubelet=1.30.14-1.1', datastore: false });
    expect(apt.disruptive?.({ name: 'kubeadm', state: 'latest' } as never)).toBeUndefined();
    expect(apt.disruptive?.({ name: 'kubelet', hold: true } as never)).toBeUndefined();
    expect(journal.disruptive).toBeUndefined();
  });

  it('every module documents every argument', () => {
    for (const m of [systemd, apt, crictl, journal]) {
      const props = (m.schema as { properties: Record<string, { description?: string }> }).properties;
      for (const [k, p] of Object.entries(props)) expect([m.name, k, Boolean(p.description)]).toEqual([m.name, k, true]);
      expect(moduleReference(m as never)).toContain(`check mode: ${m.checkMode}`);
    }
  });
});

describe('journal pipeline in a real shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-journal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lines = Array.from({ length: 30 }, (_, i) => `2026-06-24T16:${String(i).padStart(2, '0')}:00+0000 k8s01 microk8s.daemon-k8s-dqlite[2546981]: ${i % 3 === 0 ? `database is locked (try: ${i})` : 'lease renewed'}`);
  writeFileSync(join(dir, 'journal.txt'), lines.join('\n') + '\n');
  // a journalctl stand-in that prints recorded lines and its own arguments to a file
  writeFileSync(join(dir, 'journalctl'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/args\ncat ${dir}/journal.txt\n`);
  chmodSync(join(dir, 'journalctl'), 0o755);
  const host = localHost();
  afterAll(() => host.cleanup());
  const withPath = { query: (cmd: ShellCommand) => host.query(cmd, { env: { PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}` } }) };

  it('counts all matches and keeps the last max_lines, in order', async () => {
    const r = await readJournal(withPath, { unit: 'snap.microk8s.daemon-k8s-dqlite', pattern: 'database is (locked|busy)', since: '10m', maxLines: 3 });
    expect(r.count).toBe(10);
    expect(r.lines).toEqual([lines[21], lines[24], lines[27]]);
    expect(execFileSync('cat', [join(dir, 'args')], { encoding: 'utf8' }).split('\n')).toEqual(['-u', 'snap.microk8s.daemon-k8s-dqlite', '--since', '-600s', '--no-pager', '-o', 'short-iso', '-q', '']);
  });

  it('max_lines larger than the matches, zero matches, and count-only', async () => {
    expect(await readJournal(withPath, { unit: 'u', pattern: 'try: 2[17]', maxLines: 20 })).toEqual({ count: 2, lines: [lines[21], lines[27]] });
    expect(await readJournal(withPath, { unit: 'u', pattern: 'no such thing' })).toEqual({ count: 0, lines: [] });
    expect(await readJournal(withPath, { unit: 'u', pattern: 'locked', maxLines: 0 })).toEqual({ count: 10, lines: [] });
    expect(await readJournal(withPath, { unit: 'u', pattern: 'nothing', maxLines: 0 })).toEqual({ count: 0, lines: [] });
  });

  it('a broken pattern throws instead of counting zero', async () => {
    await expect(readJournal(withPath, { unit: 'u', pattern: 'database (is locked' })).rejects.toThrow(/reading the journal of u failed: grep: /);
  });
});

describe('apt probe on this machine (read-only, real dpkg-query and apt-cache)', () => {
  const hasDpkg = (() => {
    try {
      execFileSync('dpkg-query', ['-W', 'dpkg'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasDpkg)('an installed package is present and unchanged; check mode never runs anything', async () => {
    const host = localHost();
    try {
      const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'dpkg'], { encoding: 'utf8' });
      const p = await probe(apt, host, { name: 'dpkg' }, { checkMode: true });
      expect(p.failed).toBeUndefined();
      expect(p.changed).toBe(false);
      expect(p.result?.['packages']).toEqual([{ name: 'dpkg', before: version, after: version, held_before: false, held_after: false }]);
      expect(host.log.map((c) => c.split(' ')[0])).toEqual(['dpkg-query', 'apt-mark']);
    } finally {
      host.cleanup();
    }
  });
});
