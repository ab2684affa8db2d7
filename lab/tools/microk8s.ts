// The simulated `microk8s` command (status, start/stop, version, config, kubectl through the real
// kubectl against the lab API), and the dqlite shell bundled with microk8s.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startUnit, stopUnit } from '../lifecycle.js';
import type { NodeSim } from '../node.js';
import type { LabSim } from '../sim.js';
import { fail, ok, text, type ToolFn } from './util.js';

const NEED_ROOT = 'Elevated permissions is needed for this operation. Please run this command with sudo.';
const ADDONS_ON = [['dns', 'CoreDNS'], ['ha-cluster', 'Configure high availability on the current node'], ['helm', 'Helm - the package manager for Kubernetes'], ['helm3', 'Helm 3 - the package manager for Kubernetes'], ['ingress', 'Ingress controller for external access']];
const ADDONS_OFF = [['cert-manager', 'Cloud native certificate management'], ['dashboard', 'The Kubernetes dashboard'], ['hostpath-storage', 'Storage class; allocates storage from host directory'], ['metrics-server', 'K8s Metrics Server for API access to service metrics'], ['rbac', 'Role-Based Access Control for authorisation']];

// Whether microk8s counts as running on the node (kubelite, k8s-dqlite and containerd active).
export function microk8sRunning(sim: LabSim, node: NodeSim): boolean {
  return ['kubelet', 'datastore', 'runtime'].every((r) => sim.unit(node, r as 'kubelet')?.active === 'active');
}

function status(sim: LabSim, node: NodeSim, format: string): string {
  const members = sim.datastore.members;
  const voters = members.filter((m) => m.role === 'voter');
  const ha = voters.length >= 3;
  if (format === 'yaml') {
    return text([
      'microk8s:', '  running: True', 'high-availability:', `  enabled: ${ha ? 'True' : 'False'}`, '  nodes:',
      ...members.flatMap((m) => [`    - address: ${m.address}`, `      role: ${m.role}`]),
      'addons:', ...[...ADDONS_ON.map((a) => [...a, 'enabled']), ...ADDONS_OFF.map((a) => [...a, 'disabled'])].flatMap(([name, desc, st]) => [`  - name: ${name}`, '    repository: core', `    description: ${desc}`, `    status: ${st}`]),
    ]);
  }
  const addrs = (role: string) => members.filter((m) => m.role === role).map((m) => m.address).join(' ') || 'none';
  return text([
    'microk8s is running', `high-availability: ${ha ? 'yes' : 'no'}`, `  datastore master nodes: ${addrs('voter')}`, `  datastore standby nodes: ${addrs('standby')}`,
    'addons:', '  enabled:', ...ADDONS_ON.map(([n, d]) => `    ${(n as string).padEnd(20)} # (core) ${d}`), '  disabled:', ...ADDONS_OFF.map(([n, d]) => `    ${(n as string).padEnd(20)} # (core) ${d}`),
  ]);
}

// The node-local kubeconfig microk8s kubectl uses.
export function microk8sKubeconfig(node: NodeSim): string {
  return join(node.dir, 'var/snap/microk8s/current/credentials/client.config');
}

// Where the machine's kubectl is, if any.
export function hostKubectl(): string | undefined {
  return ['/usr/bin/kubectl', '/usr/local/bin/kubectl', '/snap/bin/kubectl'].find((p) => existsSync(p));
}

// --wait-ready: polls every 200 ms (less when the kubelet starts faster than the default 2 s).
async function waitReady(sim: LabSim, node: NodeSim, timeoutS: number): Promise<boolean> {
  const end = Date.now() + Math.min(timeoutS || 600, 600) * 1000;
  const every = Math.min(200, Math.max(10, sim.timings.kubeletStartMs / 10));
  while (Date.now() < end && !sim.closed) {
    if (microk8sRunning(sim, node) && node.kubeletUp) return true;
    await new Promise((r) => setTimeout(r, every));
  }
  return microk8sRunning(sim, node) && node.kubeletUp;
}

// The microk8s entry point.
export const microk8s: ToolFn = (sim, node, call) => {
  const [verb = '', ...rest] = call.args;
  const flag = (name: string) => {
    const i = rest.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    const a = rest[i] as string;
    return a.includes('=') ? a.slice(a.indexOf('=') + 1) : (rest[i + 1] ?? '');
  };
  switch (verb) {
    case 'status': {
      const format = flag('--format') ?? 'pretty';
      const down = 'microk8s is not running. Use microk8s inspect for a deeper inspection.\n';
      if (rest.includes('--wait-ready')) return waitReady(sim, node, Number(flag('--timeout') ?? 0)).then((r) => (r ? ok(status(sim, node, format)) : { stdout: down, stderr: '', rc: 1 }));
      return microk8sRunning(sim, node) ? ok(status(sim, node, format)) : { stdout: down, stderr: '', rc: 1 };
    }
    case 'start':
    case 'stop': {
      if (!call.root) return fail(1, NEED_ROOT);
      for (const u of node.units.values()) {
        if (!u.id.startsWith('snap.microk8s.') || ['snap.microk8s.daemon-apiserver-proxy.service', 'snap.microk8s.daemon-etcd.service', 'snap.microk8s.daemon-flanneld.service'].includes(u.id)) continue;
        if (verb === 'stop') {
          stopUnit(sim, node, u);
          u.fileState = u.unmaskedState = 'disabled';
        } else {
          u.fileState = u.unmaskedState = 'enabled';
          startUnit(sim, node, u);
        }
      }
      return ok(verb === 'stop' ? 'Stopped.\n' : 'Started.\n');
    }
    case 'version':
      return ok(`MicroK8s ${node.snap?.version ?? ''} revision ${node.snap?.revision ?? ''}\n`);
    case 'config':
      return ok(readFileSync(microk8sKubeconfig(node), 'utf8'));
    case 'kubectl': {
      if (sim.unit(node, 'kubelet')?.active !== 'active') return fail(1, 'The connection to the server 127.0.0.1:16443 was refused - did you specify the right host or port?');
      const kubectl = hostKubectl();
      if (!kubectl) return fail(127, 'lab: microk8s kubectl needs a kubectl on the machine running the lab (apt-get install kubernetes-client)');
      return { stdout: '', stderr: '', rc: 0, exec: { file: kubectl, args: ['--kubeconfig', microk8sKubeconfig(node), ...rest] } };
    }
    case 'inspect':
      return ok(text(['Inspecting system', ...[...node.units.values()].filter((u) => u.id.startsWith('snap.microk8s.daemon-')).map((u) => `  Service ${u.id.replace(/\.service$/, '')} is ${u.active === 'active' ? 'running' : 'not running'}`)]));
    case 'join':
    case 'leave':
    case 'add-node':
    case 'remove-node':
      return fail(1, `lab: microk8s ${verb} is not simulated (cluster membership is fixed)`);
    default:
      return fail(1, verb ? `'${verb}' is not a valid MicroK8s subcommand.` : 'Available subcommands are: add-node config kubectl start status stop version');
  }
};

// The dqlite shell bundled with microk8s: `dqlite -s file://.../cluster.yaml -c CRT -k KEY [-f json] k8s .cluster|.leader`.
export const dqlite: ToolFn = (sim, node, call) => {
  if (sim.flavor !== 'microk8s') return fail(127, 'sh: 1: dqlite: not found');
  if (!call.root) return fail(1, 'Error: open /var/snap/microk8s/current/var/kubernetes/backend/cluster.key: permission denied');
  const args = call.args;
  const json = args.some((a, i) => (a === '-f' || a === '--format') && args[i + 1] === 'json');
  const cmd = args[args.length - 1] ?? '';
  if (!sim.datastore.leader) return fail(1, 'Error: no available dqlite leader server found');
  if (cmd === '.leader') return ok(`${sim.datastore.member(sim.datastore.leader)?.address ?? ''}\n`);
  if (cmd !== '.cluster') return fail(1, `Error: query: ${cmd}: unsupported in the lab (use .cluster or .leader)`);
  const roles = { voter: 0, standby: 1, spare: 2 } as const;
  if (json) return ok(`[${sim.datastore.members.map((m) => `{"ID":${m.id},"Address":"${m.address}","Role":${roles[m.role]}}`).join(',')}]\n`);
  return ok(text(sim.datastore.members.map((m) => `${m.id}|${m.address}|${m.role}`)));
};
