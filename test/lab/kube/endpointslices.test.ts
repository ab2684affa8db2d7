import { afterEach, describe, expect, it } from 'vitest';
import { KubeStore, makeEndpointSlice, makeService, setPodReady } from '../../../lab/kube/index.js';
import { seedCluster, webPods } from './helpers.js';

const stores: KubeStore[] = [];
function newStore(): KubeStore {
  const s = new KubeStore({ timeScale: 0 });
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

describe('EndpointSlices', () => {
  const ips = (s: KubeStore) => {
    const [slice] = s.list('endpointslices', { labelSelector: 'kubernetes.io/service-name=web' });
    return ((slice?.['endpoints'] ?? []) as { addresses: string[]; conditions: { ready: boolean } }[]).filter((e) => e.conditions.ready).flatMap((e) => e.addresses).sort();
  };
  const podIps = (s: KubeStore) => webPods(s).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.status.podIP as string).sort();

  it('lists the ready pod IPs with targetRefs and the service target port', () => {
    const s = newStore();
    seedCluster(s);
    const [slice] = s.list('endpointslices');
    expect(slice?.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice?.metadata.labels).toMatchObject({ 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(slice?.['ports']).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ips(s)).toEqual(podIps(s));
    const ep = (slice?.['endpoints'] as { targetRef: { kind: string; name: string; uid: string } }[])[0];
    expect(ep?.targetRef.kind).toBe('Pod');
    expect(webPods(s).some((p) => p.metadata.uid === ep?.targetRef.uid)).toBe(true);
  });

  it('follows pod replacement and readiness, and keeps a stale IP while frozen', () => {
    const s = newStore();
    seedCluster(s);
    const [slice] = s.list('endpointslices');
    const victim = webPods(s)[0];
    setPodReady(s, victim?.metadata.name ?? '', 'default', false);
    expect(ips(s)).not.toContain(victim?.status.podIP);
    setPodReady(s, victim?.metadata.name ?? '', 'default', true);
    s.freezeEndpointSlice('default', slice?.metadata.name ?? '', true);
    s.delete('pods', victim?.metadata.name ?? '', 'default', { gracePeriodSeconds: 0 });
    expect(ips(s)).toContain(victim?.status.podIP);
    expect(ips(s)).not.toEqual(podIps(s));
    s.freezeEndpointSlice('default', slice?.metadata.name ?? '', false);
    expect(ips(s)).toEqual(podIps(s));
    expect(ips(s)).not.toContain(victim?.status.podIP);
  });

  it('leaves hand-made slices and selector-less services alone', () => {
    const s = newStore();
    s.add(makeService('ext', { ports: [{ port: 443 }] }), makeEndpointSlice('ext-1', { service: 'ext', endpoints: [{ ip: '10.9.9.9' }] }));
    expect(s.list('endpointslices').map((e) => e.metadata.name)).toEqual(['ext-1']);
  });
});
