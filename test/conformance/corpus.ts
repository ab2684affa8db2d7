// The Ansible conformance suite: every recorded case (test/conformance/INDEX.json) is run
// through tsplay's CLI with --output json from the cases directory, and the exit code,
// recap and each host's ordered results are compared with what ansible-core 2.14 did.
// corpusSuite(part, parts) runs every parts-th case from the part-th, so the corpus runs as a
// few test files side by side (conformance-N.test.ts).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../helpers/bundled-main.js';
import { splitArgs, traceFromEvents, type Expected } from './trace.js';
import { DIFFERENCES } from './differences.js';

const ROOT = dirname(fileURLToPath(import.meta.url));
// Each test file runs in its own copy of the cases (playbooks write ./tmp_out), so files
// running in parallel never share a working directory. Made by corpusSuite's beforeAll.
let CASES = '';

interface Entry {
  case: string;
  variant: string;
  args: string;
  expected: string;
  skip?: string;
}

const index = JSON.parse(readFileSync(join(ROOT, 'INDEX.json'), 'utf8')) as Entry[];

// Runs tsplay like the oracle ran ansible-playbook: cwd = cases/, ANSIBLE_CONFIG = tools/ansible.cfg.
async function runCase(entry: Entry): Promise<{ rc: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  rmSync(join(CASES, 'tmp_out'), { recursive: true, force: true });
  process.chdir(CASES);
  try {
    const argv = ['run', entry.case.replace(/^cases\//, ''), ...splitArgs(entry.args), '--output', 'json'];
    const rc = await main(argv, { out: (s) => out.push(...s.split('\n')), err: (s) => err.push(s), isTTY: false, env: { ...process.env, ANSIBLE_CONFIG: join(ROOT, 'tools', 'ansible.cfg') } });
    return { rc, out, err };
  } finally {
    process.chdir(cwd);
    rmSync(join(CASES, 'tmp_out'), { recursive: true, force: true });
  }
}

export function corpusSuite(part: number, parts: number): void {
  describe(`ansible-core 2.14 conformance (part ${part} of ${parts})`, () => {
    let original: string;
    beforeAll(() => {
      original = process.cwd();
      CASES = mkdtempSync(join(tmpdir(), 'tsplay-cases-'));
      cpSync(join(ROOT, 'cases'), CASES, { recursive: true });
    });
    afterAll(() => {
      process.chdir(original);
      rmSync(CASES, { recursive: true, force: true });
    });

    for (const entry of index.filter((_, i) => i % parts === part - 1)) {
      const key = `${entry.case.replace(/^cases\//, '').replace(/\.yml$/, '')}__${entry.variant}`;
      const difference = DIFFERENCES[key];
      const title = `${key}${entry.args ? ` (${entry.args})` : ''}`;
      if (entry.skip) {
        it.skip(`${title} — oracle bug: ${entry.skip}`, () => undefined);
        continue;
      }
      if (difference) {
        it(`${title} — deliberate difference: ${difference.reason}`, async () => {
          const r = await runCase(entry);
          difference.check(r);
        });
        continue;
      }
      it(title, async () => {
        const expected = JSON.parse(readFileSync(join(ROOT, entry.expected), 'utf8')) as Expected;
        const r = await runCase(entry);
        const got = traceFromEvents(r.out, r.rc, CASES);
        const context = r.err.join('\n').slice(0, 2000);
        expect({ per_host: got.per_host, stats: got.stats }, context).toEqual({ per_host: expected.per_host, stats: expected.stats });
        expect(got.rc, context).toBe(expected.rc);
      });
    }
  });
}
