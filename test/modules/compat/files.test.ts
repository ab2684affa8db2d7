// fetch and unarchive against the real local shell in a scratch directory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fetch from '../../../modules/fetch.js';
import unarchive from '../../../modules/unarchive.js';
import { localHost, probe, runModule, type LocalHost } from '../local-host.js';

let host: LocalHost;
beforeAll(() => {
  host = localHost();
  mkdirSync(join(host.dir, 'tree/sub'), { recursive: true });
  writeFileSync(join(host.dir, 'tree/a.txt'), 'a\n');
  writeFileSync(join(host.dir, 'tree/sub/b.txt'), 'bb\n');
  execFileSync('tar', ['-czf', join(host.dir, 'tree.tgz'), '-C', host.dir, 'tree']);
  execFileSync('tar', ['-cf', join(host.dir, 'tree.tar'), '-C', host.dir, 'tree']);
});
afterAll(() => host.cleanup());

describe('fetch (local shell)', () => {
  it('writes dest/inventory_hostname/src, then is ok while the file is the same', async () => {
    const src = join(host.dir, 'tree/a.txt');
    const r = await runModule(fetch, host, { src, dest: join(host.dir, 'fetched') });
    const dest = join(host.dir, 'fetched', 'local', src);
    expect(r).toMatchObject({ changed: true, dest, remote_md5sum: null, checksum: '3f786850e387550fdab836ed7e6dc881de23001b', remote_checksum: '3f786850e387550fdab836ed7e6dc881de23001b' });
    expect(readFileSync(dest, 'utf8')).toBe('a\n');
    const again = await runModule(fetch, host, { src, dest: join(host.dir, 'fetched') });
    expect(again).toMatchObject({ changed: false, file: src, dest, md5sum: '60b725f10c9c85c70d97880dfe8191b3' });
  });
  it('flat: dest/ means into that directory', async () => {
    const r = await runModule(fetch, host, { src: join(host.dir, 'tree/sub/b.txt'), dest: `${join(host.dir, 'flat')}/`, flat: true });
    expect(r).toMatchObject({ changed: true, dest: join(host.dir, 'flat', 'b.txt') });
  });
  it('a missing file fails, or is ignored with fail_on_missing: false', async () => {
    const src = join(host.dir, 'nope');
    const f = await runModule(fetch, host, { src, dest: host.dir });
    expect(f).toMatchObject({ failed: true, msg: 'the remote file does not exist, not transferring, ignored', file: src });
    const i = await runModule(fetch, host, { src, dest: host.dir, fail_on_missing: false });
    expect(i).toMatchObject({ changed: false, msg: 'the remote file does not exist, not transferring, ignored' });
    const d = await runModule(fetch, host, { src: join(host.dir, 'tree'), dest: host.dir });
    expect(d).toMatchObject({ failed: true, msg: 'remote file is a directory, fetch cannot work on directories' });
  });
  it('is skipped in check mode', async () => {
    const p = await probe(fetch, host, { src: join(host.dir, 'tree/a.txt'), dest: join(host.dir, 'x') }, { checkMode: true });
    expect(p.checkResult).toMatchObject({ skipped: true });
  });
});

describe('unarchive (local shell)', () => {
  it('copies a controller tgz, extracts it, then is ok', async () => {
    const dest = join(host.dir, 'out1');
    mkdirSync(dest);
    const r = await runModule(unarchive, host, { src: join(host.dir, 'tree.tgz'), dest, list_files: true });
    expect(r).toMatchObject({ changed: true, handler: 'TgzArchive', extract_results: { rc: 0 } });
    expect((r['files'] as string[]).sort()).toEqual(['tree/', 'tree/a.txt', 'tree/sub/', 'tree/sub/b.txt']);
    expect(readFileSync(join(dest, 'tree/sub/b.txt'), 'utf8')).toBe('bb\n');
    const again = await runModule(unarchive, host, { src: join(host.dir, 'tree.tgz'), dest });
    expect(again['changed']).toBe(false);
  });
  it('remote_src with extra_opts (--strip-components) and mode', async () => {
    const dest = join(host.dir, 'out2');
    mkdirSync(dest);
    const r = await runModule(unarchive, host, { src: join(host.dir, 'tree.tar'), dest, remote_src: true, extra_opts: ['--strip-components=1'], mode: '0600' });
    expect(r).toMatchObject({ changed: true, handler: 'TarArchive' });
    expect(readFileSync(join(dest, 'a.txt'), 'utf8')).toBe('a\n');
  });
  it('creates skips; a missing dest fails; check mode extracts nothing', async () => {
    const s = await runModule(unarchive, host, { src: join(host.dir, 'tree.tgz'), dest: host.dir, creates: join(host.dir, 'tree') });
    expect(s).toMatchObject({ skipped: true, msg: `skipped, since ${join(host.dir, 'tree')} exists` });
    const f = await runModule(unarchive, host, { src: join(host.dir, 'tree.tgz'), dest: join(host.dir, 'none') });
    expect(f).toMatchObject({ failed: true, msg: `dest '${join(host.dir, 'none')}' must be an existing dir` });
    mkdirSync(join(host.dir, 'out3'));
    const p = await probe(unarchive, host, { src: join(host.dir, 'tree.tgz'), dest: join(host.dir, 'out3') }, { checkMode: true });
    expect(p.changed).toBe(true);
    expect(existsSync(join(host.dir, 'out3/tree'))).toBe(false);
  });
});
