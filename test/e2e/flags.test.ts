// ansible-playbook's connection flags, run through the built CLI's main in process: -c local runs an inventory host
// through the local shell instead of SSH; -b makes tasks without `become` run as root through sudo.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from './cli.js';
import { runInProcess } from '../helpers/in-process.js';

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tsplay-flags-'));
  writeFileSync(join(dir, 'pb.yml'), '- hosts: web1\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: who\n      changed_when: false\n    - debug:\n        msg: "user={{ who.stdout }} pid={{ lookup(\'pipe\', \'echo $PPID\') is string }}"\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('connection flags', () => {
  it('without -c, a named host is reached over SSH (and fails on an unknown name)', async () => {
    const r = await runInProcess(['run', 'pb.yml', '-i', 'web1,', '-e', 'ansible_host=127.0.0.1', '-e', 'ansible_port=1', '-T', '2'], { cwd: dir });
    expect(r.rc).toBe(4);
    expect(r.stdout).toContain('UNREACHABLE!');
  });

  it('-c local runs the host through the local shell', async () => {
    const r = await runInProcess(['run', 'pb.yml', '-i', 'web1,', '-c', 'local'], { cwd: dir });
    expect(r.rc).toBe(0);
    expect(r.stdout).toMatch(/ok: \[web1\] => \{\n {4}"msg": "user=\S+ pid=True"/);
  });

  // sudo to another user without a password needs root (CI runs as root).
  it.skipIf(process.getuid?.() !== 0)('-b --become-user runs tasks as that user, and become: false on a task still wins', async () => {
    writeFileSync(join(dir, 'become.yml'), '- hosts: web1\n  gather_facts: false\n  tasks:\n    - command: id -u\n      register: a\n      changed_when: false\n    - command: id -u\n      become: false\n      register: b\n    - debug:\n        msg: "{{ a.stdout }} {{ b.stdout }}"\n');
    const r = await runInProcess(['run', 'become.yml', '-i', 'web1,', '-c', 'local', '-b', '--become-user', 'nobody'], { cwd: dir });
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('"msg": "65534 0"');
  });
});
