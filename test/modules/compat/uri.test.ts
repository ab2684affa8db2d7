// uri against the real local shell (curl) and a local HTTP server: methods, body formats,
// status_code, json/content, headers as result keys, redirects, dest, creates, check mode.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import uri from '../../../modules/uri.js';
import { localHost, probe, runModule, type LocalHost } from '../local-host.js';
import { startServer, type TestServer } from './http-server.js';

let server: TestServer;
let host: LocalHost;

beforeAll(async () => {
  server = await startServer({
    '/api': (r) => ({ headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'r-1', 'Set-Cookie': 'sid=abc; Path=/' }, body: JSON.stringify({ method: r.method, got: r.body, type: r.headers['content-type'] ?? null }) }),
    '/text': () => ({ headers: { 'Content-Type': 'text/plain' }, body: 'plain body\n' }),
    '/move': () => ({ status: 301, headers: { Location: '/text' } }),
    '/gone': () => ({ status: 410, headers: { 'Content-Type': 'text/plain' }, body: 'gone\n' }),
    '/made': () => ({ status: 201, headers: { 'Content-Type': 'application/json' }, body: '{"id": 7}' }),
  });
  host = localHost();
});
afterAll(async () => {
  host.cleanup();
  await server.close();
});

describe('uri (local shell, curl)', () => {
  it('GETs JSON: status, json, headers as keys, cookies, msg; no content without return_content', async () => {
    const r = await runModule(uri, host, { url: `${server.base}/api` });
    expect(r).toMatchObject({ changed: false, status: 200, url: `${server.base}/api`, redirected: false, json: { method: 'GET', got: '', type: null }, x_request_id: 'r-1', content_type: 'application/json', cookies: { sid: 'abc' }, msg: 'OK (unknown bytes)' });
    expect(r['content']).toBeUndefined();
  });
  it('POSTs a JSON body (Content-Type set) and a form body', async () => {
    const j = await runModule(uri, host, { url: `${server.base}/api`, method: 'POST', body_format: 'json', body: { a: 1, b: [true, null] } });
    expect(j['json']).toEqual({ method: 'POST', got: '{"a": 1, "b": [true, null]}', type: 'application/json' });
    const f = await runModule(uri, host, { url: `${server.base}/api`, method: 'PUT', body_format: 'form-urlencoded', body: { name: 'a b', tags: ['x', 'y'] } });
    expect(f['json']).toEqual({ method: 'PUT', got: 'name=a+b&tags=x&tags=y', type: 'application/x-www-form-urlencoded' });
  });
  it('accepts the listed status codes and returns content on request', async () => {
    const r = await runModule(uri, host, { url: `${server.base}/made`, method: 'POST', status_code: [200, 201], return_content: true });
    expect(r).toMatchObject({ status: 201, json: { id: 7 }, content: '{"id": 7}' });
  });
  it('fails on another status, with Ansible\'s message', async () => {
    const r = await runModule(uri, host, { url: `${server.base}/gone` });
    expect(r).toMatchObject({ failed: true, status: 410, msg: 'Status code was 410 and not [200]: HTTP Error 410: Gone' });
  });
  it('follows redirects of GET (safe) but not with follow_redirects: none', async () => {
    const r = await runModule(uri, host, { url: `${server.base}/move`, return_content: true });
    expect(r).toMatchObject({ status: 200, redirected: true, url: `${server.base}/text`, content: 'plain body\n' });
    const n = await runModule(uri, host, { url: `${server.base}/move`, follow_redirects: 'none', status_code: 301 });
    expect(n).toMatchObject({ status: 301, location: `${server.base}/text` });
  });
  it('writes dest and reports changed; creates skips the request', async () => {
    const dest = join(host.dir, 'body.txt');
    const r = await runModule(uri, host, { url: `${server.base}/text`, dest });
    expect(r).toMatchObject({ changed: true, path: dest });
    expect(readFileSync(dest, 'utf8')).toBe('plain body\n');
    const before = server.seen.length;
    const s = await runModule(uri, host, { url: `${server.base}/text`, creates: dest });
    expect(s).toMatchObject({ changed: false, stdout: `skipped, since '${dest}' exists` });
    expect(server.seen.length).toBe(before);
  });
  it('sends a controller file as the body (src)', async () => {
    writeFileSync(join(host.dir, 'payload.json'), '{"from": "file"}');
    const r = await runModule(uri, host, { url: `${server.base}/api`, method: 'POST', src: 'payload.json', headers: { 'Content-Type': 'application/json' } });
    expect(r['json']).toMatchObject({ got: '{"from": "file"}' });
  });
  it('reports a refused connection as status -1', async () => {
    const r = await runModule(uri, host, { url: 'http://127.0.0.1:1/x', timeout: 5 });
    expect(r).toMatchObject({ failed: true, status: -1 });
    expect(String(r['msg'])).toMatch(/^Status code was -1 and not \[200\]: Request failed: /);
  });
  it('is skipped in check mode and sends nothing', async () => {
    const before = server.seen.length;
    const p = await probe(uri, host, { url: `${server.base}/api`, method: 'DELETE' }, { checkMode: true });
    expect(p.checkResult).toMatchObject({ skipped: true });
    expect(server.seen.length).toBe(before);
    expect(existsSync(join(host.dir, 'x'))).toBe(false);
  });
});
