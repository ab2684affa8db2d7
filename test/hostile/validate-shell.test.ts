// `validate:` runs without a shell, split like Ansible's run_command splits it: a templated value
// holding shell syntax is one argument, never a command. And guard `that:` is parsed at validation.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../e2e/cli.js';
import { substituteValidate } from '../../modules/lib/validate-cmd.js';
import { expectNoCrash, playbook, scratch, type Scratch } from './fixtures.js';

let s: Scratch;
beforeAll(() => {
  assertBuilt();
  s = scratch('tsplay-hostile-', { inProcess: true });
  s.write({ 'hosts.ini': 'h1 ansible_connection=local\n', 'files/t.j2': 'templated {{ v | length }}\n' });
});
afterAll(() => s.remove());

describe('validate: never reaches a shell', () => {
  for (const [mod, args] of [
    ['replace', 'path: "{{ d }}/replace.conf"\n        regexp: "1"\n        replace: "2"'],
    ['blockinfile', 'path: "{{ d }}/blockinfile.conf"\n        block: "b=1"'],
    ['lineinfile', 'path: "{{ d }}/lineinfile.conf"\n        line: "b=1"'],
    ['copy', 'dest: "{{ d }}/copy.conf"\n        content: "c=1\\n"'],
    ['template', 'src: files/t.j2\n        dest: "{{ d }}/template.conf"'],
  ] as const) {
    it(mod, async () => {
      const marker = join(s.dir, `pwned-${mod}`);
      s.write({ [`${mod}.conf`]: 'a=1\n', [`${mod}.yml`]: playbook(`    - ${mod}:\n        ${args}\n        validate: "grep -q {{ v }} %s"\n      ignore_errors: true\n    - ${mod}:\n        ${args}\n        validate: "test -s %s"\n`, 'all', `  vars:\n    d: "${s.dir}"\n    v: 'x$(touch ${marker})'\n`) });
      const r = await s.tsplay(['run', `${mod}.yml`, '-i', 'hosts.ini']);
      expectNoCrash(r);
      expect(existsSync(marker)).toBe(false);
      expect(r.rc).toBe(0);
      // the first validate failed (grep was given `x$(touch` and `<marker>)` as words), the second wrote
      expect(r.stdout).toMatch(/fatal: \[h1\]: FAILED! => \{.*"msg": "failed to validate/);
      expect(r.stdout).toContain('...ignoring');
      expect(readFileSync(join(s.dir, `${mod}.conf`), 'utf8')).not.toBe('a=1\n');
    });
  }

  it('%s is substituted once, %% is a percent sign, anything else fails like Python', () => {
    expect(substituteValidate('visudo -cf %s', '/tmp/x')).toEqual({ line: 'visudo -cf /tmp/x' });
    expect(substituteValidate('sh -c "test 100%% = 100%%" %s', '/t')).toEqual({ line: 'sh -c "test 100% = 100%" /t' });
    expect(substituteValidate('a %s %s', '/t')).toEqual({ error: 'not enough arguments for format string' });
    expect(substituteValidate('a %d', '/t')).toEqual({ error: "unsupported format character 'd' (0x64) at index 3" });
  });
});

describe('guard: that is parsed at validation', () => {
  it('an invalid expression is an error at file:line before anything runs', async () => {
    s.write({ 'guard.yml': playbook('    - debug: msg=hi\n      guard:\n        that:\n          - x ==\n') });
    const r = await s.tsplay(['validate', 'guard.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/guard\.yml:7:\d+: error\[expression\]/);
  });
});
