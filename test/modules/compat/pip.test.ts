// pip against the real local shell and a real virtualenv (python3 -m venv), installing wheels
// made here from a local folder (--no-index: no network): pinned, latest and absent, each
// changed once then idempotent, and check mode changing nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pip from '../../../modules/pip.js';
import { localHost, probe, runModule, type LocalHost } from '../local-host.js';

let host: LocalHost;
let venv: string;
let args: Record<string, unknown>;

// Two versions of a one-file wheel, built with the standard library's zipfile.
const MAKE_WHEELS = `
import base64, hashlib, sys, zipfile
def rec(d): return 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()
for ver in ('1.0', '2.0'):
    info = 'tsplaydemo-%s.dist-info' % ver
    files = {'tsplaydemo/__init__.py': ('VERSION = "%s"\\n' % ver).encode(),
             info + '/METADATA': ('Metadata-Version: 2.1\\nName: tsplaydemo\\nVersion: %s\\n' % ver).encode(),
             info + '/WHEEL': b'Wheel-Version: 1.0\\nGenerator: tsplay-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}
    record = ''.join('%s,%s,%d\\n' % (k, rec(v), len(v)) for k, v in files.items()) + info + '/RECORD,,\\n'
    with zipfile.ZipFile('%s/tsplaydemo-%s-py3-none-any.whl' % (sys.argv[1], ver), 'w') as z:
        for k, v in files.items(): z.writestr(k, v)
        z.writestr(info + '/RECORD', record)
`;

const version = () => execFileSync(join(venv, 'bin', 'python'), ['-c', 'import tsplaydemo; print(tsplaydemo.VERSION)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

beforeAll(() => {
  host = localHost();
  const wheels = join(host.dir, 'wheels');
  mkdirSync(wheels);
  execFileSync('python3', ['-c', MAKE_WHEELS, wheels]);
  venv = join(host.dir, 'venv');
  args = { virtualenv: venv, virtualenv_command: 'python3 -m venv', extra_args: `--no-index --find-links ${wheels}` };
});
afterAll(() => host.cleanup());

describe('pip (local shell, real virtualenv)', () => {
  it('check mode on a missing virtualenv reports a change and creates nothing', async () => {
    const p = await probe(pip, host, { ...args, name: 'tsplaydemo==1.0' }, { checkMode: true });
    expect(p.changed).toBe(true);
    expect(existsSync(venv)).toBe(false);
  });
  it('a pinned version: created and installed once, then unchanged (name==version or version:)', async () => {
    expect(await runModule(pip, host, { ...args, name: 'tsplaydemo==1.0' })).toMatchObject({ changed: true });
    expect(version()).toBe('1.0');
    expect(await runModule(pip, host, { ...args, name: 'tsplaydemo', version: '1.0' })).toMatchObject({ changed: false });
  }, 60_000);
  it('latest upgrades once, then finds nothing newer', async () => {
    expect(await runModule(pip, host, { ...args, name: ['tsplaydemo'], state: 'latest' })).toMatchObject({ changed: true });
    expect(version()).toBe('2.0');
    expect(await runModule(pip, host, { ...args, name: ['tsplaydemo'], state: 'latest' })).toMatchObject({ changed: false });
  }, 60_000);
  it('absent: check mode predicts it, then it removes once (extra_args go to uninstall too, as in Ansible)', async () => {
    const absent = { virtualenv: venv, name: 'tsplaydemo', state: 'absent' };
    expect((await probe(pip, host, absent, { checkMode: true })).changed).toBe(true);
    expect(version()).toBe('2.0');
    expect(await runModule(pip, host, { ...absent, extra_args: '--no-index' })).toMatchObject({ failed: true, changed: false });
    expect(await runModule(pip, host, absent)).toMatchObject({ changed: true });
    expect(() => version()).toThrow();
    expect(await runModule(pip, host, absent)).toMatchObject({ changed: false });
  }, 60_000);
  it('needs name or requirements; version needs a single name', async () => {
    expect(await runModule(pip, host, { ...args })).toMatchObject({ failed: true, msg: 'one of the following is required: name, requirements' });
    expect(await runModule(pip, host, { ...args, name: ['a', 'b'], version: '1' })).toMatchObject({ failed: true, msg: 'version is incompatible with a list of packages in name' });
  });
});
