// The lab's inventory (inventory/lab.yml): group k8s with every node and the cluster-wide variables,
// and for kubeadm the kube_control_plane / kube_node / etcd groups.
import { stringify } from 'yaml';
import type { NodeSim } from './node.js';
import { INVENTORY_MARKER } from './paths.js';
import type { Datastore, Flavor } from './types.js';

// What the inventory points at.
export interface InventorySpec {
  flavor: Flavor;
  datastore: Datastore;
  nodes: NodeSim[];
  login: string;
  keyFile: string;
  knownHosts: string;
  kubeconfig: string;
  prometheusUrl: string;
  criEndpoint: string;
}

// The inventory YAML text.
export function inventoryYaml(s: InventorySpec): string {
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const n of s.nodes) {
    hosts[n.name] = {
      ansible_host: '127.0.0.1',
      ansible_port: n.sshPort,
      ansible_user: s.login,
      ansible_ssh_private_key_file: s.keyFile,
      ansible_ssh_common_args: `-o UserKnownHostsFile=${s.knownHosts} -o StrictHostKeyChecking=yes`,
      tsplay_node_root: n.dir,
    };
  }
  const children: Record<string, unknown> = {
    k8s: {
      hosts,
      vars: {
        tsplay_quorum: { datastore: s.datastore, max_unavailable: 1 },
        tsplay_kubeconfig: s.kubeconfig,
        tsplay_kube_context: 'lab',
        tsplay_prometheus_url: s.prometheusUrl,
        tsplay_alertmanager_url: s.prometheusUrl,
        tsplay_lab: true,
        k8s_flavor: s.flavor,
        tsplay_cri_endpoint: s.criEndpoint,
      },
    },
  };
  if (s.flavor === 'kubeadm') {
    const names = (pred: (n: NodeSim) => boolean) => Object.fromEntries(s.nodes.filter(pred).map((n) => [n.name, null]));
    children['kube_control_plane'] = { hosts: names((n) => n.role === 'control-plane') };
    children['etcd'] = { hosts: names((n) => n.role === 'control-plane') };
    const workers = names((n) => n.role === 'worker');
    if (Object.keys(workers).length) children['kube_node'] = { hosts: workers };
  }
  const head = `${INVENTORY_MARKER} — written by \`tsplay lab up\`, removed by \`tsplay lab down\`.\n# ${s.flavor} (${s.datastore}), ${s.nodes.length} node(s) on 127.0.0.1.\n`;
  return head + stringify({ all: { children } }, { lineWidth: 0 });
}
