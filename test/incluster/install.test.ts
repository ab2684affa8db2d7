// `tsplay cluster install|uninstall` (the built CLI's main, in process) against the simulated API:
// the objects are accepted, `--dry-run -o yaml` prints exactly what is applied, a second install changes
// nothing, uninstall removes them (the namespace and the SSH Secret stay; --purge takes the run
// journals and the namespace); a bad schedule writes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubeClient, loadKubeconfig, type KubeResource } from '../../engine/kube/index.js';
import { makeSelfSignedCert, startKubeApi, type KubeApi } from '../../lab/kube/index.js';
import { assertBuilt } from '../e2e/cli.js';
import { runInProcess } from '../helpers/in-process.js';

type Obj = Record<string, any>;
let api: KubeApi;
let dir: string;
let client: KubeClient;
const RESOURCE: Record<string, KubeResource> = { Namespace: 'namespaces', ServiceAccount: 'serviceaccounts', ClusterRole: 'clusterroles', ClusterRoleBinding: 'clusterrolebindings', Role: 'roles', RoleBinding: 'rolebindings', ConfigMap: 'configmaps', CronJob: 'cronjobs' };

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tsplay-install-'));
  api = await startKubeApi({ token: 'admin', tls: makeSelfSignedCert() });
  writeFileSync(join(dir, 'kubeconfig'), api.kubeconfig('lab'));
  client = new KubeClient(loadKubeconfig({ path: join(dir, 'kubeconfig') }));
});
afterAll(async () => {
  client?.close();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runInProcess(['cluster', ...args, '--kubeconfig', join(dir, 'kubeconfig')], { cwd: dir });
const FLAGS = ['--schedule', '30 2 * * 1-5', '--image', 'registry.example.com/tsplay:0.1.0', '-u', 'ubuntu', '--pushgateway', 'http://pushgateway.monitoring:9091', '-e', 'reboot_soak_seconds=120'];

// The fields of `have` that `want` sets (what the server added left out), to compare with toEqual.
function shape(have: unknown, want: unknown): unknown {
  if (Array.isArray(want)) return Array.isArray(have) ? want.map((w, i) => shape(have[i], w)) : have;
  if (want && typeof want === 'object') return have && typeof have === 'object' ? Object.fromEntries(Object.keys(want as Obj).map((k) => [k, shape((have as Obj)[k], (want as Obj)[k])])) : have;
  return have;
}

describe('tsplay cluster install', () => {
  it('--dry-run -o yaml prints the objects (each RBAC rule with its reason) and writes nothing', async () => {
    const r = await cli('install', '--dry-run', '-o', 'yaml', ...FLAGS);
    expect(r.rc, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    expect(docs.map((d) => `${d['kind']}/${d['metadata'].namespace ?? ''}/${d['metadata'].name}`)).toEqual([
      'Namespace//tsplay', 'ServiceAccount/tsplay/tsplay', 'ClusterRole//tsplay', 'ClusterRoleBinding//tsplay', 'Role/tsplay/tsplay', 'RoleBinding/tsplay/tsplay',
      'Role/kube-system/tsplay-run-lock', 'RoleBinding/kube-system/tsplay-run-lock', 'ConfigMap/tsplay/tsplay-config', 'CronJob/tsplay/tsplay',
    ]);
    // every rule has its reason just above it
    const rules = r.stdout.split('kind: ClusterRole\n')[1]?.split('---')[0] ?? '';
    expect((rules.match(/^ {2}# /gm) ?? []).length).toBe((rules.match(/^ {2}- /gm) ?? []).length);
    expect(r.stdout).toMatch(/# the drain evicts through the PodDisruptionBudgets\n {2}- apiGroups:\n {6}- ""\n {4}resources:\n {6}- pods\/eviction/);
    const cron = docs.at(-1) as Obj;
    const pod = cron['spec'].jobTemplate.spec.template.spec;
    expect(cron['spec'].schedule).toBe('30 2 * * 1-5');
    expect(pod.containers[0].args).toEqual(['run', '--in-cluster', '/app/playbooks/k8s-reboot.yml', '-i', '/etc/tsplay/config/inventory.tsplay.cluster.yml', '--output', 'plain', '-e', 'canary_namespace=tsplay', '-e', 'reboot_soak_seconds=120']);
    expect(pod.containers[0].env).toContainEqual({ name: 'TSPLAY_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(pod.containers[0].env).toContainEqual({ name: 'TSPLAY_WEBHOOK_URL', valueFrom: { secretKeyRef: { name: 'tsplay-notify', key: 'webhook-url', optional: true } } });
    expect(pod.volumes).toContainEqual({ name: 'ssh', secret: { secretName: 'tsplay-ssh', defaultMode: 0o440 } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect((docs[8] as Obj)['data']['inventory.tsplay.cluster.yml']).toMatch(/^plugin: tsplay.cluster\nvars:\n {2}ansible_user: ubuntu\n {2}ansible_ssh_private_key_file: \/etc\/tsplay\/ssh\/ssh-privatekey\n/);
    expect(await client.find('namespaces', 'tsplay')).toBeUndefined();
  });

  it('applies exactly what --dry-run -o yaml prints; the API accepts every object; a second install changes nothing', async () => {
    const dry = parseAllDocuments((await cli('install', '--dry-run', '-o', 'yaml', ...FLAGS)).stdout).map((d) => d.toJS() as Obj);
    const r = await cli('install', ...FLAGS);
    expect(r.rc, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(dry.map((d) => `${String(d['kind']).toLowerCase()}/${d['metadata'].name}${d['metadata'].namespace ? ` -n ${d['metadata'].namespace}` : ''} created`));
    expect(r.stderr).toMatch(/the SSH key Secret tsplay\/tsplay-ssh does not exist yet/);
    for (const want of dry) {
      const have = await client.get(RESOURCE[want['kind']] as KubeResource, want['metadata'].name, want['metadata'].namespace ? { namespace: want['metadata'].namespace } : {});
      expect(shape(have, want), `${want['kind']}/${want['metadata'].name}`).toEqual(want);
    }
    await client.create('secrets', { metadata: { name: 'tsplay-ssh', namespace: 'tsplay' }, stringData: { 'ssh-privatekey': 'KEY', known_hosts: 'HOSTS' } });
    const again = await cli('install', ...FLAGS);
    expect(again.stdout.trim().split('\n').every((l) => l.endsWith(' unchanged'))).toBe(true);
    expect(again.stderr).toBe('');
    const moved = await cli('install', ...FLAGS.map((f) => (f === '30 2 * * 1-5' ? '@daily' : f)));
    expect(moved.stdout).toMatch(/^cronjob\/tsplay -n tsplay configured$/m);
    expect((await client.get('cronjobs', 'tsplay', { namespace: 'tsplay' }))['spec'].schedule).toBe('@daily');
  });

  it('refuses a bad schedule and a webhook URL on the command line, writing nothing', async () => {
    const bad = await cli('install', '--schedule', '0 25 * * *');
    expect(bad.rc).toBe(5);
    expect(bad.stderr).toMatch(/--schedule: end of range \(25\)/);
    const hook = await cli('install', '--webhook', 'https://hooks.example.com/T/B/X');
    expect(hook.rc).toBe(5);
    expect(hook.stderr).toMatch(/a webhook URL is a secret/);
  });

  it('uninstall removes what install created (and the successor Jobs); --purge also the run journals and the namespace', async () => {
    await client.create('jobs', { metadata: { name: 'tsplay-x-off-n1', namespace: 'tsplay', labels: { 'app.kubernetes.io/name': 'tsplay' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'tsplay', image: 'i' }] } } } });
    await client.create('configmaps', { metadata: { name: 'tsplay-run-x-0', namespace: 'tsplay', labels: { 'tsplay.dev/run': 'x' } }, data: { journal: '' } });
    const r = await cli('uninstall');
    expect(r.rc, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^cronjob\/tsplay -n tsplay deleted$/m);
    expect(r.stdout).toMatch(/^job\/tsplay-x-off-n1 -n tsplay deleted$/m);
    for (const [res, name, ns] of [['cronjobs', 'tsplay', 'tsplay'], ['clusterroles', 'tsplay', undefined], ['roles', 'tsplay-run-lock', 'kube-system'], ['serviceaccounts', 'tsplay', 'tsplay']] as const) {
      expect(await client.find(res, name, ns ? { namespace: ns } : {}), `${res}/${name}`).toBeUndefined();
    }
    expect(await client.find('secrets', 'tsplay-ssh', { namespace: 'tsplay' })).toBeDefined();
    expect(await client.find('configmaps', 'tsplay-run-x-0', { namespace: 'tsplay' })).toBeDefined();
    const purge = await cli('uninstall', '--purge');
    expect(purge.rc, purge.stderr).toBe(0);
    expect(purge.stdout).toMatch(/^configmap\/tsplay-run-x-0 -n tsplay deleted$/m);
    const ns = await client.find('namespaces', 'tsplay');
    expect(ns === undefined || ns['metadata'].deletionTimestamp !== undefined).toBe(true);
  });
});
