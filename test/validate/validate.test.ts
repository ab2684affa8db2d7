// Every malformed-playbook category is rejected with its code at file:line:col, all
// errors are reported together, and nothing runs: no task, no connection to any host.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare } from '../../engine/cli/prepare.js';
import { builtinModules } from '../../modules/index.js';
import { main } from '../helpers/bundled-main.js';
import { lineCol } from '../../engine/source/position.js';
import type { Diagnostic } from '../../engine/diagnostics.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const INV = join(FIX, 'inventory.ini');

function diagnoseAll(name: string): Diagnostic[] {
  return prepare({ playbook: join(FIX, name), sources: [INV], extraVars: {}, rolesPath: [], modules: builtinModules() }).diagnostics;
}

function diagnose(name: string): Diagnostic[] {
  return diagnoseAll(name).filter((d) => d.severity !== 'warning');
}

function where(d: Diagnostic): string {
  if (!d.pos) return '?';
  const { line, col } = lineCol(d.pos.file, d.pos.offset);
  return `${line}:${col}`;
}

const CASES: [file: string, code: string, at: string, text: RegExp][] = [
  ['yaml-syntax.yml', 'yaml-syntax', '4:6', /./],
  ['schema.yml', 'schema', '6:13', /when must be/],
  ['unknown-module.yml', 'unknown-module', '5:7', /debgu/],
  ['unknown-keyword.yml', 'unknown-keyword', '6:7', /regsiter/],
  ['two-actions.yml', 'two-actions', '6:7', /command, shell/],
  ['bad-serial.yml', 'bad-serial', '3:11', /two/],
  ['missing-include.yml', 'missing-file', '5:21', /also-missing\.yml/],
  ['undefined-role.yml', 'undefined-role', '4:7', /not_a_role/],
];

// Found before anything runs, but only warned about: Ansible reports them when the task runs (a
// module's arguments, an expression) or when a changed task notifies (a missing handler), and so does tsplay.
const WARNINGS: [file: string, code: string, at: string, text: RegExp][] = [
  ['expression.yml', 'expression', '5:28', /./],
  ['unknown-handler.yml', 'unknown-handler', '6:15', /restart dqlite/],
  ['module-args.yml', 'module-args', '7:16', /file\.state must be one of/],
  ['alias-conflict.yml', 'module-args', '7:18', /both option 'name' and its alias 'service'/],
  ['alias-value.yml', 'module-args', '7:23', /apt\.update-cache \(alias of update_cache\) must be boolean/],
];

describe('validation rejects malformed playbooks with file:line:col', () => {
  for (const [file, code, at, text] of CASES) {
    it(`${code} (${file})`, () => {
      const ds = diagnose(file);
      const hit = ds.find((d) => d.code === code);
      expect(hit, JSON.stringify(ds.map((d) => [d.code, d.message]))).toBeDefined();
      expect(where(hit as Diagnostic)).toBe(at);
      expect(hit?.message).toMatch(text);
      expect(hit?.pos?.file).toBe(join(FIX, file));
    });
  }

  for (const [file, code, at, text] of WARNINGS) {
    it(`${code} (${file}) is a warning`, () => {
      const hit = diagnoseAll(file).find((d) => d.code === code);
      expect(hit).toBeDefined();
      expect(hit?.severity).toBe('warning');
      expect(where(hit as Diagnostic)).toBe(at);
      expect(hit?.message).toMatch(text);
    });
  }

  it('suggests the closest keyword or module', () => {
    expect(diagnose('unknown-module.yml')[0]?.hint).toBe("did you mean 'debug'?");
    expect(diagnose('unknown-keyword.yml')[0]?.hint).toBe("did you mean 'register'?");
  });

  it('names unknown filters at their offset', () => {
    const d = diagnoseAll('expression.yml').find((x) => x.message.includes('frobnicate'));
    expect(d && where(d)).toBe('7:28');
  });

  it('collects every error of a file at once', () => {
    const codes = diagnose('many.yml').map((d) => d.code).sort();
    expect(codes).toEqual(['unknown-keyword', 'unknown-module']);
  });

  it('finds a missing import_tasks file too', () => {
    const ds = diagnose('missing-include.yml').filter((d) => d.code === 'missing-file').sort((a, b) => (a.pos?.offset ?? 0) - (b.pos?.offset ?? 0));
    expect(ds.map(where)).toEqual(['4:22', '5:21']);
  });
});

describe('nothing runs and no host is contacted when validation fails', () => {
  let server: Server;
  let connections = 0;
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-validate-'));
  beforeAll(async () => {
    server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 4 with every error printed, before touching the local or the ssh host', async () => {
    const marker = join(dir, 'ran');
    writeFileSync(join(dir, 'inv.ini'), `local1 ansible_connection=local\nremote1 ansible_host=127.0.0.1 ansible_port=${port}\n`);
    writeFileSync(
      join(dir, 'pb.yml'),
      `- hosts: all\n  gather_facts: true\n  tasks:\n    - command: touch ${marker}\n    - debgu: msg=x\n    - debug: msg="{{ a | nofilter }}"\n`,
    );
    const err: string[] = [];
    const rc = await main(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.ini')], { out: () => undefined, err: (s) => err.push(s), isTTY: false, env: {} });
    expect(rc).toBe(4);
    const text = err.join('\n');
    expect(text).toMatch(/pb\.yml:5:7: error\[unknown-module\]/);
    expect(text).toMatch(/pb\.yml:6:\d+: warning\[expression\]/);
    expect(text).toContain('> 5 |     - debgu: msg=x');
    expect(existsSync(marker)).toBe(false);
    expect(connections).toBe(0);
  });
});
