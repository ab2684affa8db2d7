// Settings from ansible.cfg ($ANSIBLE_CONFIG, then ./ansible.cfg): the [defaults] keys
// tsplay honours (inventory, forks, roles_path, remote_user, private_key_file,
// force_handlers, timeout, host_key_checking), so existing project layouts work unchanged.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KvSyntaxError, parseKv } from '../load/kv.js';
import { parseYaml } from '../source/yaml-file.js';
import { readSourceFile, readTextBounded } from '../source/read.js';
import type { Vars } from '../load/model.js';
import { UsageError } from './args.js';

export interface Config {
  path?: string;
  inventory: string[];
  forks?: number;
  rolesPath: string[];
  remoteUser?: string;
  privateKeyFile?: string;
  forceHandlers?: boolean;
  hostKeyChecking?: boolean;
  timeout?: number;
  /** custom module folders (library, ANSIBLE_LIBRARY) */
  library: string[];
  /** folders holding ansible_collections (collections_path(s), ANSIBLE_COLLECTIONS_PATH(S)) */
  collectionsPaths: string[];
  /** error_on_missing_handler (default true): false makes a notify of a missing handler a warning */
  errorOnMissingHandler?: boolean;
  /** jinja2_native: templates keep native types */
  jinja2Native?: boolean;
  vaultPasswordFiles: string[];
  /** [privilege_escalation] become / become_user / become_method */
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
}

const TRUE = /^(true|yes|1|on|y|t)$/i;

// The settings ansible-playbook takes from the environment (ANSIBLE_*), which win over ansible.cfg.
function applyEnv(cfg: Config, env: NodeJS.ProcessEnv, cwd: string): void {
  const list = (v: string) => v.split(/[:,]/).map((p) => p.trim()).filter(Boolean).map((p) => resolve(cwd, p.replace(/^~(?=$|\/)/, env['HOME'] ?? '~')));
  const e = (k: string) => (env[k] !== undefined && env[k] !== '' ? env[k] : undefined);
  const inv = e('ANSIBLE_INVENTORY') ?? e('ANSIBLE_HOSTS');
  if (inv !== undefined) cfg.inventory = inv.split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolve(cwd, p.replace(/^~(?=$|\/)/, env['HOME'] ?? '~')));
  const roles = e('ANSIBLE_ROLES_PATH');
  if (roles !== undefined) cfg.rolesPath = list(roles);
  const lib = e('ANSIBLE_LIBRARY');
  if (lib !== undefined) cfg.library = list(lib);
  const colls = e('ANSIBLE_COLLECTIONS_PATH') ?? e('ANSIBLE_COLLECTIONS_PATHS');
  if (colls !== undefined) cfg.collectionsPaths = list(colls);
  const forks = e('ANSIBLE_FORKS');
  if (forks !== undefined) cfg.forks = Number(forks) || undefined;
  if (e('ANSIBLE_REMOTE_USER') !== undefined) cfg.remoteUser = e('ANSIBLE_REMOTE_USER') as string;
  if (e('ANSIBLE_PRIVATE_KEY_FILE') !== undefined) cfg.privateKeyFile = resolve(cwd, e('ANSIBLE_PRIVATE_KEY_FILE') as string);
  if (e('ANSIBLE_FORCE_HANDLERS') !== undefined) cfg.forceHandlers = TRUE.test(e('ANSIBLE_FORCE_HANDLERS') as string);
  if (e('ANSIBLE_ERROR_ON_MISSING_HANDLER') !== undefined) cfg.errorOnMissingHandler = TRUE.test(e('ANSIBLE_ERROR_ON_MISSING_HANDLER') as string);
  if (e('ANSIBLE_JINJA2_NATIVE') !== undefined) cfg.jinja2Native = TRUE.test(e('ANSIBLE_JINJA2_NATIVE') as string);
  if (e('ANSIBLE_TIMEOUT') !== undefined) cfg.timeout = Number(e('ANSIBLE_TIMEOUT')) || undefined;
  if (e('ANSIBLE_VAULT_PASSWORD_FILE') !== undefined) cfg.vaultPasswordFiles = list(e('ANSIBLE_VAULT_PASSWORD_FILE') as string);
  if (e('ANSIBLE_BECOME') !== undefined) cfg.become = TRUE.test(e('ANSIBLE_BECOME') as string);
  if (e('ANSIBLE_BECOME_USER') !== undefined) cfg.becomeUser = e('ANSIBLE_BECOME_USER') as string;
  if (e('ANSIBLE_BECOME_METHOD') !== undefined) cfg.becomeMethod = e('ANSIBLE_BECOME_METHOD') as string;
}

// $VAR and ${VAR} in a configured path, as Python's os.path.expandvars (unknown names are kept).
function expandVars(p: string, env: NodeJS.ProcessEnv): string {
  return p.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a: string | undefined, b: string | undefined) => env[(a ?? b) as string] ?? m);
}

/** where ansible-playbook looks for roles when neither roles_path nor ANSIBLE_ROLES_PATH is set */
function defaultRolesPath(env: NodeJS.ProcessEnv): string[] {
  return [resolve(env['HOME'] ?? '/root', '.ansible', 'roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'];
}

// Reads the ansible.cfg in effect (or returns empty settings).
export function loadConfig(env = process.env, cwd = process.cwd()): Config {
  const home = env['HOME'] ?? '/root';
  const candidates = env['ANSIBLE_CONFIG'] ? [resolve(cwd, env['ANSIBLE_CONFIG'])] : [resolve(cwd, 'ansible.cfg'), resolve(home, '.ansible.cfg'), '/etc/ansible/ansible.cfg'];
  const path = candidates.find((p) => existsSync(p)) ?? (candidates[0] as string);
  const cfg: Config = { inventory: [], rolesPath: [], library: [], collectionsPaths: [], vaultPasswordFiles: [] };
  readConfigFile(cfg, path, env);
  applyEnv(cfg, env, cwd);
  if (cfg.rolesPath.length === 0) cfg.rolesPath = defaultRolesPath(env);
  return cfg;
}

function readConfigFile(cfg: Config, path: string, env: NodeJS.ProcessEnv): void {
  if (!existsSync(path)) return;
  cfg.path = path;
  const base = dirname(path);
  let section = '';
  let text: string;
  try {
    text = readTextBounded(path);
  } catch (e) {
    throw new UsageError(`ERROR! cannot read ${path}: ${(e as Error).message}`, 5);
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1] as string;
      continue;
    }
    if (section !== 'defaults' && section !== 'privilege_escalation') continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const paths = () => value.split(key === 'inventory' || key === 'hostfile' ? /[:,]/ : /:/).map((p) => p.trim()).filter(Boolean).map((p) => resolve(base, expandVars(p, env).replace(/^~/, env['HOME'] ?? '~')));
    if (key === 'inventory' || key === 'hostfile') cfg.inventory = paths();
    else if (key === 'forks') cfg.forks = value === '' ? undefined : Number(value);
    else if (key === 'roles_path') cfg.rolesPath.push(...paths());
    else if (key === 'remote_user') cfg.remoteUser = value;
    else if (key === 'private_key_file') cfg.privateKeyFile = resolve(base, value.replace(/^~/, env['HOME'] ?? '~'));
    else if (key === 'force_handlers') cfg.forceHandlers = /^(true|yes|1|on)$/i.test(value);
    else if (key === 'host_key_checking') cfg.hostKeyChecking = !/^(false|no|0|off)$/i.test(value);
    else if (key === 'timeout') cfg.timeout = Number(value) > 0 && Number(value) <= 2147483 ? Number(value) : undefined;
    else if (key === 'library') cfg.library = paths();
    else if (key === 'collections_path' || key === 'collections_paths') cfg.collectionsPaths = paths();
    else if (key === 'error_on_missing_handler') cfg.errorOnMissingHandler = TRUE.test(value);
    else if (key === 'jinja2_native') cfg.jinja2Native = TRUE.test(value);
    else if (key === 'vault_password_file') cfg.vaultPasswordFiles = paths();
    else if (key === 'become') cfg.become = TRUE.test(value);
    else if (key === 'become_user') cfg.becomeUser = value;
    else if (key === 'become_method') cfg.becomeMethod = value;
  }
}

// Merges -e values: key=value pairs, inline YAML/JSON, or @file (YAML/JSON).
export function parseExtraVars(values: string[], cwd = process.cwd()): Vars {
  const out: Vars = {};
  for (const v of values) {
    if (v.startsWith('@')) {
      const p = resolve(cwd, v.slice(1));
      if (!existsSync(p)) throw new UsageError(`ERROR! the file_name '${p}' does not exist, or is not readable`, 1);
      const read = readSourceFile(p);
      if (read.text === undefined) throw new UsageError(`ERROR! invalid extra vars in ${p}: ${read.diagnostics[0]?.message ?? 'cannot read it'}`, 5);
      Object.assign(out, yamlMapping(p, read.text));
    } else if (v.trimStart().startsWith('{') || v.trimStart().startsWith('[')) {
      Object.assign(out, yamlMapping('<extra vars>', v));
    } else {
      try {
        Object.assign(out, parseKv(v));
      } catch (e) {
        if (e instanceof KvSyntaxError) throw new UsageError(`ERROR! invalid extra vars '${v}': ${e.message}`, 5);
        throw e;
      }
    }
  }
  return out;
}

function yamlMapping(path: string, text: string): Vars {
  const { file, diagnostics } = parseYaml(path, text);
  if (diagnostics.length || !file) throw new UsageError(`ERROR! invalid extra vars in ${path}: ${diagnostics[0]?.message ?? ''}`, 5);
  const v = file.value;
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`ERROR! extra vars in ${path} must be a mapping`, 5);
  return v as Vars;
}
