// What the simulated apt repositories offer a node: pkgs.k8s.io per minor (as its sources list names
// them at the last `apt-get update`) and a small Ubuntu archive; versions, candidates, origins.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AptPackage, NodeSim } from '../node.js';
import { compareDebVersions, kubeVersions, LATEST_PATCH, repoUrl } from '../versions.js';

// One available version and where it comes from.
export interface AptVersion {
  version: string;
  origin: string;
}

const UBUNTU = 'http://archive.ubuntu.com/ubuntu noble-updates/main amd64 Packages';
const UBUNTU_VERSIONS: Record<string, string[]> = {
  'linux-image-generic': ['6.8.0-49.49', '6.8.0-45.45'],
  'openssh-server': ['1:9.6p1-3ubuntu13.5'],
  snapd: ['2.63+24.04'],
  containerd: ['1.7.12-0ubuntu4.1'],
  curl: ['8.5.0-2ubuntu10.4'],
  jq: ['1.7.1-3build1'],
};
const KUBE_PACKAGES = new Set(['kubeadm', 'kubelet', 'kubectl']);

// Package descriptions (dpkg-query -l / -s).
export const DESCRIPTIONS: Record<string, string> = {
  kubeadm: 'Command-line utility for administering a Kubernetes cluster',
  kubelet: 'Node agent for Kubernetes clusters',
  kubectl: 'Command-line utility for interacting with a Kubernetes cluster',
  'kubernetes-cni': 'Binaries required to provision kubernetes container networking',
  'cri-tools': 'Command-line utility for interacting with a container runtime',
  containerd: 'daemon to control runC',
  'linux-image-generic': 'Generic Linux kernel image',
  'openssh-server': 'secure shell (SSH) server, for secure access from remote machines',
  snapd: 'Daemon and tooling that enable snap packages',
};

// Versions of a package available to the node, newest first (empty for an unknown package).
export function available(node: NodeSim, name: string): AptVersion[] {
  if (KUBE_PACKAGES.has(name)) return kubeVersions(node.aptMinors).map((v) => ({ version: v.version, origin: `${repoUrl(v.minor)}  Packages` }));
  if (name === 'cri-tools') return node.aptMinors.filter((m) => LATEST_PATCH[m] !== undefined).map((m) => ({ version: `${m}.0-1.1`, origin: `${repoUrl(m)}  Packages` })).reverse();
  if (name === 'kubernetes-cni') return node.aptMinors.filter((m) => LATEST_PATCH[m] !== undefined).map((m) => ({ version: Number(m.split('.')[1]) >= 30 ? '1.4.0-1.1' : '1.3.0-1.1', origin: `${repoUrl(m)}  Packages` })).sort((a, b) => compareDebVersions(b.version, a.version)).filter((v, i, all) => all.findIndex((x) => x.version === v.version) === i);
  return (UBUNTU_VERSIONS[name] ?? []).map((version) => ({ version, origin: UBUNTU }));
}

// The version `install PKG` would pick (the highest available), if any.
export function candidate(node: NodeSim, name: string): string | undefined {
  return available(node, name)[0]?.version;
}

// Whether apt knows the package at all (available or in dpkg's database).
export function knownPackage(node: NodeSim, name: string): boolean {
  return available(node, name).length > 0 || node.packages.has(name);
}

// The dpkg status triple of an installed package.
export function dpkgStatus(p: AptPackage): { want: string; status: string; abbrev: string } {
  if (!p.installed) return { want: 'deinstall', status: 'config-files', abbrev: 'rc ' };
  return p.held ? { want: 'hold', status: 'installed', abbrev: 'hi ' } : { want: 'install', status: 'installed', abbrev: 'ii ' };
}

// Installed packages with a newer candidate (what `upgrade` would touch).
export function upgradable(node: NodeSim): AptPackage[] {
  return [...node.packages.values()].filter((p) => p.installed && compareDebVersions(candidate(node, p.name) ?? '', p.installed) > 0);
}

// Versions matching an apt version spec (exact, or a glob such as `1.30.*` / `1.30.14-*`).
export function matchVersions(node: NodeSim, name: string, spec: string): string[] {
  const all = [...available(node, name).map((v) => v.version), ...(node.packages.get(name)?.installed ? [node.packages.get(name)?.installed as string] : [])];
  if (!spec.includes('*') && !spec.includes('?')) return all.filter((v) => v === spec);
  const re = new RegExp(`^${spec.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return [...new Set(all.filter((v) => re.test(v)))].sort((a, b) => compareDebVersions(b, a));
}

// The pkgs.k8s.io minors named by the node's apt sources (read at `apt-get update`), and any unknown ones.
export function readSourceMinors(node: NodeSim): { minors: string[]; unknown: string[] } {
  const dir = join(node.dir, 'etc/apt/sources.list.d');
  const minors = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.list') || f.endsWith('.sources'));
  } catch {
    files = [];
  }
  for (const f of files) {
    let body = '';
    try {
      body = readFileSync(join(dir, f), 'utf8');
    } catch {
      continue;
    }
    for (const line of body.split('\n')) {
      if (/^\s*#/.test(line)) continue;
      for (const m of line.matchAll(/pkgs\.k8s\.io\/core:\/stable:\/v(\d+\.\d+)\/deb/g)) minors.add(m[1] as string);
    }
  }
  const all = [...minors].sort((a, b) => compareDebVersions(a, b));
  return { minors: all.filter((m) => LATEST_PATCH[m] !== undefined), unknown: all.filter((m) => LATEST_PATCH[m] === undefined) };
}
