// The post-upgrade validations of the kubectl module (seed 000): stale EndpointSlice IPs and
// their repair by deleting the slice, against the simulated apiserver.
import { afterEach, describe, expect, it } from 'vitest';
import { makeService, type KubeApi } from '../../../lab/kube/index.js';
import { runKubectl, startRig } from './kube-rig.js';

let api: KubeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('check_endpoints', () => {
  it('is ok while every slice endpoint matches its pod', async () => {
    api = await startRig();
    api.store.add(makeService('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] }));
    const r = await runKubectl(api, { action: 'check_endpoints', namespace: 'default' });
    expect(r.result).toMatchObject({ changed: false, ok: true, stale_count: 0, details: [] });
  });

  it('names a frozen slice that keeps a dead pod IP, and clears once the slice is recreated', async () => {
    api = await startRig({ timeScale: 0 });
    api.store.add(makeService('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] }));
    const slice = api.store.list('endpointslices', { namespace: 'default' })[0]?.metadata.name ?? '';
    api.store.freezeEndpointSlice('default', slice, true);
    const pod = api.store.list('pods', { namespace: 'default', labelSelector: 'app=web' })[0];
    const name = pod?.metadata.name ?? '';
    const oldIp = String(pod?.status?.podIP);
    api.store.patch('pods', name, { status: { podIP: '10.1.99.99' } }, 'merge', { namespace: 'default', scope: 'status' });
    const r = await runKubectl(api, { action: 'check_endpoints', namespace: 'default' });
    expect(r.result).toMatchObject({ ok: false, stale_count: 1, stale_slices: [`default/${slice}`] });
    expect(r.result['details']).toEqual([{ namespace: 'default', endpointslice: slice, service: 'web', pod: name, stale_ip: oldIp, actual_ip: '10.1.99.99' }]);
    await runKubectl(api, { action: 'delete', kind: 'endpointslice', namespace: 'default', name: slice });
    const again = await runKubectl(api, { action: 'check_endpoints', namespace: 'default' });
    expect(again.result).toMatchObject({ ok: true, stale_count: 0 });
  });
});
