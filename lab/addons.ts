// The cluster's addons (Calico, ingress-nginx, cert-manager, metrics-server, CoreDNS): their workloads,
// image versions and the newest Kubernetes minor each version supports (the lab's compatibility table),
// and `addon-versions-too-old`, which rolls every addon back to a version too old for the next minor.
import type { KubeObject } from './kube/index.js';
import type { LabSim } from './sim.js';
import type { Flavor } from './types.js';

// The label every addon workload carries with its version (as the projects' Helm charts set it).
export const VERSION_LABEL = 'app.kubernetes.io/version';

// One addon: its workloads, the version the lab runs and the one the fault puts in its place.
export interface Addon {
  name: string;
  workloads: { resource: 'deployments' | 'daemonsets'; namespace: string; name: string; image: string }[];
  version: string;
  // The newest Kubernetes minor `version` supports.
  supportsUpTo: string;
  // What addon-versions-too-old runs instead, and the newest minor that supports.
  old: string;
  oldSupportsUpTo: string;
}

// The addons of a lab of this flavor (images without their tags).
export function addons(flavor: Flavor): Addon[] {
  const ingress = ingressDaemonSet(flavor);
  const coredns = flavor === 'microk8s' ? 'coredns/coredns' : 'registry.k8s.io/coredns/coredns';
  return [
    { name: 'calico', version: 'v3.28.1', supportsUpTo: '1.30', old: 'v3.27.3', oldSupportsUpTo: '1.29', workloads: [
      { resource: 'daemonsets', namespace: 'kube-system', name: 'calico-node', image: 'docker.io/calico/node' },
      { resource: 'deployments', namespace: 'kube-system', name: 'calico-kube-controllers', image: 'docker.io/calico/kube-controllers' },
    ] },
    { name: 'ingress-nginx', version: 'v1.11.2', supportsUpTo: '1.30', old: 'v1.10.1', oldSupportsUpTo: '1.29', workloads: [{ resource: 'daemonsets', namespace: 'ingress', name: ingress, image: 'registry.k8s.io/ingress-nginx/controller' }] },
    { name: 'cert-manager', version: 'v1.15.3', supportsUpTo: '1.31', old: 'v1.13.6', oldSupportsUpTo: '1.28', workloads: [{ resource: 'deployments', namespace: 'cert-manager', name: 'cert-manager', image: 'quay.io/jetstack/cert-manager-controller' }] },
    { name: 'metrics-server', version: 'v0.7.2', supportsUpTo: '1.31', old: 'v0.6.4', oldSupportsUpTo: '1.29', workloads: [{ resource: 'deployments', namespace: 'kube-system', name: 'metrics-server', image: 'registry.k8s.io/metrics-server/metrics-server' }] },
    { name: 'coredns', version: 'v1.11.1', supportsUpTo: '1.31', old: 'v1.9.3', oldSupportsUpTo: '1.29', workloads: [{ resource: 'deployments', namespace: 'kube-system', name: 'coredns', image: coredns }] },
  ];
}

// The ingress controller DaemonSet's name for a flavor.
export function ingressDaemonSet(flavor: Flavor): string {
  return flavor === 'microk8s' ? 'nginx-ingress-microk8s-controller' : 'ingress-nginx-controller';
}

// An addon image at a version (Docker Hub's coredns/coredns tags have no leading v).
export function addonImage(image: string, version: string): string {
  return `${image}:${image === 'coredns/coredns' ? version.replace(/^v/, '') : version}`;
}

// The image of a seeded addon workload by name (e.g. `calico-node`), at the version the lab runs.
export function seedImage(flavor: Flavor, workload: string): string {
  for (const a of addons(flavor)) for (const w of a.workloads) if (w.name === workload) return addonImage(w.image, a.version);
  throw new Error(`no addon workload ${workload}`);
}

// A workload object with the version label of its addon set (seeding).
export function withVersionLabel(flavor: Flavor, obj: KubeObject): KubeObject {
  const a = addons(flavor).find((x) => x.workloads.some((w) => w.name === obj.metadata.name && w.namespace === obj.metadata.namespace));
  if (a) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [VERSION_LABEL]: a.version };
  return obj;
}

// Set every addon to its usual version or its too-old one: image tag and version label (Deployments
// roll out; the DaemonSets' pods follow their template).
export function setAddonVersions(sim: LabSim, old: boolean): void {
  for (const a of addons(sim.flavor)) {
    const version = old ? a.old : a.version;
    for (const w of a.workloads) {
      const cur = sim.store.get(w.resource, w.name, w.namespace);
      if (!cur) continue;
      const tpl = structuredClone(cur.spec?.template ?? {});
      tpl.spec.containers = (tpl.spec?.containers ?? []).map((c: Record<string, unknown>) => ({ ...c, image: addonImage(w.image, version) }));
      sim.store.update(w.resource, { ...cur, metadata: { ...cur.metadata, labels: { ...(cur.metadata.labels ?? {}), [VERSION_LABEL]: version } }, spec: { ...cur.spec, template: tpl } });
    }
  }
}

function versionParts(v: string): number[] {
  return v.replace(/^v/, '').split(/[.-]/).map((x) => Number(x) || 0);
}

// Whether every addon workload runs at least the lab's usual version again (the operator upgraded them).
export function addonsCurrent(sim: LabSim): boolean {
  return addons(sim.flavor).every((a) => a.workloads.every((w) => {
    const image = String(sim.store.peek(w.resource, w.name, w.namespace)?.spec?.template?.spec?.containers?.[0]?.image ?? '');
    const [have, want] = [versionParts(image.split(':').pop() ?? ''), versionParts(a.version)];
    for (let i = 0; i < 3; i++) if ((have[i] ?? 0) !== (want[i] ?? 0)) return (have[i] ?? 0) > (want[i] ?? 0);
    return true;
  }));
}
