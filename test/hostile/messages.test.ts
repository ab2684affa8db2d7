// What the user reads: bad option values exit 5 with a message, a closed stdout is a quiet exit,
// a NUL byte in a command is a task failure (not UNREACHABLE), and the inputs that used to show
// "Maximum call stack size exceeded" get a diagnostic.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI } from '../e2e/cli.js';
import { expectNoCrash, playbook, scratch, TWO_LOCAL, type Scratch } from './fixtures.js';

let s: Scratch;
beforeAll(() => {
  assertBuilt();
  s = scratch('tsplay-hostile-', { inProcess: true });
  s.write({ 'hosts.ini': TWO_LOCAL, 'ok.yml': playbook('    - debug: msg=hi\n') });
});
afterAll(() => s.remove());

// Integer flags exit 2 like ansible-playbook's argparse errors (ansible-core 2.14 exits 2 for
// `--forks 0`: the conformance case e05 forks_0); tsplay's own option values exit 5.
describe('bad command-line values exit with a message, never a crash', () => {
  for (const [flag, rc] of [['-f 0', 2], ['-f abc', 2], ['--forks=-3', 2], ['-T 0', 2], ['-T 99999999999', 2], ['--output bogus', 5], ['--allow-unsafe bogus', 5], ['-e a="1', 5], ['-e @/dev/zero', 5]] as const) {
    it(flag, async () => {
      const r = await s.tsplay(['run', 'ok.yml', '-i', 'hosts.ini', ...flag.split(' ')]);
      expectNoCrash(r);
      expect(r.rc).toBe(rc);
      expect(r.stderr).toMatch(/^(tsplay: error: argument --[\w-]+: invalid (value|choice) |ERROR! invalid extra vars)/m);
    });
  }

  it('several playbooks: a usage error naming them, and nothing runs (not the first one alone)', async () => {
    s.write({ 'marks.yml': playbook(`    - command: touch ran-marks\n`) });
    for (const cmd of ['run', 'validate', 'plan']) {
      const r = await s.tsplay([cmd, 'marks.yml', 'ok.yml', '-i', 'hosts.ini']);
      expectNoCrash(r);
      expect(r.rc, cmd).toBe(2);
      expect(r.stderr).toContain(`tsplay: error: ${cmd}: one playbook at a time (got 2: marks.yml ok.yml)`);
    }
    expect(existsSync(join(s.dir, 'ran-marks'))).toBe(false);
  });

  it('an argument a command does not take is a usage error, not silently ignored', async () => {
    for (const [args, extra] of [[['modules', 'systemd', 'extra'], 'extra'], [['runs', 'extra'], 'extra'], [['inventory', '-i', 'hosts.ini', '--list', 'all'], 'all'], [['inventory', '-i', 'hosts.ini', '--graph', 'all', 'x'], 'x'], [['lab', 'status', 'extra'], 'extra'], [['lab', 'down', 'now'], 'now']] as const) {
      const r = await s.tsplay([...args]);
      expectNoCrash(r);
      expect(r.rc, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`unexpected argument '${extra}'`);
    }
    expect((await s.tsplay(['inventory', '-i', 'hosts.ini', '--graph', 'all'])).rc).toBe(0);
  });

  it('forks = 0 in ansible.cfg too', async () => {
    s.write({ 'cfg/ansible.cfg': '[defaults]\nforks = 0\n' });
    const r = await s.tsplay(['run', 'ok.yml', '-i', 'hosts.ini'], { ANSIBLE_CONFIG: 'cfg/ansible.cfg' });
    expect(r.rc).toBe(2);
    expect(r.stderr).toContain("argument --forks: invalid value '0'");
  });
});

// Runs the CLI with its stdout closed right away, like `tsplay runs | true`.
function withClosedStdout(args: string[]): Promise<{ rc: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (rc) => resolve({ rc, stderr }));
  });
}

describe('a closed stdout is a quiet exit', () => {
  it('tsplay runs | true', async () => {
    for (let i = 0; i < 3; i++) await s.tsplay(['run', 'ok.yml', '-i', 'hosts.ini']);
    const r = await withClosedStdout(['runs']);
    expect(r.stderr).toBe('');
    expect(r.rc).toBe(0);
  });

  it('tsplay modules | head -0 (a lot of output)', async () => {
    const r = await withClosedStdout(['modules']);
    expect(r.stderr).toBe('');
    expect(r.rc).toBe(0);
  });
});

describe('messages', () => {
  it('a NUL byte in a command fails the task ("embedded null byte"), the host stays reachable', async () => {
    s.write({ 'nul.yml': playbook('    - command: "echo a\\0b"\n      ignore_errors: true\n    - debug: msg=after\n') });
    const r = await s.tsplay(['run', 'nul.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('fatal: [h1]: FAILED! => {"changed": false, "msg": "embedded null byte"}');
    expect(r.stdout).not.toContain('UNREACHABLE');
    expect(r.stdout).toMatch(/ok: \[h2\] => \{\n\s+"msg": "after"/);
  });

  it('deep nesting anywhere gets a diagnostic, never "Maximum call stack size exceeded"', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    s.write({
      'deep1.yml': playbook(`    - debug: msg="{{ ${'not '.repeat(5000)}x }}"\n`),
      'deep2.yml': playbook(`    - debug: msg="{{ x${' ~ 1'.repeat(5000)} }}"\n`),
      'deep3.yml': playbook(`    - debug: msg="{{ ${deep(3000)} }}"\n`),
      'deep4.yml': playbook(`    - debug: msg="{{ x${' | string'.repeat(5000)} }}"\n`),
      'deep5.yml': playbook(`    - debug:\n        msg: "${'{% if true %}'.repeat(3000)}x${'{% endif %}'.repeat(3000)}"\n`),
      'deep6.yml': playbook(`    - debug: msg="{{ ${'-'.repeat(5000)}1 }}"\n`),
      'deep.ini': `h1 x=${deep(5000)}\n`,
    });
    for (const f of ['deep1.yml', 'deep2.yml', 'deep3.yml', 'deep4.yml', 'deep5.yml', 'deep6.yml']) {
      const r = await s.tsplay(['validate', f, '-i', 'hosts.ini']);
      expectNoCrash(r);
      expect(r.rc, f).toBe(4);
      expect(r.stderr, f).toContain('error[nesting-too-deep]: expression nested more than 200 levels deep');
    }
    const r = await s.tsplay(['validate', 'ok.yml', '-i', 'deep.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(0);
  });

  it('a value nested too deeply at run time fails its task with a message', async () => {
    s.write({ 'runtime.yml': playbook('    - debug:\n        msg: "{% set ns = namespace(v=[]) %}{% for i in range(20000) %}{% set ns.v = [ns.v] %}{% endfor %}{{ ns.v }}"\n') });
    const r = await s.tsplay(['run', 'runtime.yml', '-i', 'hosts.ini']);
    expectNoCrash(r);
    expect(r.rc).toBe(2);
    expect(r.stdout).toMatch(/fatal: \[h1\]: FAILED! => \{"changed": false, "msg": "the value or template is nested too deeply to evaluate/);
  });
});
