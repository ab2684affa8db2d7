// kubernetes.core.k8s, k8s_info and k8s_drain over the simulated apiserver (real HTTP), with
// Ansible's argument names mapped onto the kubectl module's machinery.
import { afterEach, describe, expect, it } from 'vitest';
import type { ModuleDef } from '../../../engine/module.js';
import type { KubeApi } from '../../../lab/kube/index.js';
import k8s from '../../../modules/k8s.js';
import k8sInfo from '../../../modules/k8s-info.js';
import k8sDrain from '../../../modules/k8s-drain.js';
import { builtinModules } from '../../../modules/index.js';
import { disruptionsOf } from '../../../engine/module.js';
import { recordedHost, runRecorded } from '../cluster/recorded-host.js';
import { startRig } from '../cluster/kube-rig.js';

let api: KubeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function run(mod: ModuleDef<any>, a: KubeApi, args: Record<string, unknown>, check = false) {
  const host = recordedHost([]);
  const { result } = await runRecorded(mod, host, args, { check, vars: { tsplay_kubeconfig: a.kubeconfig(), tsplay_run_id: 'run-7' } });
  expect(host.log).toEqual([]);
  return result;
}

describe('kubernetes.core modules', () => {
  it('k8s_info lists by kind, namespace and label selectors', async () => {
    api = await startRig();
    const r = await run(k8sInfo, api, { kind: 'Pod', namespace: 'kube-system', label_selectors: ['k8s-app=calico-node'] });
    expect(r['changed']).toBe(false);
    expect((r['resources'] as { metadata: { name: string } }[]).map((p) => p.metadata.name).sort()).toEqual(['calico-node-n1', 'calico-node-n2', 'calico-node-n3']);
    const n = await run(k8sInfo, api, { kind: 'Node', name: 'n2' });
    expect((n['resources'] as unknown[]).length).toBe(1);
  });
  it('k8s present creates, is then ok, patches a difference; absent deletes; check mode only reads', async () => {
    api = await startRig();
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'marker', namespace: 'kube-system' }, data: { version: '1.29' } };
    const c = await run(k8s, api, { definition: cm }, true);
    expect(c['changed']).toBe(true);
    expect(api.store.list('configmaps', { namespace: 'kube-system' }).length).toBe(0);
    expect((await run(k8s, api, { definition: cm }))['changed']).toBe(true);
    expect((await run(k8s, api, { definition: cm }))['changed']).toBe(false);
    const p = await run(k8s, api, { definition: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: marker\n  namespace: kube-system\ndata:\n  version: "1.30"\n` });
    expect(p).toMatchObject({ changed: true, result: { data: { version: '1.30' } } });
    expect((await run(k8s, api, { state: 'absent', kind: 'ConfigMap', name: 'marker', namespace: 'kube-system' }))['changed']).toBe(true);
    expect((await run(k8s, api, { state: 'absent', kind: 'ConfigMap', name: 'marker', namespace: 'kube-system' }))['changed']).toBe(false);
  });
  it('k8s refuses kinds the client does not know and connection arguments outside a kubeconfig', async () => {
    api = await startRig();
    expect(await run(k8s, api, { definition: { kind: 'Widget', metadata: { name: 'x' } } })).toMatchObject({ failed: true });
    expect(await run(k8sInfo, api, { kind: 'Pod', host: 'https://x', api_key: 'k' })).toMatchObject({ failed: true, msg: 'host, api_key: not supported by tsplay; give a kubeconfig (and context) instead' });
  });
  it('k8s_drain cordons, drains with delete_options, and uncordons', async () => {
    api = await startRig({ minAvailable: 1 });
    const c = await run(k8sDrain, api, { name: 'n1', state: 'cordon' });
    expect(c['changed']).toBe(true);
    expect(api.store.get('nodes', 'n1')?.spec?.unschedulable).toBe(true);
    const d = await run(k8sDrain, api, { name: 'n1', delete_options: { ignore_daemonsets: true, wait_timeout: 30, wait_sleep: 1 } });
    expect(d).toMatchObject({ changed: true, node: 'n1' });
    const u = await run(k8sDrain, api, { name: 'n1', state: 'uncordon' });
    expect(u['changed']).toBe(true);
    expect(api.store.get('nodes', 'n1')?.spec?.unschedulable).toBeFalsy();
  });
  it('k8s_drain drain/cordon are disruptions of the node, through the API', () => {
    const mod = builtinModules().find('kubernetes.core.k8s_drain') as ModuleDef;
    expect(disruptionsOf(mod, { name: 'n1' })).toEqual([{ kind: 'drain', what: 'drain of node n1', datastore: false, apiNode: 'n1' }]);
    expect(disruptionsOf(mod, { name: 'n1', state: 'uncordon' })).toEqual([]);
  });
});
