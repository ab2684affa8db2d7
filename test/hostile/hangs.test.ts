// include_tasks and include_role including themselves used to run without end; now they stop at
// the include depth limit, fail the hosts with the chain of files, and the run ends.
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

describe('self-including files and roles end', () => {
  it('include_tasks of itself', async () => {
    s.write({ 'it/self.yml': '- debug: msg=again\n- include_tasks: self.yml\n', 'it/pb.yml': playbook('    - include_tasks: self.yml\n') });
    const r = await s.tsplay(['run', 'it/pb.yml', '-i', 'hosts.ini'], {}, 30_000);
    expectNoCrash(r);
    expect(r.rc).toBe(2);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.stdout + r.stderr).toMatch(/it\/self\.yml:2:3: include_tasks nested more than 100 levels deep \(pb\.yml -> self\.yml -> self\.yml -> \.\.\.( -> self\.yml)+\): a file or role including itself without end\?/);
  });

  it('include_role of itself', async () => {
    s.write({ 'irr/roles/r/tasks/main.yml': '- include_role: name=r\n', 'irr/pb.yml': playbook('    - include_role: name=r\n') });
    const r = await s.tsplay(['run', 'irr/pb.yml', '-i', 'hosts.ini'], {}, 30_000);
    expectNoCrash(r);
    expect(r.rc).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/include_role nested more than 100 levels deep \(pb\.yml -> roles\/r\/tasks\/main\.yml -> .* -> r\)/);
  });

  it('a recursive include guarded by a condition still works below the limit', async () => {
    s.write({ 'rec/step.yml': '- set_fact: n="{{ n | int + 1 }}"\n- include_tasks: step.yml\n  when: n | int < 5\n', 'rec/pb.yml': playbook('    - set_fact: n=0\n    - include_tasks: step.yml\n    - debug: var=n\n', 'h1') });
    const r = await s.tsplay(['run', 'rec/pb.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('"n": "5"');
  });
});
