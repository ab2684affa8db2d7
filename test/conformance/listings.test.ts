// ansible-playbook's --syntax-check / --list-hosts / --list-tasks / --list-tags output, compared
// byte for byte with what ansible-core 2.14.18 printed for the same case and flags
// (listings/INDEX.json; recorded by running ansible-playbook in cases/ with tools/ansible.cfg).
// Only single-host plays are listed with --list-hosts: Ansible prints a set, in no fixed order.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../helpers/bundled-main.js';

const ROOT = dirname(fileURLToPath(import.meta.url));
const index = JSON.parse(readFileSync(join(ROOT, 'listings', 'INDEX.json'), 'utf8')) as { playbook: string; args: string; expected: string; rc: number }[];

async function listing(playbook: string, args: string): Promise<{ rc: number; text: string }> {
  const out: string[] = [];
  const cwd = process.cwd();
  process.chdir(join(ROOT, 'cases'));
  try {
    const rc = await main(['run', playbook, ...args.split(' ')], { out: (s) => out.push(s), err: (s) => out.push(s), isTTY: false, env: { ...process.env, ANSIBLE_CONFIG: join(ROOT, 'tools', 'ansible.cfg') } });
    return { rc, text: out.join('\n') + '\n' };
  } finally {
    process.chdir(cwd);
  }
}

describe('listing flags match ansible-playbook', () => {
  for (const c of index) {
    it(`${c.playbook} ${c.args}`, async () => {
      const r = await listing(c.playbook, c.args);
      expect(r.rc).toBe(c.rc);
      expect(r.text).toBe(readFileSync(join(ROOT, 'listings', c.expected), 'utf8'));
    });
  }
});
