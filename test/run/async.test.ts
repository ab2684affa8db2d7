// async / poll on a real local-connection run: poll > 0 waits for the job, poll: 0 returns at once
// and async_status with until/retries collects the result, a job over its `async` seconds fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../helpers/bundled-main.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-async-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Runs `tsplay run` on a playbook written to `dir`; returns the exit code and the plain output.
async function run(name: string, yaml: string): Promise<{ rc: number; out: string }> {
  writeFileSync(join(dir, name), yaml);
  const out: string[] = [];
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const rc = await main(['run', name, '-i', 'h1,', '-c', 'local'], { out: (s) => out.push(s), err: (s) => out.push(s), isTTY: false, env: { ...process.env } });
    return { rc, out: out.join('\n') };
  } finally {
    process.chdir(cwd);
  }
}

describe('async / poll', () => {
  it('async with poll > 0 waits for the job and reports it like a normal task', async () => {
    const r = await run(
      'poll.yml',
      `- hosts: h1
  gather_facts: false
  tasks:
    - shell: sleep 1; echo done-$((40 + 2))
      async: 20
      poll: 1
      register: a
    - assert:
        that:
          - a.stdout == 'done-42'
          - a.rc == 0
          - a.changed
          - a.finished == 1
          - a.ansible_job_id is string
`,
    );
    expect(r.out).toContain('All assertions passed');
    expect(r.rc).toBe(0);
  }, 30_000);

  it('poll: 0 returns at once; async_status with until/retries waits for the result', async () => {
    const r = await run(
      'fire.yml',
      `- hosts: h1
  gather_facts: false
  tasks:
    - shell: sleep 2; echo bg; exit 3
      async: 30
      poll: 0
      register: job
    - assert:
        that: [job.started == 1, job.finished == 0, job.changed]
    - async_status:
        jid: "{{ job.ansible_job_id }}"
      register: st
      until: st.finished
      retries: 10
      delay: 1
      ignore_errors: true
    - assert:
        that:
          - st.finished == 1
          - st.attempts > 1
          - st.stdout == 'bg'
          - st.rc == 3
          - st is failed
    - async_status:
        jid: "{{ job.ansible_job_id }}"
        mode: cleanup
`,
    );
    expect(r.out).toMatch(/FAILED - RETRYING: \[h1\]: .*\(10 retries left\)/);
    expect(r.out).not.toContain('Assertion failed');
    expect(r.out).toMatch(/h1\s+: ok=5\s+changed=\d+\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=1/);
    expect(r.rc).toBe(0);
  }, 40_000);

  it('a job over its async seconds is killed and fails the task', async () => {
    const t0 = Date.now();
    const r = await run(
      'timeout.yml',
      `- hosts: h1
  gather_facts: false
  tasks:
    - command: sleep 29.7
      async: 1
      poll: 1
    - debug: msg=unreached
`,
    );
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.out).toContain('async task did not complete within the requested time - 1s');
    expect(r.out).not.toContain('unreached');
    expect(r.rc).toBe(2);
    // the whole job was killed, not only the shell that started it
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).not.toContain('sleep 29.7');
  }, 30_000);
});
