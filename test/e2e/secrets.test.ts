// The secrets matrix through the built CLI: no no_log value (command, output, loop items, retries,
// guard command and stderr), no -e value of a variable named like a secret (printed, in a diff, in
// a task name, in an error), and no SSH or become password reaches the plain log at -v/-vvv, the
// JSON lines (with -v), the diff, the run journal, or `tsplay runs` (plain and JSON).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, runCli } from './cli.js';

const FIX = join(ROOT, 'test', 'e2e', 'fixtures');
const SECRETS = ['NOLOG-SECRET-1', 'EXTRA-SECRET-2', 'BECOME-SECRET-3', 'SSH-SECRET-4'];
const OUTPUTS: [string, string[]][] = [
  ['plain', []],
  ['plain -v', ['-v']],
  ['plain -vvv', ['-vvv']],
  ['plain --diff -vvv', ['--diff', '-vvv']],
  ['json', ['--output', 'json']],
  ['json -v --diff', ['--output', 'json', '-v', '--diff']],
  ['--check --diff -vvv', ['--check', '--diff', '-vvv']],
];
let dir: string;

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tsplay-secrets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

describe('no secret reaches any output', () => {
  it.each(OUTPUTS)('%s', async (_name, flags) => {
    const r = await runCli(['run', join(FIX, 'secrets.yml'), '-i', join(FIX, 'secrets.ini'), '-e', 'db_password=EXTRA-SECRET-2', '-e', `state=${dir}`, ...flags], { cwd: dir });
    expect(r.rc).toBe(0);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    // the masking is there, not an empty run
    expect(r.stdout).toMatch(/\*{8}/);
    expect(r.stdout + r.stderr).toMatch(/hidden due to the fact that 'no_log: true'/);
  });

  it('a runtime error naming a secret', async () => {
    const r = await runCli(['run', join(FIX, 'secrets-error.yml'), '-i', join(FIX, 'secrets.ini'), '-e', 'db_password=EXTRA-SECRET-2'], { cwd: dir });
    expect(r.rc).toBe(1);
    expect(r.stderr).toMatch(/restart \*{8}/);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });

  it('the journals and tsplay runs (plain and JSON)', async () => {
    const runsDir = join(dir, '.tsplay', 'runs');
    const files = readdirSync(runsDir);
    expect(files.length).toBe(OUTPUTS.length + 1);
    for (const f of files) expect(leaks(readFileSync(join(runsDir, f), 'utf8')), f).toEqual([]);
    const plain = await runCli(['runs'], { cwd: dir });
    const json = await runCli(['runs', '--json'], { cwd: dir });
    expect(leaks(plain.stdout + plain.stderr + json.stdout + json.stderr)).toEqual([]);
    expect(json.stdout).toMatch(/restart \*{8}/);
  });
});
