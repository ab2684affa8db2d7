// The crashes of the fuzzing campaign (issue "hostile and broken input"), each through the built
// CLI: an error on one host fails that task on that host, the others finish; what can be known
// before the run is a diagnostic at file:line (exit 4); nothing is a stack trace or exit 250.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../e2e/cli.js';
import { expectNoCrash, playbook, scratch, TWO_LOCAL, type Scratch } from './fixtures.js';

let s: Scratch;
beforeAll(() => {
  assertBuilt();
  s = scratch();
  s.write({ 'hosts.ini': TWO_LOCAL });
});
afterAll(() => s.remove());

describe('crashes that are now task failures on one host', () => {
  it('lineinfile create: true in a missing directory creates the directory, like Ansible', async () => {
    s.write({ 'li.yml': playbook(`    - lineinfile:\n        path: "${s.dir}/li/{{ inventory_hostname }}/sub/dir/file.txt"\n        line: hello\n        create: true\n`) });
    const r = await s.tsplay(['run', 'li.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(0);
    expect(readFileSync(join(s.dir, 'li/h1/sub/dir/file.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(s.dir, 'li/h2/sub/dir/file.txt'), 'utf8')).toBe('hello\n');
  });

  it('ansible_port=99999 makes that host UNREACHABLE ("Bad port"); the other host finishes', async () => {
    s.write({ 'port.ini': 'bad ansible_host=127.0.0.1 ansible_port=99999\ngood ansible_connection=local\n', 'ping.yml': playbook('    - ping:\n    - debug: msg=after\n') });
    const r = await s.tsplay(['run', 'ping.yml', '-i', 'port.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(4);
    expect(r.stdout).toContain(`fatal: [bad]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh: Bad port '99999'", "unreachable": true}`);
    expect(r.stdout).toMatch(/ok: \[good\] => \{\n\s+"msg": "after"/);
  });

  it("wordwrap(0) fails the task with Python's message", async () => {
    s.write({ 'ww.yml': playbook(`    - debug: msg="{{ 'a b c' | wordwrap(0) }}"\n`) });
    const r = await s.tsplay(['run', 'ww.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(2);
    expect(r.stdout).toContain('fatal: [h1]: FAILED! => {"changed": false, "msg": "invalid width 0 (must be > 0)"}');
    expect(r.stdout).toContain('fatal: [h2]: FAILED!');
  });

  it("'x' * 10**10 fails the task naming the string limit", async () => {
    s.write({ 'mul.yml': playbook(`    - debug: msg="{{ ('x' * 10**10) | length }}"\n`) });
    const r = await s.tsplay(['run', 'mul.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(2);
    expect(r.stdout).toMatch(/a string of 10000000000 characters would be longer than the limit \(the limit is \d+ characters; raise it with TSPLAY_MAX_STRING=N/);
  });

  it('a template lookup that includes itself fails the task with the chain of templates', async () => {
    s.write({ 'self.j2': "x {{ lookup('template', 'self.j2') }}\n", 'tl.yml': playbook(`    - debug: msg="{{ lookup('template', 'self.j2') }}"\n    - debug: msg=after\n`) });
    const r = await s.tsplay(['run', 'tl.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(2);
    expect(r.stdout).toContain('templating nested more than 100 levels deep, through ... -> template self.j2 -> template self.j2');
    expect(r.stdout).toContain('TSPLAY_MAX_TEMPLATE_DEPTH');
  });

  it('a recursive serial: variable ends the run with ERROR! naming the variable chain (rc 1)', async () => {
    s.write({ 'ser.yml': playbook('    - debug: msg=after\n', 'all', '  serial: "{{ s }}"\n  vars:\n    s: "{{ t }}"\n    t: "{{ s }}"\n') });
    const r = await s.tsplay(['run', 'ser.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/ERROR! play 'all' \(ser\.yml:1:3\): recursive loop detected in template string: variable chain s -> t -> s/);
  });
});

describe('crashes that are now diagnostics at file:line (exit 4, nothing runs)', () => {
  it('1000 nested parentheses in an expression', async () => {
    s.write({ 'paren.yml': playbook(`    - debug: msg="{{ ${'('.repeat(1000)}1${')'.repeat(1000)} }}"\n`) });
    const r = await s.tsplay(['validate', 'paren.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/paren\.yml:4:\d+: error\[nesting-too-deep\]: expression nested more than 200 levels deep/);
  });

  it('import_role of itself names the cycle', async () => {
    s.write({ 'roles/r1/tasks/main.yml': '- import_role: name=r1\n', 'ir.yml': '- hosts: all\n  gather_facts: false\n  roles: [r1]\n' });
    const r = await s.tsplay(['validate', 'ir.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain('roles/r1/tasks/main.yml:1:3: error[recursion]: role recursion: r1 -> r1 (a role imports or includes itself)');
  });

  it('a 3000-file import_tasks chain stops at the include limit', async () => {
    const files: Record<string, string> = { 'chain/pb.yml': playbook('    - import_tasks: f0.yml\n'), 'chain/f3000.yml': '- debug: msg=end\n' };
    for (let i = 0; i < 3000; i++) files[`chain/f${i}.yml`] = `- import_tasks: f${i + 1}.yml\n`;
    s.write(files);
    const r = await s.tsplay(['validate', 'chain/pb.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/chain\/f98\.yml:1:17: error\[recursion\]: import_tasks f99\.yml: imports and roles nested more than 100 levels deep \(pb\.yml -> f0\.yml -> f1\.yml -> \.\.\./);
    expect(r.stderr).toContain('TSPLAY_MAX_INCLUDE_DEPTH');
  });

  it('an import_tasks cycle names the files', async () => {
    s.write({ 'cyc/pb.yml': playbook('    - import_tasks: a.yml\n'), 'cyc/a.yml': '- import_tasks: b.yml\n', 'cyc/b.yml': '- import_tasks: a.yml\n' });
    const r = await s.tsplay(['validate', 'cyc/pb.yml', '-i', 'hosts.ini']);
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain('error[recursion]: import_tasks cycle: a.yml -> b.yml -> a.yml');
  });
});
