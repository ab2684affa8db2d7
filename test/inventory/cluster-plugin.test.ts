// The tsplay.cluster inventory plugin through the built CLI (`tsplay inventory`), against the
// simulated API: hosts are the Nodes (control plane first), grouped by their role labels, etcd
// members found by their static pods, ansible_host the InternalIP, labels and taints as host vars;
// from a workstation through a kubeconfig, and inside a Pod through its service account.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNode, makePod, makeSelfSignedCert, startKubeApi, type KubeApi } from '../../lab/kube/index.js';
import { assertBuilt, runCli } from '../e2e/cli.js';

let api: KubeApi;
let dir: string;
const tls = makeSelfSignedCert();

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tsplay-cluster-inv-'));
  api = await startKubeApi({ token: 'sa-tok', tls });
  const cp = { 'node-role.kubernetes.io/control-plane': '' };
  api.store.add(
    makeNode('worker-b', { addresses: [{ type: 'InternalIP', address: '10.0.0.12' }, { type: 'Hostname', address: 'worker-b' }], labels: { 'node-role.kubernetes.io/ingress': '' } }),
    makeNode('cp-1', { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], labels: cp, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
    makeNode('worker-a', { addresses: [{ type: 'InternalIP', address: '10.0.0.11' }] }),
  );
  api.store.add(makePod({ name: 'etcd-cp-1', namespace: 'kube-system', nodeName: 'cp-1', mirror: true, labels: { component: 'etcd', tier: 'control-plane' } }));
  writeFileSync(join(dir, 'kubeconfig'), api.kubeconfig('prod'));
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function list(file: string, env: Record<string, string> = {}): Promise<Record<string, any>> {
  const r = await runCli(['inventory', '-i', file, '--list'], { cwd: dir, env: { HOME: dir, KUBECONFIG: '', ...env } });
  expect(r.rc, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, any>;
}

describe('the tsplay.cluster inventory plugin', () => {
  it('from a workstation: the Nodes through a kubeconfig, control plane first, grouped by role', async () => {
    writeFileSync(join(dir, 'prod.tsplay.cluster.yml'), `plugin: tsplay.cluster\nkubeconfig: ${join(dir, 'kubeconfig')}\ncontext: prod\nvars:\n  ansible_user: ubuntu\n`);
    const inv = await list('prod.tsplay.cluster.yml');
    expect(inv['k8s'].hosts).toEqual(['cp-1', 'worker-a', 'worker-b']);
    expect(inv['k8s'].children).toEqual(['kube_control_plane', 'kube_node']);
    expect(inv['kube_control_plane'].hosts).toEqual(['cp-1']);
    expect(inv['kube_node'].hosts).toEqual(['worker-a', 'worker-b']);
    expect(inv['role_control_plane'].hosts).toEqual(['cp-1']);
    expect(inv['role_ingress'].hosts).toEqual(['worker-b']);
    expect(inv['etcd'].hosts).toEqual(['cp-1']);
    expect(inv['_meta'].hostvars['worker-a']).toMatchObject({ tsplay_kubeconfig: join(dir, 'kubeconfig'), tsplay_kube_context: 'prod', k8s_flavor: 'kubeadm', tsplay_quorum: { datastore: 'etcd', max_unavailable: 1 }, ansible_user: 'ubuntu' });
    const hv = inv['_meta'].hostvars;
    expect(hv['cp-1']).toMatchObject({ ansible_host: '10.0.0.1', k8s_node_name: 'cp-1', k8s_node_roles: ['control-plane'], k8s_node_taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
    expect(hv['worker-b'].k8s_node_labels).toMatchObject({ 'kubernetes.io/hostname': 'worker-b', 'node-role.kubernetes.io/ingress': '' });
    // the graph a playbook sees: k8s[0] is the control plane
    const g = await runCli(['inventory', '-i', 'prod.tsplay.cluster.yml', '--graph', 'k8s'], { cwd: dir, env: { HOME: dir } });
    expect(g.stdout).toMatch(/@k8s:\n  \|--@kube_control_plane:\n  \|  \|--cp-1\n  \|--@kube_node:\n  \|  \|--worker-a\n  \|  \|--worker-b/);
  });

  it("inside a Pod: the service account's token, CA and KUBERNETES_SERVICE_HOST; tsplay_kubeconfig names the service account", async () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-tok');
    writeFileSync(join(sa, 'ca.crt'), tls.cert);
    writeFileSync(join(dir, 'pod.tsplay.cluster.yml'), 'plugin: tsplay.cluster\nlabel_selector: "!node-role.kubernetes.io/control-plane"\n');
    const inv = await list('pod.tsplay.cluster.yml', { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(api.url).port, TSPLAY_SA_DIR: sa });
    expect(inv['k8s'].hosts).toEqual(['worker-a', 'worker-b']);
    expect(inv['_meta'].hostvars['worker-a'].tsplay_kubeconfig).toBe(sa);
  });

  it('says what is wrong: an unknown plugin or option, an unreachable API', async () => {
    writeFileSync(join(dir, 'bad.yml'), 'plugin: kubernetes.core.k8s\n');
    let r = await runCli(['inventory', '-i', 'bad.yml', '--list'], { cwd: dir, env: { HOME: dir } });
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.yml:1:\d+.*unknown inventory plugin "kubernetes\.core\.k8s"/s);
    writeFileSync(join(dir, 'typo.yml'), 'plugin: tsplay.cluster\nlabelselector: x\n');
    r = await runCli(['inventory', '-i', 'typo.yml', '--list'], { cwd: dir, env: { HOME: dir } });
    expect(r.stderr).toMatch(/unknown option labelselector/);
    writeFileSync(join(dir, 'gone.yml'), `plugin: tsplay.cluster\nkubeconfig: ${join(dir, 'nope')}\n`);
    r = await runCli(['inventory', '-i', 'gone.yml', '--list'], { cwd: dir, env: { HOME: dir } });
    expect(r.stderr).toMatch(/tsplay\.cluster: cannot read the cluster's nodes: kubeconfig .*nope not found/);
  });
});
