// The simulated package world: Kubernetes minors and patches, pkgs.k8s.io package versions,
// microk8s snap channels, and the versions of what each minor ships.

// The newest patch of each Kubernetes minor the simulated repositories and snap store carry.
export const LATEST_PATCH: Readonly<Record<string, number>> = { '1.28': 15, '1.29': 15, '1.30': 14, '1.31': 10, '1.32': 6 };

// The minor the lab starts on (the microk8s snap on its channel's newest patch).
export const START_MINOR = '1.29';
// The kubeadm cluster's starting patch (one behind 1.29's newest).
export const START_PATCH = 14;

// The etcd image kubeadm installs per minor (for `kubeadm upgrade plan`).
export const ETCD_IMAGE: Readonly<Record<string, string>> = { '1.28': '3.5.15-0', '1.29': '3.5.16-0', '1.30': '3.5.15-0', '1.31': '3.5.15-0', '1.32': '3.5.16-0' };
// The CoreDNS image kubeadm installs per minor.
export const COREDNS_IMAGE: Readonly<Record<string, string>> = { '1.28': 'v1.10.1', '1.29': 'v1.11.1', '1.30': 'v1.11.3', '1.31': 'v1.11.3', '1.32': 'v1.11.3' };

// Snap revisions of the microk8s channels.
export const SNAP_REVISION: Readonly<Record<string, number>> = { '1.28': 6532, '1.29': 6970, '1.30': 7236, '1.31': 7449, '1.32': 7660 };

// `1.30` of `v1.30.14`, `1.30.14-1.1` or `1.30.14`.
export function minorOf(version: string): string {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : '';
}

// The minor number (30 of 1.30).
export function minorNumber(version: string): number {
  return Number(minorOf(version).split('.')[1] ?? NaN);
}

// `v1.30.14` of the Debian version `1.30.14-1.1`.
export function gitVersion(debVersion: string): string {
  return `v${debVersion.replace(/-.*$/, '')}`;
}

// The pkgs.k8s.io Debian version of a patch: `1.30.14-1.1`.
export function debVersion(minor: string, patch: number): string {
  return `${minor}.${patch}-1.1`;
}

// The pkgs.k8s.io repository URL of a minor, as apt prints it.
export function repoUrl(minor: string): string {
  return `https://pkgs.k8s.io/core:/stable:/v${minor}/deb`;
}

// Versions of a Kubernetes package in the repositories of these minors, newest first.
export function kubeVersions(minors: string[]): { version: string; minor: string }[] {
  const out: { version: string; minor: string }[] = [];
  for (const minor of minors) {
    const latest = LATEST_PATCH[minor];
    if (latest === undefined) continue;
    for (let p = latest; p >= 0; p--) out.push({ version: debVersion(minor, p), minor });
  }
  return out.sort((a, b) => compareDebVersions(b.version, a.version));
}

function splitParts(v: string): (number | string)[] {
  return v.split(/(\d+)/).filter((x) => x !== '').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

// Orders two Debian-ish versions (numeric runs compared as numbers, `~` sorts first); <0, 0, >0.
export function compareDebVersions(a: string, b: string): number {
  const pa = splitParts(a);
  const pb = splitParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (x === undefined) return typeof y === 'string' && y.startsWith('~') ? 1 : -1;
    if (y === undefined) return typeof x === 'string' && x.startsWith('~') ? -1 : 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'string' && x.startsWith('~') !== (typeof y === 'string' && y.startsWith('~'))) return typeof x === 'string' && x.startsWith('~') ? -1 : 1;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

// The microk8s snap version on a channel's track (`v1.29.15`), or undefined for an unknown track.
export function snapVersion(track: string): string | undefined {
  const p = LATEST_PATCH[track];
  return p === undefined ? undefined : `v${track}.${p}`;
}
