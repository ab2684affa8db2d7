import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiError, KubeClient, KubeTransportError, KubeconfigError, defaultKubeconfigPath, loadKubeconfig, resourcePath } from '../../engine/kube/index.js';
import { buildKubeconfig, makeLease, makeNode, makeSelfSignedCert, startKubeApi, type KubeApi } from '../../lab/kube/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-kube-client-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const KUBECONFIG = `
apiVersion: v1
kind: Config
current-context: prod
clusters:
  - name: prod
    cluster:
      server: https://10.0.0.1:16443/
      certificate-authority: ca.crt
      tls-server-name: kubernetes
  - name: lab
    cluster:
      server: http://127.0.0.1:1
      insecure-skip-tls-verify: true
users:
  - name: admin
    user:
      client-certificate-data: ${Buffer.from('CERT').toString('base64')}
      client-key-data: ${Buffer.from('KEY').toString('base64')}
  - name: robot
    user:
      tokenFile: token.txt
  - name: sso
    user:
      exec: { command: kubelogin }
  - name: legacy
    user:
      auth-provider: { name: oidc }
contexts:
  - name: prod
    context: { cluster: prod, user: admin, namespace: web }
  - name: lab
    context: { cluster: lab, user: robot }
  - name: sso
    context: { cluster: lab, user: sso }
  - name: legacy
    context: { cluster: lab, user: legacy }
`;

describe('loadKubeconfig', () => {
  it('resolves the current context with file paths relative to the kubeconfig', () => {
    writeFileSync(join(dir, 'config'), KUBECONFIG);
    writeFileSync(join(dir, 'ca.crt'), 'CA PEM');
    writeFileSync(join(dir, 'token.txt'), 'tok-123\n');
    const t = loadKubeconfig({ path: join(dir, 'config') });
    expect(t).toMatchObject({ server: 'https://10.0.0.1:16443', context: 'prod', cluster: 'prod', user: 'admin', namespace: 'web', insecureSkipTlsVerify: false, tlsServerName: 'kubernetes' });
    expect(t.ca?.toString()).toBe('CA PEM');
    expect(t.cert?.toString()).toBe('CERT');
    expect(t.key?.toString()).toBe('KEY');
    const lab = loadKubeconfig({ path: join(dir, 'config'), context: 'lab' });
    expect(lab).toMatchObject({ token: 'tok-123', namespace: 'default', insecureSkipTlsVerify: true });
  });

  it('uses the first $KUBECONFIG entry, else ~/.kube/config', () => {
    expect(defaultKubeconfigPath({ KUBECONFIG: `:${join(dir, 'config')}:/other` })).toBe(join(dir, 'config'));
    expect(defaultKubeconfigPath({})).toMatch(/\.kube\/config$/);
  });

  it('fails clearly for a missing file, an unknown context, a malformed exec plugin and auth-provider plugins', () => {
    expect(() => loadKubeconfig({ path: join(dir, 'nope') })).toThrow(new KubeconfigError(`kubeconfig ${join(dir, 'nope')} not found`));
    expect(() => loadKubeconfig({ text: KUBECONFIG, context: 'staging' })).toThrow(/context "staging" not found in kubeconfig <text> \(known: prod, lab, sso, legacy\)/);
    expect(() => loadKubeconfig({ text: KUBECONFIG, context: 'sso' })).toThrow(/exec plugin apiVersion "" is not supported/);
    expect(() => loadKubeconfig({ text: KUBECONFIG, context: 'legacy' })).toThrow(/auth-provider plugin/);
    expect(() => loadKubeconfig({ text: 'apiVersion: v1\nkind: Config\n' })).toThrow(/no current-context/);
    expect(() => loadKubeconfig({ text: KUBECONFIG, context: 'lab' })).toThrow(/cannot read tokenFile/);
  });
});

describe('resourcePath', () => {
  it('builds core, group, namespaced, cluster-scoped and subresource paths', () => {
    expect(resourcePath('nodes', { name: 'n1', namespace: 'ignored' })).toBe('/api/v1/nodes/n1');
    expect(resourcePath('pods')).toBe('/api/v1/pods');
    expect(resourcePath('pods', { namespace: 'kube-system', name: 'x', subresource: 'eviction' })).toBe('/api/v1/namespaces/kube-system/pods/x/eviction');
    expect(resourcePath('poddisruptionbudgets', { namespace: 'd' })).toBe('/apis/policy/v1/namespaces/d/poddisruptionbudgets');
    expect(resourcePath('leases', { namespace: 'kube-system', name: 'l' })).toBe('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/l');
    expect(resourcePath('endpointslices')).toBe('/apis/discovery.k8s.io/v1/endpointslices');
  });
});

describe('KubeClient over HTTP with a token', () => {
  let api: KubeApi;
  let client: KubeClient;
  beforeAll(async () => {
    api = await startKubeApi({ token: 't0k' });
    api.store.add(makeNode('n1'), makeLease('lock', { holderIdentity: 'me' }));
    client = new KubeClient(loadKubeconfig({ text: api.kubeconfig('sim') }));
  });
  afterAll(async () => {
    client?.close();
    await api?.close();
  });

  it('gets, finds, lists, creates, patches and deletes', async () => {
    expect(client.target.context).toBe('sim');
    expect((await client.get('nodes', 'n1')).status.nodeInfo.kubeletVersion).toBe('v1.28.15');
    expect(await client.find('nodes', 'ghost')).toBeUndefined();
    expect((await client.get('leases', 'lock', { namespace: 'kube-system' })).spec.holderIdentity).toBe('me');
    const cm = await client.create('configmaps', { metadata: { name: 'c1' }, data: { k: 'v' } });
    expect(cm.metadata.namespace).toBe('default');
    expect((await client.list('configmaps')).items.map((c) => c.metadata.name)).toEqual(['c1']);
    await client.patch('configmaps', 'c1', { data: { k: 'w' } });
    expect(api.store.get('configmaps', 'c1')?.['data']).toEqual({ k: 'w' });
    await client.delete('configmaps', 'c1');
    expect(api.store.get('configmaps', 'c1')).toBeUndefined();
  });

  it('keeps a quiet watch open past the request timeout, until its own timeout', async () => {
    const quick = new KubeClient(client.target, { timeoutMs: 150 });
    const t0 = Date.now();
    const end = await quick.watch(quick.path('configmaps'), () => undefined, { timeoutMs: 600 });
    quick.close();
    expect(end).toBe('timeout');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
  });

  it('throws KubeApiError with status, reason and the Status body', async () => {
    const err = await client.get('nodes', 'ghost').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ status: 404, reason: 'NotFound', message: 'nodes "ghost" not found', kubeStatus: { kind: 'Status', code: 404 } });
  });

  it('throws KubeTransportError when nothing listens, and when the server does not answer in time', async () => {
    const dead = new KubeClient({ ...client.target, server: 'http://127.0.0.1:9' }, { timeoutMs: 2000, retry: false });
    await expect(dead.get('nodes', 'n1')).rejects.toBeInstanceOf(KubeTransportError);
    dead.close();
    const silent: Server = createServer((sock) => sock.on('error', () => undefined));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const slow = new KubeClient({ ...client.target, server: `http://127.0.0.1:${port}` }, { timeoutMs: 200, retry: false });
    await expect(slow.request('GET', '/version')).rejects.toThrow(/no response within 200 ms/);
    slow.close();
    silent.close();
    await new Promise((r) => setTimeout(r, 10));
  });
});

describe('KubeClient over HTTPS', () => {
  it('verifies the server with the kubeconfig CA (built-in self-signed certificate)', async () => {
    const tls = makeSelfSignedCert();
    const api = await startKubeApi({ token: 's', tls });
    try {
      expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const client = new KubeClient(loadKubeconfig({ text: api.kubeconfig() }));
      expect((await client.request('GET', '/version')).status).toBe(200);
      client.close();
      const other = makeSelfSignedCert();
      const wrongCa = new KubeClient({ ...loadKubeconfig({ text: api.kubeconfig() }), ca: Buffer.from(other.cert) });
      await expect(wrongCa.request('GET', '/version')).rejects.toBeInstanceOf(KubeTransportError);
      wrongCa.close();
      const insecure = new KubeClient(loadKubeconfig({ text: buildKubeconfig({ context: 'x', server: api.url, token: 's' }).replace('server:', 'insecure-skip-tls-verify: true\n      server:') }));
      expect((await insecure.request('GET', '/api/v1/nodes')).status).toBe(200);
      insecure.close();
    } finally {
      await api.close();
    }
  });

  const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));
  it.skipIf(!openssl)(`works with an openssl-made certificate${openssl ? '' : ' (skipped: openssl is not installed on this machine)'}`, async () => {
    const key = join(dir, 'tls.key');
    const crt = join(dir, 'tls.crt');
    execFileSync(openssl ?? 'openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
    const { readFileSync } = await import('node:fs');
    const api = await startKubeApi({ token: 's', tls: { key: readFileSync(key, 'utf8'), cert: readFileSync(crt, 'utf8') } });
    try {
      writeFileSync(join(dir, 'https.kubeconfig'), api.kubeconfig());
      const client = new KubeClient(loadKubeconfig({ path: join(dir, 'https.kubeconfig') }));
      expect((await client.list('nodes')).items).toEqual([]);
      client.close();
    } finally {
      await api.close();
    }
  });
});
