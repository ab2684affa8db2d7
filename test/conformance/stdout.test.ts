// The plain log compared byte for byte with ansible-playbook's default output (forks=1,
// timestamps normalised like the recorder does) for the cases listed in stdout-cases.json;
// tsplay's own `[tsplay] ...` notices are left out of the comparison.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../helpers/bundled-main.js';

const ROOT = dirname(fileURLToPath(import.meta.url));
// Each test file runs in its own copy of the cases (playbooks write ./tmp_out), so files
// running in parallel never share a working directory.
const CASES = mkdtempSync(join(tmpdir(), 'tsplay-cases-'));
cpSync(join(ROOT, 'cases'), CASES, { recursive: true });
afterAll(() => rmSync(CASES, { recursive: true, force: true }));
const names = JSON.parse(readFileSync(join(ROOT, 'stdout-cases.json'), 'utf8')) as string[];

// Runs a case with the plain reporter and returns what it printed (stdout then stderr, like 2>&1).
async function plainRun(name: string): Promise<string> {
  const lines: string[] = [];
  const cwd = process.cwd();
  rmSync(join(CASES, 'tmp_out'), { recursive: true, force: true });
  process.chdir(CASES);
  try {
    await main(['run', `${name}.yml`, '--output', 'plain'], { out: (s) => lines.push(s), err: (s) => lines.push(s), isTTY: false, env: { ...process.env, ANSIBLE_CONFIG: join(ROOT, 'tools', 'ansible.cfg') } });
  } finally {
    process.chdir(cwd);
    rmSync(join(CASES, 'tmp_out'), { recursive: true, force: true });
  }
  // tsplay's own notices (`[tsplay] ...` on stderr, e.g. the --resume hint) are not Ansible output
  const text = lines.filter((l) => !l.startsWith('[tsplay] ')).join('\n');
  // ... and the CHECK SUMMARY block --check adds after the recap
  return text.replace(/\n\nCHECK SUMMARY [^]*$/, '').replace(/"(delta|end|start|stop)": "[^"]*"/g, '"$1": "<ts>"') + '\n';
}

describe('plain output matches ansible-playbook', () => {
  for (const name of names) {
    it(name, async () => {
      const expected = readFileSync(join(ROOT, 'expected', `${name}__plain.stdout.txt`), 'utf8');
      expect(await plainRun(name)).toBe(expected);
    });
  }
});
