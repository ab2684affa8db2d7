// The config lookup: ansible-core's settings as a playbook reads them (lookup('config', NAME)), and
// a connection or shell plugin's options (plugin_type=, plugin_name=) from the host's variables.
// The settings known here are the ones playbooks commonly read; each comes from its environment
// variable, else its default.
import { isUndefined, type Scope } from '../expr/index.js';
import { isAnsibleTrue } from '../shared/coerce.js';
import { LookupFailure, LookupOptionsError } from './lookup-errors.js';

type Kind = 'str' | 'bool' | 'int' | 'list' | 'path-list';

interface Setting {
  env: string;
  kind: Kind;
  dflt: unknown;
}

const COWS = ['bud-frogs', 'bunny', 'cheese', 'daemon', 'default', 'dragon', 'elephant-in-snake', 'elephant', 'eyes', 'hellokitty', 'kitty', 'luke-koala', 'meow', 'milk', 'moofasa', 'moose', 'ren', 'sheep', 'small', 'stegosaurus', 'stimpy', 'supermilker', 'three-eyes', 'turkey', 'turtle', 'tux', 'udder', 'vader-koala', 'vader', 'www'];

const s = (env: string, kind: Kind, dflt: unknown): Setting => ({ env, kind, dflt });

const SETTINGS: Record<string, Setting> = {
  ANSIBLE_COW_ACCEPTLIST: s('ANSIBLE_COW_ACCEPTLIST', 'list', COWS),
  ANSIBLE_FORCE_COLOR: s('ANSIBLE_FORCE_COLOR', 'bool', false),
  ANSIBLE_NOCOLOR: s('ANSIBLE_NOCOLOR', 'bool', false),
  ANY_ERRORS_FATAL: s('ANSIBLE_ANY_ERRORS_FATAL', 'bool', false),
  DEFAULT_ASK_PASS: s('ANSIBLE_ASK_PASS', 'bool', false),
  DEFAULT_BECOME: s('ANSIBLE_BECOME', 'bool', false),
  DEFAULT_BECOME_METHOD: s('ANSIBLE_BECOME_METHOD', 'str', 'sudo'),
  DEFAULT_BECOME_USER: s('ANSIBLE_BECOME_USER', 'str', 'root'),
  DEFAULT_FORCE_HANDLERS: s('ANSIBLE_FORCE_HANDLERS', 'bool', false),
  DEFAULT_FORKS: s('ANSIBLE_FORKS', 'int', 5),
  DEFAULT_GATHERING: s('ANSIBLE_GATHERING', 'str', 'implicit'),
  DEFAULT_HASH_BEHAVIOUR: s('ANSIBLE_HASH_BEHAVIOUR', 'str', 'replace'),
  DEFAULT_JINJA2_NATIVE: s('ANSIBLE_JINJA2_NATIVE', 'bool', false),
  DEFAULT_KEEP_REMOTE_FILES: s('ANSIBLE_KEEP_REMOTE_FILES', 'bool', false),
  DEFAULT_LOCAL_TMP: s('ANSIBLE_LOCAL_TEMP', 'str', '~/.ansible/tmp'),
  DEFAULT_MANAGED_STR: s('ANSIBLE_MANAGED', 'str', 'Ansible managed'),
  DEFAULT_MODULE_NAME: s('ANSIBLE_MODULE_NAME', 'str', 'command'),
  DEFAULT_POLL_INTERVAL: s('ANSIBLE_POLL_INTERVAL', 'int', 15),
  DEFAULT_PRIVATE_KEY_FILE: s('ANSIBLE_PRIVATE_KEY_FILE', 'str', null),
  DEFAULT_PRIVATE_ROLE_VARS: s('ANSIBLE_PRIVATE_ROLE_VARS', 'bool', false),
  DEFAULT_REMOTE_PORT: s('ANSIBLE_REMOTE_PORT', 'int', null),
  DEFAULT_REMOTE_USER: s('ANSIBLE_REMOTE_USER', 'str', null),
  DEFAULT_ROLES_PATH: s('ANSIBLE_ROLES_PATH', 'path-list', ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles']),
  DEFAULT_STDOUT_CALLBACK: s('ANSIBLE_STDOUT_CALLBACK', 'str', 'default'),
  DEFAULT_TIMEOUT: s('ANSIBLE_TIMEOUT', 'int', 10),
  DEFAULT_TRANSPORT: s('ANSIBLE_TRANSPORT', 'str', 'smart'),
  DEFAULT_VAULT_PASSWORD_FILE: s('ANSIBLE_VAULT_PASSWORD_FILE', 'str', null),
  DEFAULT_VERBOSITY: s('ANSIBLE_VERBOSITY', 'int', 0),
  DISPLAY_SKIPPED_HOSTS: s('ANSIBLE_DISPLAY_SKIPPED_HOSTS', 'bool', true),
  ERROR_ON_MISSING_HANDLER: s('ANSIBLE_ERROR_ON_MISSING_HANDLER', 'bool', true),
  HOST_KEY_CHECKING: s('ANSIBLE_HOST_KEY_CHECKING', 'bool', true),
  RETRY_FILES_ENABLED: s('ANSIBLE_RETRY_FILES_ENABLED', 'bool', false),
};

interface PluginOption {
  vars: string[];
  env?: string;
  kind: Kind;
  dflt: unknown;
}

const PLUGINS: Record<string, Record<string, PluginOption>> = {
  'connection/ssh': {
    remote_user: { vars: ['ansible_user', 'ansible_ssh_user'], env: 'ANSIBLE_REMOTE_USER', kind: 'str', dflt: null },
    port: { vars: ['ansible_port', 'ansible_ssh_port'], env: 'ANSIBLE_REMOTE_PORT', kind: 'int', dflt: null },
    host: { vars: ['inventory_hostname', 'ansible_host', 'ansible_ssh_host'], kind: 'str', dflt: null },
    private_key_file: { vars: ['ansible_private_key_file', 'ansible_ssh_private_key_file'], env: 'ANSIBLE_PRIVATE_KEY_FILE', kind: 'str', dflt: null },
  },
  'shell/sh': {
    remote_tmp: { vars: ['ansible_remote_tmp'], env: 'ANSIBLE_REMOTE_TEMP', kind: 'str', dflt: '~/.ansible/tmp' },
  },
};

// Names in ansible-core's constants module that are not settings.
const NOT_SETTINGS = new Set(['ConfigManager', 'Sentinel', 'config', 'set_constant', 'ensure_type', 'to_text']);

function convert(v: unknown, kind: Kind): unknown {
  if (typeof v !== 'string') return v;
  switch (kind) {
    case 'bool':
      return isAnsibleTrue(v);
    case 'int':
      return Number.isNaN(Number(v)) ? v : Number(v);
    case 'list':
      return v.split(',').map((x) => x.trim()).filter(Boolean);
    case 'path-list':
      return v.split(':').filter(Boolean);
    default:
      return v;
  }
}

// The value of one plugin option: the host's variables (the last of its names set wins), then
// the environment, then the default.
function pluginOption(o: PluginOption, scope: Scope): unknown {
  for (const name of [...o.vars].reverse()) {
    const v = scope.get(name);
    if (!isUndefined(v) && v !== undefined) return convert(v, o.kind);
  }
  const e = o.env ? process.env[o.env] : undefined;
  return e !== undefined ? convert(e, o.kind) : o.dflt;
}

export function configLookup(terms: unknown[], kw: Record<string, unknown>, scope: Scope, warn: (msg: string) => void): unknown[] {
  const onMissing = kw['on_missing'] ?? 'error';
  if (!['error', 'warn', 'skip'].includes(String(onMissing))) {
    throw new LookupOptionsError(`Invalid value "${String(onMissing)}" for configuration option "plugin_type: lookup plugin: ansible_collections.ansible.builtin.plugins.lookup.config setting: on_missing ", valid values are: error, warn, skip`);
  }
  const pluginType = kw['plugin_type'];
  const pluginName = kw['plugin_name'];
  if ((pluginType === undefined) !== (pluginName === undefined)) throw new LookupOptionsError('Both plugin_type and plugin_name are required, cannot use one without the other');
  const out: unknown[] = [];
  for (const term of terms.flatMap((t) => (Array.isArray(t) ? t : [t]))) {
    if (typeof term !== 'string') throw new LookupOptionsError(`Invalid setting identifier, "${String(term)}" is not a string, its a <class '${typeof term === 'number' ? (Number.isInteger(term) ? 'int' : 'float') : typeof term}'>`);
    if (pluginType !== undefined) {
      const options = PLUGINS[`${String(pluginType)}/${String(pluginName)}`];
      if (!options) throw new LookupOptionsError(`Unable to load ${String(pluginType)} plugin "${String(pluginName)}"`);
      const o = options[term];
      if (o) out.push(pluginOption(o, scope));
      else missing(`Unable to find setting ${term} for ${String(pluginType)} plugin ${String(pluginName)}`, term);
      continue;
    }
    if (NOT_SETTINGS.has(term)) throw new LookupOptionsError(`Invalid setting "${term}" attempted`);
    const setting = SETTINGS[term];
    if (setting) {
      const e = process.env[setting.env];
      out.push(e !== undefined ? convert(e, setting.kind) : setting.dflt);
    } else {
      // ansible-core's message carries the AttributeError it came from, twice
      const why = `module 'ansible.constants' has no attribute '${term}'`;
      missing(`Unable to find setting ${term}. ${why}. ${why}`, term);
    }
  }
  return out;

  function missing(msg: string, term: string): void {
    if (onMissing === 'error') throw new LookupFailure(msg);
    if (onMissing === 'warn') warn(`Skipping, did not find setting ${term}`);
  }
}
