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
}

// Reads the ansible.cfg in effect (or returns empty settings).
export function loadConfig(env = process.env, cwd = process.cwd()): Config {
  const path = env['ANSIBLE_CONFIG'] ? resolve(cwd, env['ANSIBLE_CONFIG']) : resolve(cwd, 'ansible.cfg');
  const cfg: Config = { inventory: [], rolesPath: [] };
  if (env['ANSIBLE_ROLES_PATH']) cfg.rolesPath.push(...env['ANSIBLE_ROLES_PATH'].split(':'));
  if (!existsSync(path)) return cfg;
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
    if (section !== 'defaults') continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const paths = () => value.split(/[:,]/).map((p) => resolve(base, p.trim().replace(/^~/, env['HOME'] ?? '~')));
    if (key === 'inventory' || key === 'hostfile') cfg.inventory = paths();
    else if (key === 'forks') cfg.forks = value === '' ? undefined : Number(value);
    else if (key === 'roles_path') cfg.rolesPath.push(...paths());
    else if (key === 'remote_user') cfg.remoteUser = value;
    else if (key === 'private_key_file') cfg.privateKeyFile = resolve(base, value.replace(/^~/, env['HOME'] ?? '~'));
    else if (key === 'force_handlers') cfg.forceHandlers = /^(true|yes|1|on)$/i.test(value);
    else if (key === 'host_key_checking') cfg.hostKeyChecking = !/^(false|no|0|off)$/i.test(value);
    else if (key === 'timeout') cfg.timeout = Number(value) > 0 && Number(value) <= 2147483 ? Number(value) : undefined;
  }
  return cfg;
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
