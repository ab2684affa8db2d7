// get_url against the real local shell (curl) and a local HTTP server: downloads, checksums
// (inline and from a checksum file), dest directories, idempotence and failures.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import getUrl from '../../../modules/get-url.js';
import { localHost, probe, runModule, type LocalHost } from '../local-host.js';
import { startServer, type TestServer } from './http-server.js';

const BODY = 'hello tsplay\n';
const sha256 = createHash('sha256').update(BODY).digest('hex');
let server: TestServer;
let host: LocalHost;

beforeAll(async () => {
  server = await startServer({
    '/files/tool.bin': () => ({ body: BODY }),
    '/files/SHA256SUMS': () => ({ body: `0000  other.bin\n${sha256}  tool.bin\n` }),
    '/dl': () => ({ headers: { 'Content-Disposition': 'attachment; filename="named.txt"' }, body: BODY }),
    '/redirect': () => ({ status: 302, headers: { Location: '/files/tool.bin' } }),
    '/private': (r) => (r.headers.authorization === `Basic ${Buffer.from('u:p w').toString('base64')}` ? { body: 'secret\n' } : { status: 401 }),
  });
  host = localHost();
});
afterAll(async () => {
  host.cleanup();
  await server.close();
});

describe('get_url (local shell, curl)', () => {
  it('downloads to a file, sets the mode, and reports the checksums', async () => {
    const dest = join(host.dir, 'tool.bin');
    const r = await runModule(getUrl, host, { url: `${server.base}/files/tool.bin`, dest, mode: '0750' });
    expect(r).toMatchObject({ changed: true, dest, status_code: 200, checksum_src: createHash('sha1').update(BODY).digest('hex'), checksum_dest: null, mode: '0750', msg: 'OK (13 bytes)' });
    expect(readFileSync(dest, 'utf8')).toBe(BODY);
    expect(statSync(dest).mode & 0o777).toBe(0o750);
  });
  it('is ok when the checksum of dest matches (no download)', async () => {
    const dest = join(host.dir, 'tool.bin');
    const before = server.seen.length;
    const r = await runModule(getUrl, host, { url: `${server.base}/files/tool.bin`, dest, checksum: `sha256:${sha256}`, mode: '0750' });
    expect(r).toMatchObject({ changed: false, msg: 'file already exists' });
    expect(server.seen.length).toBe(before);
  });
  it('downloads again without a checksum but reports ok when the content is the same', async () => {
    const dest = join(host.dir, 'tool.bin');
    const r = await runModule(getUrl, host, { url: `${server.base}/files/tool.bin`, dest });
    expect(r).toMatchObject({ changed: false, status_code: 200 });
    expect(server.seen.at(-1)?.headers['if-modified-since']).toBeDefined();
  });
  it('takes the digest for the file name from a checksum file (sha256:URL)', async () => {
    const dest = join(host.dir, 'from-list.bin');
    const r = await runModule(getUrl, host, { url: `${server.base}/files/tool.bin`, dest, checksum: `sha256:${server.base}/files/SHA256SUMS` });
    expect(r).toMatchObject({ changed: true });
    expect(readFileSync(dest, 'utf8')).toBe(BODY);
  });
  it('fails and removes the file when the checksum does not match', async () => {
    const dest = join(host.dir, 'bad.bin');
    const r = await runModule(getUrl, host, { url: `${server.base}/files/tool.bin`, dest, checksum: 'md5:0123456789abcdef0123456789abcdef' });
    expect(r['failed']).toBe(true);
    expect(r['msg']).toMatch(/^The checksum for .*bad\.bin did not match 0123456789abcdef0123456789abcdef; it was [0-9a-f]{32}\.$/);
    expect(existsSync(dest)).toBe(false);
  });
  it('names the file in a dest directory from Content-Disposition, else the URL', async () => {
    const r1 = await runModule(getUrl, host, { url: `${server.base}/dl`, dest: host.dir });
    expect(r1).toMatchObject({ changed: true, dest: join(host.dir, 'named.txt') });
    const r2 = await runModule(getUrl, host, { url: `${server.base}/redirect`, dest: host.dir });
    expect(r2).toMatchObject({ dest: join(host.dir, 'tool.bin') });
  });
  it('sends basic credentials', async () => {
    const dest = join(host.dir, 'private.txt');
    const r = await runModule(getUrl, host, { url: `${server.base}/private`, dest, username: 'u', password: 'p w' });
    expect(r).toMatchObject({ changed: true });
    expect(readFileSync(dest, 'utf8')).toBe('secret\n');
  });
  it('fails with the status on an HTTP error, and when the directory of dest is missing', async () => {
    const r = await runModule(getUrl, host, { url: `${server.base}/nope`, dest: join(host.dir, 'nope') });
    expect(r).toMatchObject({ failed: true, msg: 'Request failed', status_code: 404 });
    const m = await runModule(getUrl, host, { url: `${server.base}/files/tool.bin`, dest: join(host.dir, 'missing', 'x') });
    expect(m['msg']).toBe(`Destination ${join(host.dir, 'missing')} does not exist`);
  });
  it('reads file:// URLs', async () => {
    const src = join(host.dir, 'src.txt');
    writeFileSync(src, 'local\n');
    const r = await runModule(getUrl, host, { url: `file://${src}`, dest: join(host.dir, 'copy.txt') });
    expect(r).toMatchObject({ changed: true, status_code: 200 });
  });
  it('in check mode reports a download without fetching anything', async () => {
    const before = server.seen.length;
    const p = await probe(getUrl, host, { url: `${server.base}/files/tool.bin`, dest: join(host.dir, 'later.bin') }, { checkMode: true });
    expect(p.changed).toBe(true);
    expect(server.seen.length).toBe(before);
    expect(host.log.filter((c) => c.includes('curl')).length).toBeGreaterThan(0);
  });

  // the same host answering the tool lookup differently
  const withTool = (answer: string): LocalHost => ({ ...host, query: (cmd, o) => (cmd.text.startsWith('command -v curl') ? Promise.resolve({ rc: 0, stdout: answer, stderr: '' }) : host.query(cmd, o)), run: (cmd, o) => host.run(cmd, o) });
  it('downloads with wget when the host has no curl', async () => {
    const dest = join(host.dir, 'by-wget.bin');
    const r = await runModule(getUrl, withTool('/usr/bin/wget\n'), { url: `${server.base}/files/tool.bin`, dest, checksum: `sha256:${sha256}` });
    expect(r).toMatchObject({ changed: true, status_code: 200 });
    expect(readFileSync(dest, 'utf8')).toBe(BODY);
  });
  it('downloads on the controller and puts the file when the host has neither', async () => {
    const dest = join(host.dir, 'by-controller.bin');
    const r = await runModule(getUrl, withTool(''), { url: `${server.base}/files/tool.bin`, dest, checksum: `sha256:${server.base}/files/SHA256SUMS`, mode: '0644' });
    expect(r).toMatchObject({ changed: true, status_code: 200, mode: '0644' });
    expect(readFileSync(dest, 'utf8')).toBe(BODY);
  });
});
