// Credentials as kubectl has them: a token file rotated under a running client, an exec credential
// plugin (its KUBERNETES_EXEC_INFO, expiry and a 401 making it run again, a client certificate it
// hands out), and a Pod's service account (KUBERNETES_SERVICE_HOST, token, CA) — against the lab API.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, inClusterTarget, loadKubeconfig, readExecCredential } from '../../engine/kube/index.js';
import { makeNode, makeSelfSignedCert, startKubeApi, type KubeApi } from '../../lab/kube/index.js';

let dir: string;
let api: KubeApi;
/** the tokens the server takes right now, and the Authorization headers it saw */
let accepted = new Set<string>();
const seen: string[] = [];
const tls = makeSelfSignedCert();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-kube-cred-'));
  api = await startKubeApi({
    tls,
    intercept: (req, res) => {
      const auth = String(req.headers.authorization ?? '');
      seen.push(auth);
      if (accepted.has(auth.replace(/^Bearer /, ''))) return false;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401, message: 'Unauthorized' }));
      return true;
    },
  });
  api.store.add(makeNode('n1'));
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(user: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
    clusters: [{ name: 'c', cluster: { server: api.url, 'certificate-authority-data': Buffer.from(tls.cert).toString('base64') } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
  });
}

describe('a token file', () => {
  it('is read again when the server refuses the old token (rotation)', async () => {
    writeFileSync(join(dir, 'token'), 'tok-1\n');
    writeFileSync(join(dir, 'tf.kubeconfig'), kubeconfig({ tokenFile: 'token' }));
    accepted = new Set(['tok-1']);
    const c = new KubeClient(loadKubeconfig({ path: join(dir, 'tf.kubeconfig') }), { retry: false });
    expect((await c.get('nodes', 'n1')).metadata.name).toBe('n1');
    writeFileSync(join(dir, 'token'), 'tok-2\n');
    accepted = new Set(['tok-2']);
    seen.length = 0;
    expect((await c.get('nodes', 'n1')).metadata.name).toBe('n1');
    expect(seen).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    c.close();
  });
});

describe('an exec credential plugin', () => {
  // a plugin that hands out token N (counting its runs), expiring `ttl` seconds from now
  function plugin(name: string, ttlS: number, extra = ''): string {
    const p = join(dir, name);
    writeFileSync(p, `#!${process.execPath}
const fs = require('node:fs');
const n = Number(fs.existsSync(${JSON.stringify(p + '.count')}) ? fs.readFileSync(${JSON.stringify(p + '.count')}, 'utf8') : 0) + 1;
fs.writeFileSync(${JSON.stringify(p + '.count')}, String(n));
fs.writeFileSync(${JSON.stringify(p + '.info')}, process.env.KUBERNETES_EXEC_INFO + '\\n' + process.argv.slice(2).join(' ') + '\\n' + process.env.PLUGIN_MODE);
${extra}
console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'exec-' + n, expirationTimestamp: new Date(Date.now() + ${ttlS} * 1000).toISOString() } }));
`);
    chmodSync(p, 0o755);
    return p;
  }

  it('runs it (relative to the kubeconfig) with its args, env and KUBERNETES_EXEC_INFO, and keeps the token until it expires', async () => {
    plugin('sso-login', 3600);
    writeFileSync(join(dir, 'exec.kubeconfig'), kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './sso-login', args: ['get-token', '--cluster', 'c'], env: [{ name: 'PLUGIN_MODE', value: 'quiet' }], interactiveMode: 'Never', provideClusterInfo: true } }));
    accepted = new Set(['exec-1']);
    const c = new KubeClient(loadKubeconfig({ path: join(dir, 'exec.kubeconfig') }), { retry: false });
    await c.get('nodes', 'n1');
    await c.list('nodes');
    expect(readFileSync(join(dir, 'sso-login.count'), 'utf8')).toBe('1');
    const [info, args, mode] = readFileSync(join(dir, 'sso-login.info'), 'utf8').split('\n');
    expect(JSON.parse(info as string)).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false, cluster: { server: api.url } } });
    expect(args).toBe('get-token --cluster c');
    expect(mode).toBe('quiet');
    // the server refuses it (revoked): the plugin runs again, once
    accepted = new Set(['exec-2']);
    await c.get('nodes', 'n1');
    expect(readFileSync(join(dir, 'sso-login.count'), 'utf8')).toBe('2');
    c.close();
  });

  it('runs it again once its credential has expired', async () => {
    plugin('short', 5);
    writeFileSync(join(dir, 'short.kubeconfig'), kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: join(dir, 'short') } }));
    // the plugin answers v1 while asked for v1beta1: refused with the reason
    const bad = new KubeClient(loadKubeconfig({ path: join(dir, 'short.kubeconfig') }), { retry: false });
    await expect(bad.get('nodes', 'n1')).rejects.toThrow(/answered "client.authentication.k8s.io\/v1", not the client.authentication.k8s.io\/v1beta1/);
    bad.close();
    writeFileSync(join(dir, 'short.kubeconfig'), kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: join(dir, 'short') } }));
    accepted = new Set(['exec-2', 'exec-3']);
    const c = new KubeClient(loadKubeconfig({ path: join(dir, 'short.kubeconfig') }), { retry: false });
    await c.get('nodes', 'n1');
    await c.get('nodes', 'n1');
    // 5 s of life, renewed 10 s early: every request runs it again
    expect(readFileSync(join(dir, 'short.count'), 'utf8')).toBe('3');
    c.close();
  });

  it('says what went wrong: not installed (with the install hint), a failure, no credential', async () => {
    writeFileSync(join(dir, 'missing.kubeconfig'), kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'tsplay-no-such-plugin', installHint: 'install it with: apt install sso-login' } }));
    const c = new KubeClient(loadKubeconfig({ path: join(dir, 'missing.kubeconfig') }), { retry: false });
    await expect(c.get('nodes', 'n1')).rejects.toThrow(/tsplay-no-such-plugin: executable not found\ninstall it with: apt install sso-login/);
    c.close();
    plugin('broken', 60, "console.error('login expired, run sso-login'); process.exit(3);");
    writeFileSync(join(dir, 'broken.kubeconfig'), kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: join(dir, 'broken') } }));
    const b = new KubeClient(loadKubeconfig({ path: join(dir, 'broken.kubeconfig') }), { retry: false });
    await expect(b.get('nodes', 'n1')).rejects.toThrow(/exited 3: login expired, run sso-login/);
    b.close();
    expect(() => readExecCredential('{"kind":"ExecCredential","apiVersion":"v1x","status":{}}', { apiVersion: 'v1x', command: 'p' })).toThrow(/neither a token nor a client certificate/);
    expect(() => loadKubeconfig({ text: kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'p', interactiveMode: 'Always' } }) })).toThrow(/needs a terminal/);
  });
});

describe("a Pod's service account", () => {
  it('reaches the API at KUBERNETES_SERVICE_HOST:PORT with the mounted token, CA and namespace', async () => {
    const sa = join(dir, 'serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'ca.crt'), tls.cert);
    writeFileSync(join(sa, 'namespace'), 'tsplay');
    const port = new URL(api.url).port;
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port, TSPLAY_SA_DIR: sa };
    const t = inClusterTarget(env);
    expect(t).toMatchObject({ server: `https://127.0.0.1:${port}`, namespace: 'tsplay', token: 'sa-token', tokenFile: join(sa, 'token') });
    accepted = new Set(['sa-token']);
    const c = new KubeClient(t, { retry: false });
    expect((await c.list('nodes')).items.map((n) => n.metadata.name)).toEqual(['n1']);
    c.close();
    // a service account directory given where a kubeconfig path goes means the same
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      expect(loadKubeconfig({ path: sa })).toMatchObject({ server: `https://127.0.0.1:${port}`, namespace: 'tsplay' });
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    }
    expect(() => inClusterTarget({ TSPLAY_SA_DIR: sa })).toThrow(/not running in a Pod/);
  });
});
