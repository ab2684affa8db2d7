// The files of a node's root (tsplay_node_root): microk8s args and dqlite backend files, or kubeadm's
// /etc/kubernetes, kubelet config and the pkgs.k8s.io apt source; hostname, kubeconfigs, shims.
import { chownSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DatastoreSim } from './datastore.js';
import type { NodeSim } from './node.js';
import type { ShellUser } from './shell.js';
import { writeNodeShims } from './shims.js';
import type { Flavor } from './types.js';
import { ETCD_IMAGE, minorOf, repoUrl } from './versions.js';

const ARGS: Record<string, string> = {
  'k8s-dqlite': '--storage-dir=${SNAP_DATA}/var/kubernetes/backend/\n--listen=unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379\n',
  kubelet: '--kubeconfig=${SNAP_DATA}/credentials/kubelet.config\n--cert-dir=${SNAP_DATA}/certs\n--client-ca-file=${SNAP_DATA}/certs/ca.crt\n--anonymous-auth=false\n--root-dir=${SNAP_COMMON}/var/lib/kubelet\n--fail-swap-on=false\n--eviction-hard="memory.available<100Mi,nodefs.available<1Gi,imagefs.available<1Gi"\n--container-runtime-endpoint=${SNAP_COMMON}/run/containerd.sock\n--containerd=${SNAP_COMMON}/run/containerd.sock\n--node-labels="microk8s-controlplane=microk8s-controlplane"\n--authentication-token-webhook=true\n--read-only-port=0\n',
  'kube-apiserver': '--cert-dir=${SNAP_DATA}/certs\n--service-cluster-ip-range=10.152.183.0/24\n--authorization-mode=RBAC,Node\n--service-account-key-file=${SNAP_DATA}/certs/serviceaccount.key\n--client-ca-file=${SNAP_DATA}/certs/ca.crt\n--tls-cert-file=${SNAP_DATA}/certs/server.crt\n--tls-private-key-file=${SNAP_DATA}/certs/server.key\n--secure-port=16443\n--etcd-servers=unix://${SNAP_DATA}/var/kubernetes/backend/kine.sock:12379\n--allow-privileged=true\n',
  'kube-controller-manager': '--kubeconfig=${SNAP_DATA}/credentials/controller.config\n--service-account-private-key-file=${SNAP_DATA}/certs/serviceaccount.key\n--root-ca-file=${SNAP_DATA}/certs/ca.crt\n--cluster-signing-cert-file=${SNAP_DATA}/certs/ca.crt\n--cluster-signing-key-file=${SNAP_DATA}/certs/ca.key\n--use-service-account-credentials\n--leader-elect-lease-duration=60s\n--leader-elect-renew-deadline=30s\n',
  'kube-scheduler': '--kubeconfig=${SNAP_DATA}/credentials/scheduler.config\n--leader-elect-lease-duration=60s\n--leader-elect-renew-deadline=30s\n',
  'kube-proxy': '--kubeconfig=${SNAP_DATA}/credentials/proxy.config\n--cluster-cidr=10.1.0.0/16\n--healthz-bind-address=127.0.0.1\n',
  kubelite: '--scheduler-args-file=$SNAP_DATA/args/kube-scheduler\n--controller-manager-args-file=$SNAP_DATA/args/kube-controller-manager\n--proxy-args-file=$SNAP_DATA/args/kube-proxy\n--kubelet-args-file=$SNAP_DATA/args/kubelet\n--apiserver-args-file=$SNAP_DATA/args/kube-apiserver\n--kubeconfig-file=$SNAP_DATA/credentials/client.config\n--start-control-plane=true\n',
  containerd: '--config ${SNAP_DATA}/args/containerd.toml\n--root ${SNAP_COMMON}/var/lib/containerd\n--state ${SNAP_COMMON}/run/containerd\n--address ${SNAP_COMMON}/run/containerd.sock\n',
  'containerd-env': '# Attempt to change the maximum number of open file descriptors\nulimit -n 65536 || true\n',
  'cluster-agent': '--bind=0.0.0.0:25000\n--keyfile=${SNAP_DATA}/certs/server.key\n--certfile=${SNAP_DATA}/certs/server.crt\n--timeout=240\n',
};

function write(root: string, rel: string, body: string, mode = 0o644): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body, { mode });
}

function chownTree(dir: string, user: ShellUser): void {
  chownSync(dir, user.uid, user.gid);
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) chownTree(p, user);
    else chownSync(p, user.uid, user.gid);
  }
}

function manifest(c: string, image: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${c}\n  namespace: kube-system\n  labels:\n    component: ${c}\n    tier: control-plane\nspec:\n  hostNetwork: true\n  containers:\n  - name: ${c}\n    image: ${image}\n`;
}

// kubeadm's static pod manifests of a control plane for a Kubernetes version (etcd's is left as it is).
export function rewriteManifests(n: NodeSim, version: string): void {
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) write(n.dir, `etc/kubernetes/manifests/${c}.yaml`, manifest(c, `registry.k8s.io/${c}:${version}`));
}

// Write one node's root directory (and hand it to the shell user).
export function writeNodeRoot(o: { node: NodeSim; flavor: Flavor; datastore: DatastoreSim; kubeconfig: string; dispatcher: string; user: ShellUser | undefined }): void {
  const { node: n, flavor } = o;
  const root = n.dir;
  mkdirSync(root, { recursive: true });
  write(root, 'etc/hostname', `${n.name}\n`);
  write(root, 'etc/apt/sources.list.d/ubuntu.sources', 'Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble noble-updates noble-backports\nComponents: main restricted universe multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n');
  mkdirSync(join(root, 'var/run'), { recursive: true });
  mkdirSync(join(root, 'var/backups'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  if (flavor === 'microk8s') {
    for (const [name, body] of Object.entries(ARGS)) write(root, `var/snap/microk8s/current/args/${name}`, body);
    const backend = 'var/snap/microk8s/current/var/kubernetes/backend';
    const members = o.datastore.members.map((m) => `- Address: ${m.address}\n  ID: ${m.id}\n  Role: ${m.role === 'voter' ? 0 : m.role === 'standby' ? 1 : 2}\n`).join('');
    write(root, `${backend}/cluster.yaml`, members);
    const me = o.datastore.member(n.name);
    if (me) write(root, `${backend}/info.yaml`, `Address: ${me.address}\nID: ${me.id}\nRole: ${me.role === 'voter' ? 0 : me.role === 'standby' ? 1 : 2}\n`);
    write(root, `${backend}/cluster.crt`, '-----BEGIN CERTIFICATE-----\n(tsplay lab placeholder)\n-----END CERTIFICATE-----\n');
    write(root, `${backend}/cluster.key`, '-----BEGIN PRIVATE KEY-----\n(tsplay lab placeholder)\n-----END PRIVATE KEY-----\n', 0o600);
    write(root, 'var/snap/microk8s/current/credentials/client.config', o.kubeconfig, 0o600);
    mkdirSync(join(root, 'var/snap/microk8s/common/run'), { recursive: true });
    writeNodeShims(root, o.dispatcher);
  } else {
    const minor = minorOf(n.kubeletVersion);
    write(root, 'etc/apt/sources.list.d/kubernetes.list', [minor, `${minor.split('.')[0]}.${Number(minor.split('.')[1]) + 1}`].map((m) => `deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] ${repoUrl(m)}/ /\n`).join(''));
    write(root, 'etc/kubernetes/kubelet.conf', o.kubeconfig, 0o600);
    write(root, 'var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n');
    write(root, 'etc/default/kubelet', 'KUBELET_EXTRA_ARGS=\n');
    if (n.role === 'control-plane') {
      write(root, 'etc/kubernetes/admin.conf', o.kubeconfig, 0o600);
      write(root, 'etc/kubernetes/manifests/etcd.yaml', manifest('etcd', `registry.k8s.io/etcd:${ETCD_IMAGE[minor] ?? '3.5.16-0'}`));
      rewriteManifests(n, n.kubeletVersion);
    }
  }
  if (o.user) chownTree(root, o.user);
}
