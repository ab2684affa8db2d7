// Reading package state on a Debian/Ubuntu host without changing it: installed versions
// (dpkg-query), holds (apt-mark showhold), candidates and available versions (apt-cache policy),
// and the age of the package lists.
import { sh } from '../../engine/connection/command.js';
import type { HostReader } from '../../engine/module.js';

// What dpkg knows about one package.
export interface Installed {
  version: string;
  /** dpkg's db:Status-Abbrev, e.g. `ii ` or `hi ` */
  status: string;
}

// One package's apt-cache policy: the candidate and every version in the version table.
export interface Policy {
  installed?: string;
  candidate?: string;
  versions: string[];
}

const FORMAT = '${Package}\\t${Version}\\t${db:Status-Abbrev}\\n';

// Installed packages among `names` (`dpkg-query -W`; a package dpkg does not know is simply absent);
// every installed package when `names` is empty.
export async function readInstalled(host: HostReader, names: string[]): Promise<Map<string, Installed>> {
  const r = await host.query(names.length ? sh`dpkg-query -W --showformat=${FORMAT} ${names}` : sh`dpkg-query -W --showformat=${FORMAT}`);
  if (r.rc > 1) throw new Error(`dpkg-query failed (rc ${r.rc}): ${r.stderr.trim()}`);
  const out = new Map<string, Installed>();
  for (const line of r.stdout.split('\n')) {
    const [pkg, version, status] = line.split('\t');
    if (!pkg || version === undefined || status === undefined) continue;
    // second letter of the abbreviation is the current state: i(nstalled), t(rigger-pending), W(trigger-await)
    if (/^.[itW]/.test(status) && !out.has(pkg)) out.set(pkg, { version, status });
  }
  return out;
}

// The held packages (`apt-mark showhold`), without architecture suffixes.
export async function readHolds(host: HostReader): Promise<Set<string>> {
  const r = await host.query(sh`apt-mark showhold`);
  if (r.rc !== 0) throw new Error(`apt-mark showhold failed (rc ${r.rc}): ${r.stderr.trim()}`);
  return new Set(r.stdout.split('\n').map((l) => l.trim().replace(/:[a-z0-9]+$/, '')).filter(Boolean));
}

// Parses `apt-cache policy A B ...` into per-package policies (a package apt does not know is absent).
export function parsePolicy(text: string): Map<string, Policy> {
  const out = new Map<string, Policy>();
  let cur: Policy | undefined;
  let inTable = false;
  for (const line of text.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      const name = (head[1] ?? '').replace(/:[a-z0-9]+$/, '');
      cur = { versions: [] };
      inTable = false;
      if (!out.has(name)) out.set(name, cur);
      continue;
    }
    if (!cur) continue;
    const field = /^ {2}(Installed|Candidate): (.*)$/.exec(line);
    if (field) {
      const v = (field[2] ?? '').trim();
      if (v !== '(none)') cur[field[1] === 'Installed' ? 'installed' : 'candidate'] = v;
      continue;
    }
    if (/^ {2}Version table:/.test(line)) {
      inTable = true;
      continue;
    }
    const ver = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line);
    if (inTable && ver && !cur.versions.includes(ver[1] ?? '')) cur.versions.push(ver[1] ?? '');
  }
  return out;
}

// Runs `apt-cache policy` for the packages.
export async function readPolicy(host: HostReader, names: string[]): Promise<Map<string, Policy>> {
  const r = await host.query(sh`apt-cache policy ${names}`);
  if (r.rc !== 0) throw new Error(`apt-cache policy failed (rc ${r.rc}): ${r.stderr.trim()}`);
  return parsePolicy(r.stdout);
}

// The host's clock and the mtime of the package lists (update-success-stamp, else pkgcache.bin, else lists/), in epoch seconds.
export async function readCacheTime(host: HostReader): Promise<{ now: number; mtime: number }> {
  const r = await host.query(sh`date +%s; stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/cache/apt/pkgcache.bin 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0`);
  const [now, mtime] = r.stdout.trim().split('\n').map((s) => Number(s.trim()));
  return { now: now ?? 0, mtime: mtime ?? 0 };
}
