// What units, processes and packages are to a Kubernetes node: the datastore member (dqlite,
// etcd), a node component (kubelet, kubelite, the container runtime, the apiserver), or neither.
// One table, used by the systemd and apt modules and by the shell-line classifier.

export type ComponentRole = 'datastore' | 'node';

const UNIT_ROLES: [RegExp, ComponentRole][] = [
  [/^(?:snap\.microk8s\.daemon-)?(?:k8s-dqlite|dqlite|etcd)(?:\.service)?$/, 'datastore'],
  [/^(?:snap\.microk8s\.daemon-)?(?:kubelet|kubelite|containerd|kube-apiserver|apiserver|apiserver-kicker|kube-proxy|crio|cri-o|docker|cri-docker)(?:\.service)?$/, 'node'],
];

// The cluster role of a unit name (with or without `.service` and the microk8s snap prefix).
export function unitRole(name: string): ComponentRole | undefined {
  const n = name.trim();
  for (const [re, role] of UNIT_ROLES) if (re.test(n)) return role;
  // every microk8s daemon lives in the snap; a glob over them includes k8s-dqlite
  if (/^snap\.microk8s\.[*?[]|^snap\.microk8s\.\*|^microk8s\b/.test(n)) return 'datastore';
  return undefined;
}

/** process names whose death takes a datastore member or a node component down */
const PROCESSES: [RegExp, ComponentRole][] = [
  [/k8s-dqlite|dqlite|\betcd\b/, 'datastore'],
  [/kubelite|kubelet|containerd|kube-apiserver|kube-proxy|\bcrio\b|dockerd/, 'node'],
];

// The role of a process name or pattern (pkill -f, killall, pidof), if it names a cluster process.
export function processRole(pattern: string): ComponentRole | undefined {
  for (const [re, role] of PROCESSES) if (re.test(pattern)) return role;
  return undefined;
}

const PACKAGES: [RegExp, ComponentRole][] = [
  [/^(?:etcd|etcd-server|microk8s)(?:[=:].*)?$/, 'datastore'],
  [/^(?:kubelet|containerd|containerd\.io|cri-o|runc|docker-ce|docker\.io)(?:[=:].*)?$/, 'node'],
];

// The role of a package (apt, snap) whose install, upgrade or removal restarts a cluster component.
export function packageRole(name: string): ComponentRole | undefined {
  const n = name.trim();
  for (const [re, role] of PACKAGES) if (re.test(n)) return role;
  return undefined;
}
