// Broken source files: what used to exhaust memory (alias bombs in inventories and group_vars,
// a 10 MB line, a 2 MB nested flow list), what ansible refuses and tsplay accepted (NUL and
// control characters, !!python and unknown tags), what ansible accepts and tsplay refused (a
// BOM), and invalid UTF-8, reported with its position instead of becoming U+FFFD.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../e2e/cli.js';
import { expectNoCrash, playbook, scratch, TWO_LOCAL, type Scratch } from './fixtures.js';

let s: Scratch;
const OK = playbook('    - debug: msg=hi\n');
const bomb = (indent: string): string => {
  const lines = [`${indent}a0: &a0 [x,x,x,x,x,x,x,x,x,x]`];
  for (let i = 1; i < 10; i++) lines.push(`${indent}a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
};

beforeAll(() => {
  assertBuilt();
  s = scratch();
  s.write({ 'hosts.ini': TWO_LOCAL, 'ok.yml': OK });
});
afterAll(() => s.remove());

async function validate(playbookFile: string, inventory = 'hosts.ini') {
  const r = await s.tsplay(['validate', playbookFile, '-i', inventory]);
  expectNoCrash(r);
  return r;
}

describe('inputs that exhausted memory are refused at file:line, quickly', () => {
  it('a YAML alias bomb in an inventory', async () => {
    s.write({ 'bomb.yml': `all:\n  vars:\n${bomb('    ')}  hosts:\n    h1:\n` });
    const r = await validate('ok.yml', 'bomb.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/bomb\.yml:5:14: error\[too-many-aliases\]: YAML aliases expand to too many nodes/);
    expect(r.stderr).toContain('TSPLAY_MAX_YAML_ALIASES');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a YAML alias bomb in group_vars', async () => {
    s.write({ 'gv/hosts.ini': 'h1 ansible_connection=local\n', 'gv/group_vars/all.yml': bomb(''), 'gv/ok.yml': OK });
    const r = await validate('gv/ok.yml', 'gv/hosts.ini');
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/gv\/group_vars\/all\.yml:3:10: error\[too-many-aliases\]/);
  });

  it('an alias inside its own anchor (a recursive structure)', async () => {
    s.write({ 'rec.yml': '- hosts: all\n  vars:\n    x: &a [1, *a]\n  tasks: []\n' });
    const r = await validate('rec.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain('rec.yml:3:15: error[recursion]: the alias *a is inside the node anchored &a');
  });

  it('a 10 MB garbage line: too large a file; a 1.5 MB line: too long a line', async () => {
    s.write({ 'garbage.yml': `${OK}# ${'x{['.repeat(3_500_000)}\n`, 'line.yml': `${OK}# ${'x{['.repeat(500_000)}\n` });
    const big = await validate('garbage.yml');
    expect(big.rc).toBe(4);
    expect(big.stderr).toMatch(/garbage\.yml:1:1: error\[file-too-large\]: .*garbage\.yml is 10\.0 MB, larger than the limit for a source file/);
    const r = await validate('line.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/line\.yml:5:1: error\[line-too-long\]: line of 1500002 characters is longer than the limit for one line/);
    expect(r.stderr.length).toBeLessThan(5000);
  });

  it('a 2 MB deeply nested flow list, on one line or many', async () => {
    s.write({ 'nested.yml': `- hosts: all\n  vars:\n    x: ${'[\n'.repeat(500_000)}${']\n'.repeat(500_000)}  tasks: []\n` });
    const r = await validate('nested.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/nested\.yml:\d+:1: error\[nesting-too-deep\]: YAML collections nested more than 500 levels deep/);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a file larger than the limit is refused without being read', async () => {
    s.write({ 'big.yml': OK });
    const r = await s.tsplay(['validate', 'big.yml', '-i', 'hosts.ini'], { TSPLAY_MAX_FILE_BYTES: '10' });
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/error\[file-too-large\]: .*big\.yml is \d+ bytes, larger than the limit for a source file/);
  });
});

describe('characters and tags ansible refuses', () => {
  it('a NUL byte', async () => {
    s.write({ 'nul.yml': Buffer.from('- hosts: all\n  tasks:\n    - debug: msg="a\x00b"\n') });
    const r = await validate('nul.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain('nul.yml:3:20: error[invalid-character]: unacceptable character #x0000: special characters are not allowed (a NUL byte)');
  });

  it('a control character (never echoed to the terminal)', async () => {
    s.write({ 'ctrl.yml': Buffer.from('- hosts: all\n  tasks:\n    - debug: msg="a\x1b[31mb"\n') });
    const r = await validate('ctrl.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain('ctrl.yml:3:20: error[invalid-character]: unacceptable character #x001b');
    expect(r.stderr).not.toContain('\x1b[31m');
  });

  it('a control character in an INI inventory', async () => {
    s.write({ 'ctrl.ini': Buffer.from('h1 x=a\x07b\n') });
    const r = await validate('ok.yml', 'ctrl.ini');
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain('ctrl.ini:1:7: error[invalid-character]: unacceptable character #x0007');
  });

  it('!!python/ tags are refused, not ignored (and never constructed)', async () => {
    s.write({ 'py.yml': `- hosts: all\n  vars:\n    x: !!python/object/apply:os.system ["touch ${s.dir}/pwned"]\n  tasks: []\n` });
    const r = await validate('py.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain("py.yml:3:40: error[yaml-tag]: could not determine a constructor for the tag '!!python/object/apply:os.system' (Python objects are never constructed)");
  });

  it('unknown tags are refused; !unsafe and !vault are not', async () => {
    s.write({ 'tag.yml': '- hosts: all\n  vars:\n    x: !foo bar\n    y: !unsafe "{{ z }}"\n  tasks: []\n' });
    const r = await validate('tag.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain("tag.yml:3:13: error[yaml-tag]: could not determine a constructor for the tag '!foo'");
    expect(r.stderr).not.toContain("for the tag '!unsafe'");
  });
});

describe('encodings', () => {
  it('a UTF-8 BOM is accepted in a playbook, an inventory and a vars file', async () => {
    const bom = (t: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]);
    s.write({ 'bom/pb.yml': bom(playbook('    - debug: var=x\n')), 'bom/hosts.ini': bom('h1 ansible_connection=local\n'), 'bom/group_vars/all.yml': bom('x: 1\n'), 'bom/hosts.yml': bom('all:\n  hosts:\n    h1:\n      ansible_connection: local\n') });
    const v = await validate('bom/pb.yml', 'bom/hosts.ini');
    expect(v.rc).toBe(0);
    const r = await s.tsplay(['run', 'bom/pb.yml', '-i', 'bom/hosts.yml']);
    expectNoCrash(r);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('"x": 1');
  });

  it('invalid UTF-8 is reported with its position, not turned into U+FFFD', async () => {
    s.write({ 'utf8.yml': Buffer.concat([Buffer.from('- hosts: all\n  tasks:\n    - debug: msg="caf'), Buffer.from([0xe9]), Buffer.from(' ok"\n')]) });
    const r = await validate('utf8.yml');
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain('utf8.yml:3:22: error[invalid-utf8]: invalid UTF-8: byte 0xe9 at byte offset 43 cannot be decoded (source files must be UTF-8)');
  });

  it('invalid UTF-8 in an inventory too', async () => {
    s.write({ 'bad.ini': Buffer.concat([Buffer.from('h1 x='), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]) });
    const r = await validate('ok.yml', 'bad.ini');
    expect(r.rc).toBe(4);
    expect(r.stderr).toContain('bad.ini:1:6: error[invalid-utf8]: invalid UTF-8: byte 0xff');
  });
});
