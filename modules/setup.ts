// setup: gathers a small fact set with one command (hostname, distribution, kernel,
// architecture, boot id) — what gather_facts runs.
import { sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';

const FACTS_CMD = sh`echo "hostname=$(hostname 2>/dev/null || cat /etc/hostname)"; echo "fqdn=$(hostname -f 2>/dev/null || hostname)"; echo "kernel=$(uname -r)"; echo "machine=$(uname -m)"; echo "system=$(uname -s)"; echo "boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)"; echo "nproc=$(nproc 2>/dev/null || echo 1)"; echo "user=$(id -un)"; if [ -r /etc/os-release ]; then . /etc/os-release; echo "os_id=$ID"; echo "os_version=$VERSION_ID"; echo "os_codename=$VERSION_CODENAME"; echo "os_like=$ID_LIKE"; fi; echo "python=$(python3 -c 'import sys; print(\"%d.%d.%d.%s.%d\" % sys.version_info[:5])' 2>/dev/null)"; echo "python_exe=$(command -v python3 2>/dev/null)"; echo __ENV__; env; echo __MOUNTS__; cat /proc/mounts 2>/dev/null | head -200`;

const NAMES: Record<string, string> = { debian: 'Debian', ubuntu: 'Ubuntu', centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora', rocky: 'Rocky', almalinux: 'AlmaLinux', alpine: 'Alpine', arch: 'Archlinux', opensuse: 'openSUSE' };
const FAMILY: Record<string, string> = { debian: 'Debian', ubuntu: 'Debian', centos: 'RedHat', rhel: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', alpine: 'Alpine', arch: 'Archlinux' };

// Parses the key=value lines of the facts command into Ansible fact names.
export function parseFacts(out: string): Record<string, unknown> {
  const kv: Record<string, string> = {};
  const [head = '', rest = ''] = out.split('\n__ENV__\n');
  const [envText = '', mountsText = ''] = rest.split('\n__MOUNTS__\n');
  const env: Record<string, string> = {};
  for (const line of envText.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  const mounts = mountsText.split('\n').filter(Boolean).map((l) => {
    const [device, mount, fstype, options] = l.split(' ');
    return { device, mount, fstype, options };
  });
  for (const line of head.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv[line.slice(0, i)] = line.slice(i + 1);
  }
  const id = kv['os_id'] ?? '';
  const version = kv['os_version'] ?? '';
  const hostname = kv['hostname'] ?? '';
  return {
    hostname: hostname.split('.')[0],
    nodename: hostname,
    fqdn: kv['fqdn'] ?? hostname,
    kernel: kv['kernel'] ?? '',
    architecture: kv['machine'] ?? '',
    machine: kv['machine'] ?? '',
    system: kv['system'] ?? '',
    boot_id: kv['boot_id'] ?? '',
    processor_vcpus: Number(kv['nproc'] ?? 1),
    user_id: kv['user'] ?? '',
    distribution: NAMES[id] ?? (id ? id.charAt(0).toUpperCase() + id.slice(1) : 'NA'),
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? '',
    distribution_release: kv['os_codename'] ?? '',
    os_family: FAMILY[id] ?? FAMILY[(kv['os_like'] ?? '').split(' ')[0] ?? ''] ?? (id ? id.charAt(0).toUpperCase() + id.slice(1) : 'NA'),
    env,
    mounts,
    ...(kv['python'] ? { python: pythonFacts(kv['python'], kv['python_exe'] ?? ''), python_version: kv['python'].split('.').slice(0, 3).join('.') } : {}),
  };
}

// ansible_facts.python from "major.minor.micro.releaselevel.serial" (sys.version_info).
function pythonFacts(text: string, executable: string): Record<string, unknown> {
  const [major, minor, micro, releaselevel = 'final', serial = '0'] = text.split('.');
  const version = { major: Number(major), minor: Number(minor), micro: Number(micro), releaselevel, serial: Number(serial) };
  return { executable, type: 'cpython', has_sslcontext: true, version, version_info: [version.major, version.minor, version.micro, releaselevel, version.serial] };
}

// The setup arguments.
export const schema = {
  type: 'object',
  properties: {
    gather_subset: { description: 'accepted; tsplay always gathers its small fact set' },
    filter: { description: 'accepted and ignored' },
    gather_timeout: { type: 'integer', description: 'accepted and ignored' },
  },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'setup',
  gathersFacts: true,
  aliases: ['gather_facts'],
  summary: 'Gather facts: hostname, distribution, kernel, architecture, boot id (one command)',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual (read-only)',
  example: '- setup:',
  async probe(ctx, args) {
    const r = await ctx.host_.query(FACTS_CMD);
    if (r.rc !== 0) return { changed: false, failed: `fact gathering failed: ${r.stderr.trim()}` };
    const facts: Record<string, unknown> = {};
    const filters = ([] as unknown[]).concat(args.filter ?? []).map(String).filter(Boolean);
    const match = (k: string) => filters.length === 0 || filters.some((f) => new RegExp(`^${f.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(k));
    for (const [k, v] of Object.entries(parseFacts(r.stdout))) if (match(`ansible_${k}`)) facts[`ansible_${k}`] = v;
    return { changed: false, result: { ansible_facts: facts, changed: false } };
  },
});
