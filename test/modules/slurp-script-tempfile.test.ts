// slurp, script and tempfile on the local shell; the expected results are what
// ansible-core 2.14 returned for the same calls (`ansible localhost -m ...`, shown inline).
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import script from '../../modules/script.js';
import slurp from '../../modules/slurp.js';
import tempfile from '../../modules/tempfile.js';
import { scriptLine } from '../../modules/lib/script-run.js';
import { localHost, probe, runModule } from './local-host.js';

const host = localHost();
afterAll(() => host.cleanup());

describe('slurp', () => {
  it('returns the content base64 encoded', async () => {
    writeFileSync(join(host.dir, 'a.txt'), 'aaa\n');
    writeFileSync(join(host.dir, 'bin'), Buffer.from([0, 255, 10, 13, 128]));
    // ansible: {"changed": false, "content": "YWFhCg==", "encoding": "base64", "source": "a.txt"}
    expect(await runModule(slurp, host, { src: 'a.txt' })).toEqual({ changed: false, content: 'YWFhCg==', encoding: 'base64', source: 'a.txt' });
    expect((await runModule(slurp, host, { path: 'bin' }))['content']).toBe(Buffer.from([0, 255, 10, 13, 128]).toString('base64'));
  });

  it('fails with ansible messages for a missing file and a directory', async () => {
    // ansible: "file not found: /nonexist", "source is a directory and must be a file: /tmp"
    expect(await runModule(slurp, host, { src: '/nonexist' })).toMatchObject({ failed: true, msg: 'file not found: /nonexist' });
    expect(await runModule(slurp, host, { src: host.dir })).toMatchObject({ failed: true, msg: `source is a directory and must be a file: ${host.dir}` });
  });

  it('runs in check mode (read-only, no apply)', async () => {
    const p = await probe(slurp, host, { src: 'a.txt' }, { checkMode: true });
    expect(p).toMatchObject({ changed: false, result: { content: 'YWFhCg==' } });
    expect(p.apply).toBeUndefined();
  });
});

describe('script', () => {
  const files = join(host.dir, 'play', 'files');
  mkdirSync(files, { recursive: true });
  writeFileSync(join(files, 's.sh'), '#!/bin/sh\necho "args: $*"; echo err >&2; pwd\n');
  writeFileSync(join(files, 'fail.sh'), '#!/bin/sh\necho out; exit 3\n');
  writeFileSync(join(files, 'noexec.py'), 'import sys\nprint("py", sys.argv[1:])\n');
  const searchPaths = [join(host.dir, 'play')];

  it('runs the script with its arguments through the shell, output not stripped', async () => {
    // ansible: {"changed": true, "rc": 0, "stderr": "err\n", "stderr_lines": ["err"], "stdout": "args: a b c\n/tmp/oracle\n", ...}
    const r = await runModule(script, host, { _raw_params: "s.sh a 'b c'" }, { searchPaths });
    expect(r).toEqual({ changed: true, rc: 0, stdout: `args: a b c\n${host.dir}\n`, stdout_lines: ['args: a b c', host.dir], stderr: 'err\n', stderr_lines: ['err'] });
  });

  it('finds files/ relative names and leaves nothing behind on the host', async () => {
    const r = await runModule(script, host, { _raw_params: 'files/s.sh one two' }, { searchPaths });
    expect(r['stdout']).toMatch(/^args: one two\n/);
    expect(host.log.some((c) => c.startsWith('rm -rf -- '))).toBe(true);
  });

  it('skips on creates/removes with ansible messages', async () => {
    // ansible: {"changed": false, "msg": "/etc/passwd exists, matching creates option", "skipped": true}
    expect(await runModule(script, host, { _raw_params: 's.sh', creates: 'a.txt' }, { searchPaths })).toEqual({ changed: false, skipped: true, msg: 'a.txt exists, matching creates option' });
    // ansible: {"changed": false, "msg": "/nonexist does not exist, matching removes option", "skipped": true}
    expect(await runModule(script, host, { _raw_params: 's.sh', removes: '/nonexist' }, { searchPaths })).toEqual({ changed: false, skipped: true, msg: '/nonexist does not exist, matching removes option' });
  });

  it('fails on a non-zero exit with the output', async () => {
    // ansible: {"changed": true, "failed": true, "msg": "non-zero return code", "rc": 3, "stdout": "out\n", ...}
    expect(await runModule(script, host, { _raw_params: 'fail.sh' }, { searchPaths })).toEqual({ changed: true, failed: true, msg: 'non-zero return code', rc: 3, stdout: 'out\n', stdout_lines: ['out'], stderr: '', stderr_lines: [] });
  });

  it('is skipped in check mode unless creates/removes is given', async () => {
    // ansible --check: {"changed": false, "msg": "Check mode is not supported for this task.", "skipped": true}; with creates on a missing file: {"changed": true}
    // (_tsplay_would_run is internal: never registered or printed, it feeds --check's "would run" line)
    expect((await probe(script, host, { _raw_params: 's.sh' }, { checkMode: true, searchPaths })).checkResult).toEqual({ changed: false, skipped: true, msg: 'Check mode is not supported for this task.', _tsplay_would_run: 's.sh' });
    expect((await probe(script, host, { _raw_params: 's.sh', creates: '/nonexist' }, { checkMode: true, searchPaths })).checkResult).toEqual({ changed: true });
  });

  it('uses executable and an absolute chdir', async () => {
    const r = await runModule(script, host, { _raw_params: 'noexec.py x', executable: 'python3', chdir: '/' }, { searchPaths });
    expect(r).toMatchObject({ rc: 0, stdout: "py ['x']\n" });
    expect(await runModule(script, host, { _raw_params: 's.sh', chdir: 'rel' }, { searchPaths })).toMatchObject({ failed: true, msg: 'chdir rel must be an absolute path for a Unix-aware remote node' });
  });

  it('fails when the script is not on the controller', async () => {
    const r = await runModule(script, host, { _raw_params: 'nope.sh' }, { searchPaths });
    expect(r['msg']).toMatch(/^Could not find or access 'nope.sh'\nSearched in:\n\t.*files\/nope.sh\n/);
  });

  it('replaces only the script name in the line, keeping the quoting of the arguments', () => {
    expect(scriptLine({ line: ' files/s.sh "a  b" $HOME ', written: 'files/s.sh' }, '/tmp/x/s.sh')).toBe('/tmp/x/s.sh "a  b" $HOME');
    expect(scriptLine({ line: 's.sh', written: 's.sh', executable: 'bash -x' }, '/tmp/x/s.sh')).toBe('bash -x /tmp/x/s.sh');
  });
});

describe('tempfile', () => {
  it('creates a 0600 file with prefix and suffix and reports its attributes', async () => {
    // ansible: {"changed": true, "path": "/tmp/ansible.cpqs32ni.x", "mode": "0600", "size": 0, "state": "file", "uid": 0, ...}
    const r = await runModule(tempfile, host, { path: host.dir, suffix: '.x' });
    expect(r).toMatchObject({ changed: true, mode: '0600', size: 0, state: 'file' });
    expect(String(r['path'])).toMatch(new RegExp(`^${host.dir}/ansible\\.[A-Za-z0-9]{8}\\.x$`));
    expect(statSync(String(r['path'])).isFile()).toBe(true);
    expect(Object.keys(r).sort()).toEqual(['changed', 'gid', 'group', 'mode', 'owner', 'path', 'size', 'state', 'uid']);
  });

  it('creates a 0700 directory; a relative path comes back absolute', async () => {
    const r = await runModule(tempfile, host, { state: 'directory', prefix: 'build-', path: '.' });
    expect(r).toMatchObject({ changed: true, mode: '0700', state: 'directory' });
    expect(String(r['path'])).toMatch(new RegExp(`^${host.dir}/build-[A-Za-z0-9]{8}$`));
    expect(existsSync(String(r['path']))).toBe(true);
  });

  it('is skipped in check mode like ansible', async () => {
    // ansible --check: {"changed": false, "msg": "remote module (tempfile) does not support check mode", "skipped": true}
    const p = await probe(tempfile, host, {}, { checkMode: true });
    expect(p.checkResult).toEqual({ changed: false, skipped: true, msg: 'remote module (tempfile) does not support check mode' });
  });

  it('fails with mktemp\'s reason for a missing directory', async () => {
    const r = await runModule(tempfile, host, { path: join(host.dir, 'missing') });
    expect(r).toMatchObject({ failed: true });
    expect(String(r['msg'])).toContain('No such file or directory');
  });
});


describe('slurp with ~', () => {
  it('reads from the remote home and reports the expanded source', async () => {
    const home = localHost();
    try {
      writeFileSync(join(home.dir, 'h.txt'), 'hi');
      const prev = process.env['HOME'];
      process.env['HOME'] = home.dir;
      try {
        expect(await runModule(slurp, home, { src: '~/h.txt' })).toEqual({ changed: false, content: 'aGk=', encoding: 'base64', source: `${home.dir}/h.txt` });
      } finally {
        process.env['HOME'] = prev;
      }
    } finally {
      home.cleanup();
    }
  });
});
