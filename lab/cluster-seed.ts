// The Kubernetes objects of a fresh lab: nodes, kube-system (calico, CoreDNS, metrics-server, leader
// leases, kubeadm's static pods), the ingress controller, cert-manager, and a few apps with Services and a PDB.
import { randomUUID } from 'node:crypto';
import {
  makeDaemonSet, makeDeployment, makeLease, makeNamespace, makeNode as makeKubeNode, makePdb, makePod, makeService, makeStatefulSet,
  type KubeObject, type KubeStore,
} from './kube/index.js';
import { ingressDaemonSet, seedImage, withVersionLabel } from './addons.js';
import type { NodeSim } from './node.js';
import type { Flavor } from './types.js';

// The namespace of the ingress controller.
export const INGRESS_NS = 'ingress';
// The ingress controller's Service (its proxy path serves /configuration/backends).
export const INGRESS_SERVICE = 'ingress-nginx-controller';
// The ingress controller pods' labels.
export const INGRESS_LABELS = { 'app.kubernetes.io/name': 'ingress-nginx', name: 'nginx-ingress-microk8s' };
// The calico-node pods' labels.
export const CALICO_LABELS = { 'k8s-app': 'calico-node' };
// The app Services ingress-nginx routes to (backend `<ns>-<svc>-<port>`).
export const INGRESS_BACKENDS = [{ namespace: 'default', service: 'web', port: 80 }, { namespace: 'default', service: 'api', port: 8080 }];

export { ingressDaemonSet } from './addons.js';

// Whether kubeadm's control planes keep their NoSchedule taint: only when there are workers (a lab of
// control planes only has it removed, as kubeadm's docs say for such clusters).
function tainted(flavor: Flavor, nodes: NodeSim[]): boolean {
  return flavor === 'kubeadm' && nodes.some((n) => n.role === 'worker');
}

// The Node object of a simulated node (`nodes`: the whole lab, which decides the taint).
export function kubeNodeObject(flavor: Flavor, n: NodeSim, nodes: NodeSim[] = [n]): KubeObject {
  const cp = n.role === 'control-plane';
  const labels: Record<string, string> = flavor === 'microk8s'
    ? (cp ? { 'node.kubernetes.io/microk8s-controlplane': 'microk8s-controlplane' } : { 'node.kubernetes.io/microk8s-worker': 'microk8s-worker' })
    : (cp ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {});
  const node = makeKubeNode(n.name, {
    version: n.kubeletVersion,
    labels,
    addresses: [{ type: 'InternalIP', address: n.ip }, { type: 'Hostname', address: n.name }],
    ...(cp && tainted(flavor, nodes) ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
    osImage: 'Ubuntu 24.04.1 LTS',
    kernelVersion: '6.8.0-45-generic',
    containerRuntimeVersion: flavor === 'microk8s' ? 'containerd://1.6.28' : 'containerd://1.7.12',
  });
  node.status.nodeInfo.bootID = n.bootId;
  // Ready since shortly after its boot (not since the lab started).
  const since = new Date(n.bootedAt + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const c of node.status.conditions as Record<string, string>[]) c['lastTransitionTime'] = since;
  return node;
}

function daemonPods(store: KubeStore, ds: KubeObject, nodes: NodeSim[], labels: Record<string, string>, hostNetwork: boolean): void {
  for (const n of nodes) {
    const image = ds.spec?.template?.spec?.containers?.[0]?.image as string | undefined;
    const pod = makePod({ name: `${ds.metadata.name}-${randomUUID().slice(0, 5)}`, namespace: ds.metadata.namespace, nodeName: n.name, owner: ds, labels, ...(image ? { image } : {}) });
    if (hostNetwork) pod.spec.hostNetwork = true;
    pod.spec.tolerations = [{ operator: 'Exists' }];
    store.add(pod);
  }
}

// kubeadm's static pods (mirror pods) on a control-plane node; the container is named after the component.
function staticPods(store: KubeStore, node: KubeObject, version: string, etcd: string): void {
  const images: Record<string, string> = {
    etcd: `registry.k8s.io/etcd:${etcd}`,
    'kube-apiserver': `registry.k8s.io/kube-apiserver:${version}`,
    'kube-controller-manager': `registry.k8s.io/kube-controller-manager:${version}`,
    'kube-scheduler': `registry.k8s.io/kube-scheduler:${version}`,
  };
  for (const [component, image] of Object.entries(images)) {
    const pod = makePod({ name: `${component}-${node.metadata.name}`, namespace: 'kube-system', nodeName: node.metadata.name ?? '', mirror: true, image, labels: { component, tier: 'control-plane' } });
    pod.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name ?? '', uid: node.metadata.uid ?? '', controller: true }];
    pod.spec.hostNetwork = true;
    pod.spec.containers = [{ ...pod.spec.containers[0], name: component }];
    pod.status.containerStatuses = [{ ...pod.status.containerStatuses[0], name: component }];
    pod.spec.priorityClassName = 'system-node-critical';
    store.add(pod);
  }
}

// Fill the store with the lab's cluster.
export function seedCluster(store: KubeStore, flavor: Flavor, nodes: NodeSim[], etcdImage: string): void {
  store.add(makeNamespace(INGRESS_NS));
  const kubeNodes = nodes.map((n) => store.add(kubeNodeObject(flavor, n, nodes))[0] as KubeObject);
  const workers = tainted(flavor, nodes) ? nodes.filter((n) => n.role === 'worker') : nodes;
  const addon = (o: KubeObject) => withVersionLabel(flavor, o);
  const [calico] = store.add(addon(makeDaemonSet('calico-node', { namespace: 'kube-system', labels: CALICO_LABELS, image: seedImage(flavor, 'calico-node') })));
  daemonPods(store, calico as KubeObject, nodes, CALICO_LABELS, true);
  if (flavor === 'kubeadm') {
    const [proxy] = store.add(makeDaemonSet('kube-proxy', { namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' }, image: `registry.k8s.io/kube-proxy:${nodes[0]?.kubeletVersion ?? ''}` }));
    daemonPods(store, proxy as KubeObject, nodes, { 'k8s-app': 'kube-proxy' }, true);
    kubeNodes.forEach((k, i) => {
      if (nodes[i]?.role === 'control-plane') staticPods(store, k, nodes[i]?.kubeletVersion ?? '', etcdImage);
    });
  }
  const [ingress] = store.add(addon(makeDaemonSet(ingressDaemonSet(flavor), { namespace: INGRESS_NS, labels: INGRESS_LABELS, image: seedImage(flavor, ingressDaemonSet(flavor)) })));
  daemonPods(store, ingress as KubeObject, workers, INGRESS_LABELS, false);
  const holder = (n: NodeSim | undefined) => `${n?.name ?? 'k8s01'}_${randomUUID()}`;
  const cps = nodes.filter((n) => n.role === 'control-plane');
  store.add(
    addon(makeDeployment('calico-kube-controllers', { namespace: 'kube-system', labels: { 'k8s-app': 'calico-kube-controllers' }, image: seedImage(flavor, 'calico-kube-controllers') })),
    addon(makeDeployment('coredns', { namespace: 'kube-system', replicas: 2, labels: { 'k8s-app': 'kube-dns' }, image: seedImage(flavor, 'coredns') })),
    addon(makeDeployment('metrics-server', { namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' }, image: seedImage(flavor, 'metrics-server') })),
    makeNamespace('cert-manager'),
    addon(makeDeployment('cert-manager', { namespace: 'cert-manager', labels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' }, image: seedImage(flavor, 'cert-manager') })),
    makeService('kube-dns', { namespace: 'kube-system', selector: { 'k8s-app': 'kube-dns' }, clusterIP: '10.152.183.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }),
    makeLease('kube-controller-manager', { holderIdentity: holder(cps[0]), leaseDurationSeconds: 15 }),
    makeLease('kube-scheduler', { holderIdentity: holder(cps[1] ?? cps[0]), leaseDurationSeconds: 15 }),
    makeService(INGRESS_SERVICE, { namespace: INGRESS_NS, selector: { 'app.kubernetes.io/name': 'ingress-nginx' }, clusterIP: '10.152.183.40', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }),
    makeDeployment('web', { replicas: 3, labels: { app: 'web' }, image: 'nginx:1.27' }),
    makeService('web', { selector: { app: 'web' }, clusterIP: '10.152.183.80', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
    makePdb('web', { maxUnavailable: 1, selector: { app: 'web' } }),
    makeDeployment('api', { replicas: 2, labels: { app: 'api' }, image: 'ghcr.io/example/api:2.4.1' }),
    makeService('api', { selector: { app: 'api' }, clusterIP: '10.152.183.81', ports: [{ name: 'http', port: 8080 }] }),
    makeService('redis', { selector: { app: 'redis' }, clusterIP: '10.152.183.82', ports: [{ name: 'redis', port: 6379 }] }),
  );
  const [redis] = store.add(makeStatefulSet('redis', { labels: { app: 'redis' }, image: 'redis:7.2' }));
  store.add(makePod({ name: 'redis-0', owner: redis as KubeObject, labels: { app: 'redis' }, image: 'redis:7.2' }));
}

// The number of nodes an app pod can run on (kubeadm's control planes are tainted when there are workers).
export function schedulableNodes(flavor: Flavor, nodes: NodeSim[]): number {
  return tainted(flavor, nodes) ? nodes.filter((n) => n.role === 'worker').length : nodes.length;
}
