// The simulated `kubeadm` (kubeadm nodes only): version, upgrade plan, upgrade apply (control plane,
// kubeadm's version policy: no skipping minors, not above the kubeadm binary), upgrade node.
import type { NodeSim } from '../node.js';
import type { LabSim } from '../sim.js';
import type { ToolResult } from '../types.js';
import { COREDNS_IMAGE, ETCD_IMAGE, gitVersion, LATEST_PATCH, minorNumber, minorOf } from '../versions.js';
import { rewriteManifests } from '../node-files.js';
import { fail, ok, text, type ToolFn } from './util.js';

const STACK = 'To see the stack trace of this error execute with --v=5 or higher';
const NOT_ROOT = `[preflight] Running pre-flight checks.\nerror execution phase preflight: [preflight] Some fatal errors occurred:\n\t[ERROR IsPrivilegedUser]: user is not running as root\n[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\n${STACK}`;
const NO_ADMIN = `couldn't create a Kubernetes client from file "/etc/kubernetes/admin.conf": failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory\n${STACK}`;

function kubeadmVersion(node: NodeSim): string | undefined {
  const v = node.packages.get('kubeadm')?.installed;
  return v ? gitVersion(v) : undefined;
}

function policyErrors(cluster: string, target: string, kubeadm: string, force: boolean): string[] {
  const errs: string[] = [];
  const [tMin, cMin, kMin] = [minorNumber(target), minorNumber(cluster), minorNumber(kubeadm)];
  const patch = Number(target.split('.')[2] ?? NaN);
  if (!/^v\d+\.\d+\.\d+$/.test(target) || LATEST_PATCH[minorOf(target)] === undefined || patch > (LATEST_PATCH[minorOf(target)] ?? -1)) errs.push(`Specified version to upgrade to "${target}" is not a released Kubernetes version`);
  if (tMin - cMin > 1) errs.push(`Specified version to upgrade to "${target}" is too high; kubeadm can upgrade only 1 minor version at a time`);
  if (cMin - tMin > 1) errs.push(`Specified version to downgrade to "${target}" is too low; kubeadm can downgrade only 1 minor version at a time`);
  if (!force && (tMin > kMin || (tMin === kMin && patch > Number(kubeadm.split('.')[2])))) errs.push(`Specified version to upgrade to "${target}" is higher than the kubeadm version "${kubeadm}". Upgrade kubeadm first using the tool you used to install kubeadm`);
  return errs;
}

function plan(sim: LabSim, node: NodeSim, kubeadm: string): ToolResult {
  const cluster = sim.clusterVersion;
  const head = ['[preflight] Running pre-flight checks.', '[upgrade/config] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...', "[upgrade/config] Use 'kubeadm init phase upload-config --config your-config.yaml' to re-upload it.", '[upgrade] Running cluster health checks', '[upgrade] Fetching available versions to upgrade to', `[upgrade/versions] Cluster version: ${cluster}`, `[upgrade/versions] kubeadm version: ${kubeadm}`];
  const cmp = minorNumber(kubeadm) - minorNumber(cluster) || Number(kubeadm.split('.')[2]) - Number(cluster.split('.')[2]);
  if (cmp <= 0) return ok(text([...head, "[upgrade/versions] Target version: " + kubeadm, '', "Awesome, you're up-to-date! Enjoy!"]));
  const row = (c: string, n: string, cur: string, tgt: string) => `${c.padEnd(26)}${n.padEnd(10)}${cur.padEnd(11)}${tgt}`;
  const kubelets = sim.nodes.map((n) => row('kubelet', n.name, n.kubeletVersion, kubeadm));
  const cps = sim.nodes.filter((n) => n.role === 'control-plane');
  const running = (c: string, n: NodeSim) => String(sim.store.peek('pods', `${c}-${n.name}`, 'kube-system')?.spec?.containers?.[0]?.image ?? '').split(':').pop() || cluster;
  const [cm, km] = [minorOf(cluster), minorOf(kubeadm)];
  return ok(text([
    ...head, `[upgrade/versions] Target version: ${kubeadm}`, `[upgrade/versions] Latest version in the v${cm} series: v${cm}.${LATEST_PATCH[cm] ?? 0}`, '',
    "Components that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':", row('COMPONENT', 'NODE', 'CURRENT', 'TARGET'), ...kubelets, '',
    'Upgrade to the latest stable version:', '', row('COMPONENT', 'NODE', 'CURRENT', 'TARGET'),
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].flatMap((c) => cps.map((n) => row(c, n.name, running(c, n), kubeadm))),
    row('kube-proxy', '', cluster.replace(/^v/, ''), kubeadm), row('CoreDNS', '', COREDNS_IMAGE[cm] ?? '', COREDNS_IMAGE[km] ?? ''), ...cps.map((n) => row('etcd', n.name, ETCD_IMAGE[cm] ?? '', ETCD_IMAGE[km] ?? '')), '',
    'You can now apply the upgrade by executing the following command:', '', `\tkubeadm upgrade apply ${kubeadm}`, '', '_____________________________________________________________________', '',
  ]));
}

// This control plane's static pods (apiserver, controller-manager, scheduler) move to `target`.
function upgradeStaticPods(sim: LabSim, node: NodeSim, target: string): void {
  node.kubeadmConfigured = target;
  rewriteManifests(node, target);
  for (const pod of sim.store.list('pods', { namespace: 'kube-system', fieldSelector: `spec.nodeName=${node.name}` })) {
    const component = pod.metadata.labels?.['component'];
    if (!component || component === 'etcd') continue;
    const containers = (pod.spec?.containers ?? []).map((c: Record<string, unknown>) => ({ ...c, image: `registry.k8s.io/${component}:${target}` }));
    sim.store.update('pods', { ...pod, spec: { ...pod.spec, containers } });
  }
}

// The cluster moves to `target`: the apiserver's version, this node's static pods, and the kube-proxy
// addon (its DaemonSet's image; the pods follow).
function applyUpgrade(sim: LabSim, node: NodeSim, target: string): void {
  sim.clusterVersion = target;
  sim.refreshServerVersion();
  upgradeStaticPods(sim, node, target);
  const proxy = sim.store.get('daemonsets', 'kube-proxy', 'kube-system');
  if (proxy?.spec?.template?.spec) {
    proxy.spec.template.spec.containers = (proxy.spec.template.spec.containers ?? []).map((c: Record<string, unknown>) => ({ ...c, image: `registry.k8s.io/kube-proxy:${target}` }));
    sim.store.update('daemonsets', proxy);
  }
}

// The kubeadm entry point.
export const kubeadm: ToolFn = (sim, node, call) => {
  const installed = sim.flavor === 'kubeadm' ? kubeadmVersion(node) : undefined;
  if (!installed) return fail(127, 'sh: 1: kubeadm: not found');
  const args = call.args;
  const pos = args.filter((a) => !a.startsWith('-'));
  const o = args.findIndex((a) => a === '-o' || a === '--output' || a.startsWith('--output=') || a.startsWith('-o='));
  const output = o < 0 ? undefined : args[o]?.includes('=') ? args[o]?.split('=')[1] : args[o + 1];
  if (pos[0] === 'version') {
    if (output === 'short') return ok(`${installed}\n`);
    const info = { major: '1', minor: String(minorNumber(installed)), gitVersion: installed, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2025-06-17T18:32:52Z', goVersion: 'go1.22.12', compiler: 'gc', platform: 'linux/amd64' };
    if (output === 'json') return ok(`${JSON.stringify({ clientVersion: info }, null, 2)}\n`);
    return ok(`kubeadm version: &version.Info{Major:"1", Minor:"${info.minor}", GitVersion:"${installed}", GitCommit:"${info.gitCommit}", GitTreeState:"clean", BuildDate:"${info.buildDate}", GoVersion:"${info.goVersion}", Compiler:"gc", Platform:"linux/amd64"}\n`);
  }
  if (pos[0] !== 'upgrade') return fail(1, pos[0] ? `unknown command "${pos[0]}" for "kubeadm"\n${STACK}` : 'kubeadm: easily bootstrap a secure Kubernetes cluster');
  if (!call.root) return fail(1, NOT_ROOT);
  const cp = node.role === 'control-plane';
  switch (pos[1]) {
    case 'plan':
      return cp ? plan(sim, node, installed) : fail(1, NO_ADMIN);
    case 'apply': {
      if (!cp) return fail(1, NO_ADMIN);
      const target = pos[2];
      if (!target) return fail(1, `missing one or more required arguments. Required arguments: [version]\n${STACK}`);
      const version = target.startsWith('v') ? target : `v${target}`;
      const force = args.includes('--force') || args.includes('-f');
      const head = ['[preflight] Running pre-flight checks.', '[upgrade/config] Reading configuration from the cluster...', "[upgrade/config] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'", '[upgrade] Running cluster health checks', `[upgrade/version] You have chosen to change the cluster version to "${version}"`, `[upgrade/versions] Cluster version: ${sim.clusterVersion}`, `[upgrade/versions] kubeadm version: ${installed}`];
      const errs = policyErrors(sim.clusterVersion, version, installed, force);
      if (errs.length) return { stdout: text(head), stderr: `[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n${errs.map((e) => `\t- ${e}\n`).join('')}\nPlease fix the misalignments highlighted above and try upgrading again\n${STACK}\n`, rc: 1 };
      if (!(args.includes('-y') || args.includes('--yes') || force)) return { stdout: text(head) + '[upgrade/confirm] Are you sure you want to proceed? [y/N]: ', stderr: `won't proceed; the user didn't answer (Y|y) in order to continue\n${STACK}\n`, rc: 1 };
      applyUpgrade(sim, node, version);
      const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
      return ok(text([
        ...head, '[upgrade/prepull] Pulling images required for setting up a Kubernetes cluster', `[upgrade/apply] Upgrading your Static Pod-hosted control plane to version "${version}" (timeout: 5m0s)...`,
        ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => `[upgrade/staticpods] Moved new manifest to "/etc/kubernetes/manifests/${c}.yaml" and backed up old manifest to "/etc/kubernetes/tmp/kubeadm-backup-manifests-${stamp}/${c}.yaml"`),
        '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace', '[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"',
        '[addons] Applied essential addon: CoreDNS', '[addons] Applied essential addon: kube-proxy', '', `[upgrade/successful] SUCCESS! Your cluster was upgraded to "${version}". Enjoy!`, '',
        "[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.",
      ]));
    }
    case 'node':
      if (cp) upgradeStaticPods(sim, node, sim.clusterVersion);
      else node.kubeadmConfigured = sim.clusterVersion;
      return ok(text([
        '[upgrade] Reading configuration from the cluster...', "[upgrade] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'",
        ...(cp ? [`[upgrade] Upgrading your Static Pod-hosted control plane instance to version "${sim.clusterVersion}"...`] : ['[preflight] Skipping prepull. Not a control plane node.', '[upgrade] Skipping phase. Not a control plane node.']),
        '[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"', '[upgrade] The configuration for this node was successfully updated!',
        '[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.',
      ]));
    default:
      return fail(1, `unknown command "${pos[1] ?? ''}" for "kubeadm upgrade"\n${STACK}`);
  }
};
