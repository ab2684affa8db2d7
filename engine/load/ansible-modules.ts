// Which module names exist for ansible-playbook, beyond the ones tsplay implements: ansible-core
// 2.14's own modules, the short names it routes to collections (its ansible_builtin_runtime.yml,
// read where ansible-core is installed), modules of the installed collections (ansible_collections/
// NS/COLL/plugins/modules, and their meta/runtime.yml routing) and custom modules in library
// folders. A task using one of them loads (as Ansible's parser accepts it) and fails when it runs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/** ansible-core 2.14's modules (ansible/modules), the names it resolves without a collection */
export const ANSIBLE_CORE_MODULES = new Set(
  ('add_host apt apt_key apt_repository assemble assert async_status blockinfile command copy cron debconf debug dnf ' +
    'dpkg_selections expect fail fetch file find gather_facts get_url getent git group group_by hostname import_playbook ' +
    'import_role import_tasks include include_role include_tasks include_vars iptables known_hosts lineinfile meta package ' +
    'package_facts pause ping pip raw reboot replace rpm_key script service service_facts set_fact set_stats setup shell slurp ' +
    'stat subversion systemd systemd_service sysvinit tempfile template unarchive uri user validate_argument_spec wait_for ' +
    'wait_for_connection yum yum_repository').split(' '),
);

export interface ModuleSearchPaths {
  /** folders holding `ansible_collections/` (or being one) */
  collections: string[];
  /** folders of custom modules (ansible.cfg library, ANSIBLE_LIBRARY) */
  library: string[];
}

/** where a task's module names are looked up: its playbook, its role, the `collections:` keyword */
export interface ModuleLookup {
  playbookDir: string;
  roleDir?: string;
  collections?: string[];
}

// The folders ansible-playbook searches by default: the configured ones, ~/.ansible/collections,
// /usr/share/ansible/collections, and the Python installations' site/dist-packages (pip and apt
// install the `ansible` package's collections there).
export function defaultCollectionPaths(configured: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env['HOME'] ?? homedir();
  const out = [...configured, join(home, '.ansible', 'collections'), '/usr/share/ansible/collections'];
  const roots = ['/usr/lib/python3/dist-packages', '/usr/local/lib', '/usr/lib', join(home, '.local', 'lib')];
  if (env['VIRTUAL_ENV']) roots.unshift(join(env['VIRTUAL_ENV'], 'lib'));
  for (const r of roots) {
    if (r.endsWith('dist-packages')) {
      out.push(r);
      continue;
    }
    for (const py of safeList(r).filter((d) => /^python3(\.\d+)?$/.test(d))) out.push(join(r, py, 'site-packages'), join(r, py, 'dist-packages'));
  }
  return [...new Set(out)].filter((d) => existsSync(d));
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const runtimeCache = new Map<string, Record<string, unknown> | null>();

function readRuntime(path: string): Record<string, unknown> | null {
  if (!runtimeCache.has(path)) {
    let v: Record<string, unknown> | null = null;
    try {
      v = (parse(readFileSync(path, 'utf8')) as Record<string, unknown>) ?? null;
    } catch {
      v = null;
    }
    runtimeCache.set(path, v);
  }
  return runtimeCache.get(path) ?? null;
}

function routedModule(runtime: Record<string, unknown> | null, name: string): { redirect?: string; tombstone?: boolean } | undefined {
  const routing = (runtime?.['plugin_routing'] as Record<string, unknown> | undefined)?.['modules'] as Record<string, Record<string, unknown>> | undefined;
  const r = routing?.[name];
  if (!r) return undefined;
  return { ...(typeof r['redirect'] === 'string' ? { redirect: r['redirect'] } : {}), ...(r['tombstone'] ? { tombstone: true } : {}) };
}

export class AnsibleModules {
  private readonly cache = new Map<string, string | null>();
  private runtime: Record<string, unknown> | null | undefined;

  constructor(private readonly paths: ModuleSearchPaths) {}

  // ansible-core's routing table (a large YAML file), read the first time a name needs it.
  private get builtinRuntime(): Record<string, unknown> | null {
    if (this.runtime === undefined) {
      const found = this.paths.collections.map((d) => join(d, 'ansible', 'config', 'ansible_builtin_runtime.yml')).find(isFile);
      this.runtime = found ? readRuntime(found) : null;
    }
    return this.runtime;
  }

  // The fully qualified name Ansible would resolve `name` to, or undefined when it resolves to nothing.
  resolve(name: string, at: ModuleLookup): string | undefined {
    const key = `${name}\0${at.playbookDir}\0${at.roleDir ?? ''}\0${(at.collections ?? []).join(',')}`;
    if (!this.cache.has(key)) this.cache.set(key, this.find(name, at, 0) ?? null);
    return this.cache.get(key) ?? undefined;
  }

  private find(name: string, at: ModuleLookup, depth: number): string | undefined {
    if (depth > 5) return undefined;
    const parts = name.split('.');
    if (parts.length >= 3) {
      const [ns, coll] = parts as [string, string];
      const mod = parts.slice(2).join('.');
      if (ns === 'ansible' && (coll === 'builtin' || coll === 'legacy')) return this.find(mod, { ...at, collections: [] }, depth + 1) && `ansible.builtin.${mod}`;
      return this.inCollection(ns, coll, mod, at, depth);
    }
    if (parts.length !== 1) return undefined;
    if (this.inLibrary(name, at)) return name;
    for (const c of at.collections ?? []) {
      const [ns, coll] = c.split('.');
      if (ns && coll && ns !== 'ansible') {
        const hit = this.inCollection(ns, coll, name, at, depth);
        if (hit) return hit;
      }
    }
    if (ANSIBLE_CORE_MODULES.has(name)) return `ansible.builtin.${name}`;
    const routed = routedModule(this.builtinRuntime, name);
    if (routed?.redirect && !routed.tombstone) return this.find(routed.redirect, at, depth + 1);
    return undefined;
  }

  private inCollection(ns: string, coll: string, mod: string, at: ModuleLookup, depth: number): string | undefined {
    for (const base of this.collectionRoots(at)) {
      const dir = join(base, ns, coll);
      if (!existsSync(dir)) continue;
      const file = mod.replace(/\./g, '/');
      for (const ext of ['.py', '.ps1', '']) {
        if (isFile(join(dir, 'plugins', 'modules', file + ext)) || isFile(join(dir, 'plugins', 'action', file + ext))) return `${ns}.${coll}.${mod}`;
      }
      const routed = routedModule(readRuntime(join(dir, 'meta', 'runtime.yml')), mod);
      if (routed?.tombstone) return undefined;
      if (routed?.redirect) return this.find(routed.redirect, at, depth + 1);
    }
    return undefined;
  }

  // The folder of a collection's role named `ns.coll.role`, in the first collection that has it.
  collectionRole(name: string, playbookDir: string): string | undefined {
    const m = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(name);
    if (!m) return undefined;
    for (const base of this.collectionRoots({ playbookDir })) {
      const dir = join(base, m[1] as string, m[2] as string, 'roles', m[3] as string);
      if (existsSync(dir)) return dir;
    }
    return undefined;
  }

  // The file of a collection's playbook named `ns.coll.name` (playbooks/name.yml or .yaml).
  collectionPlaybook(name: string, playbookDir: string): string | undefined {
    const m = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\.([A-Za-z0-9_.]+)$/.exec(name);
    if (!m) return undefined;
    for (const base of this.collectionRoots({ playbookDir })) {
      for (const ext of ['.yml', '.yaml']) {
        const file = join(base, m[1] as string, m[2] as string, 'playbooks', `${(m[3] as string).replace(/\./g, '/')}${ext}`);
        if (isFile(file)) return file;
      }
    }
    return undefined;
  }

  // ansible_collections folders: next to the playbook, then the configured and default ones.
  private collectionRoots(at: ModuleLookup): string[] {
    const roots = [join(at.playbookDir, 'collections'), ...this.paths.collections];
    return roots.map((r) => (r.endsWith('ansible_collections') ? r : join(r, 'ansible_collections'))).filter((r) => existsSync(r));
  }

  private inLibrary(name: string, at: ModuleLookup): boolean {
    const dirs = [...(at.roleDir ? [join(at.roleDir, 'library')] : []), join(at.playbookDir, 'library'), ...this.paths.library];
    return dirs.some((d) => ['.py', '.ps1', '.sh', ''].some((ext) => isFile(join(d, name + ext))));
  }
}
