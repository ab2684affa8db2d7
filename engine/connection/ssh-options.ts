// Resolves a host's ssh settings from its ConnectionSpec the way ansible + OpenSSH would:
// ansible's own options first (host_key_checking, ansible_port, key file, user), then the
// operator's ansible_ssh_common_args/extra_args, then ~/.ssh/config; for each keyword the first
// value wins.
import { userInfo } from 'node:os';
import { expandHome, sshConfigOptions } from './ssh-config.js';
import { ansibleBool, parseSshArgs, seconds, SshArgsError, yesNo, type SshOption } from './ssh-args.js';
import { parseProxyCommand, parseProxyJump, type JumpHop } from './ssh-proxy.js';
import type { ConnectionSpec } from './types.js';

/** yes: refuse unknown keys; accept-new: record unknown keys; no: accept and record; off: no checks at all */
export type StrictMode = 'yes' | 'accept-new' | 'no' | 'off';

// How a hop's host key is checked and where known keys are read and recorded.
export interface HostKeyPolicy {
  strict: StrictMode;
  /** UserKnownHostsFile (new keys are appended to the first) */
  userFiles: string[];
  globalFiles: string[];
  hash: boolean;
}

/** Where and how to log in on one machine (the target or a jump host). */
export interface HopSettings {
  address: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  hostKeys: HostKeyPolicy;
  connectTimeoutMs: number;
}

// Everything the transport needs for a host: the target hop, its jumps, auth and keepalives.
export interface SshSettings extends HopSettings {
  name: string;
  password?: string;
  jumps: HopSettings[];
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  compress: boolean;
  agentForward: boolean;
  family?: 4 | 6;
  agentSocket?: string;
  /** PreferredAuthentications, lower-cased, when given */
  preferred?: string[];
  passwordAuth: boolean;
  pubkeyAuth: boolean;
  kbdAuth: boolean;
  connectionAttempts: number;
}

// Options that need no action: tsplay already behaves as they ask (one persistent
// connection, never prompts, no X11/tty) or they only affect OpenSSH's own logging.
const NO_EFFECT = new Set([
  'controlmaster', 'controlpersist', 'controlpath', 'batchmode', 'loglevel', 'checkhostip', 'tcpkeepalive',
  'visualhostkey', 'updatehostkeys', 'addkeystoagent', 'gssapiauthentication', 'gssapidelegatecredentials',
  'forwardx11', 'forwardx11trusted', 'requesttty', 'ipqos', 'numberofpasswordprompts',
  'verifyhostkeydns', 'hostbasedauthentication', 'clearallforwardings', 'exitonforwardfailure',
]);

export { expandHome };

function localUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env['USER'] ?? env['LOGNAME'] ?? 'root';
  }
}

const CHECKING_OFF = 'host_key_checking=False';

function strictMode(o: SshOption): StrictMode {
  if (o.written === CHECKING_OFF) return 'off';
  const v = o.value.toLowerCase();
  if (v === 'yes' || v === 'ask' || v === 'true') return 'yes';
  if (v === 'accept-new') return 'accept-new';
  if (v === 'no' || v === 'off' || v === 'false') return 'no';
  throw new SshArgsError(`ssh option ${o.written}: expected yes, accept-new or no`);
}

interface Collected {
  first: Map<string, SshOption>;
  identityFiles: string[];
  jumps?: JumpHop[];
}

// Keeps the first value of each keyword (OpenSSH rule); IdentityFile accumulates.
function collect(options: SshOption[], env: NodeJS.ProcessEnv): Collected {
  const c: Collected = { first: new Map(), identityFiles: [] };
  for (const o of options) {
    if (o.key === 'identityfile') {
      c.identityFiles.push(expandHome(o.value, env));
      continue;
    }
    if ((o.key === 'proxyjump' || o.key === 'proxycommand') && c.jumps === undefined) {
      c.jumps = o.key === 'proxyjump' ? parseProxyJump(o.value) : parseProxyCommand(o.value);
      continue;
    }
    if (!c.first.has(o.key)) c.first.set(o.key, o);
  }
  return c;
}

// Validates every keyword, so an unsupported option is an error even when shadowed.
function checkSupported(options: SshOption[]): void {
  const known = new Set(['configfile', 'identityfile', 'proxyjump', 'proxycommand', 'userknownhostsfile', 'globalknownhostsfile', 'stricthostkeychecking', 'identitiesonly', 'connecttimeout', 'serveraliveinterval', 'serveralivecountmax', 'port', 'user', 'hostname', 'compression', 'forwardagent', 'addressfamily', 'hashknownhosts', 'passwordauthentication', 'pubkeyauthentication', 'kbdinteractiveauthentication', 'challengeresponseauthentication', 'preferredauthentications', 'identityagent', 'connectionattempts']);
  for (const o of options) {
    if (!known.has(o.key) && !NO_EFFECT.has(o.key)) throw new SshArgsError(`ssh option ${o.written} is not supported by tsplay's ssh transport`);
  }
}

function files(o: SshOption | undefined, env: NodeJS.ProcessEnv, dflt: string[]): string[] {
  if (!o) return dflt.map((f) => expandHome(f, env));
  if (o.value.toLowerCase() === 'none') return [];
  return o.value.split(/\s+/).filter(Boolean).map((f) => expandHome(f, env));
}

// Builds the settings for one hop from collected options (hop options shadow `base`).
function hopSettings(c: Collected, base: Collected | undefined, env: NodeJS.ProcessEnv, defaults: { address: string; port: number; user: string }): HopSettings {
  const get = (k: string) => c.first.get(k) ?? base?.first.get(k);
  const port = get('port');
  if (port && !/^\d+$/.test(port.value)) throw new SshArgsError(`ssh option ${port.written}: bad port`);
  const checking = get('stricthostkeychecking');
  const timeout = get('connecttimeout');
  return {
    address: get('hostname')?.value ?? defaults.address,
    port: port ? Number(port.value) : defaults.port,
    user: get('user')?.value ?? defaults.user,
    identityFiles: [...c.identityFiles, ...(base?.identityFiles ?? [])],
    identitiesOnly: get('identitiesonly') ? yesNo(get('identitiesonly') as SshOption) : false,
    hostKeys: {
      strict: checking ? strictMode(checking) : 'yes',
      userFiles: files(get('userknownhostsfile'), env, ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']),
      globalFiles: files(get('globalknownhostsfile'), env, ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']),
      hash: get('hashknownhosts') ? yesNo(get('hashknownhosts') as SshOption) : false,
    },
    connectTimeoutMs: timeout ? Math.max(1, seconds(timeout)) * 1000 : 10_000,
  };
}

// The options ansible itself passes before the operator's, as `-o` options.
function ansibleOptions(spec: ConnectionSpec, env: NodeJS.ProcessEnv): SshOption[] {
  const out: SshOption[] = [];
  const opt = (key: string, value: string, written: string) => out.push({ key, value, written });
  // ansible's precedence: the host variable, then ANSIBLE_HOST_KEY_CHECKING, then ansible.cfg
  const checking = ansibleBool(spec.vars['ansible_host_key_checking'] ?? spec.vars['ansible_ssh_host_key_checking']) ?? ansibleBool(env['ANSIBLE_HOST_KEY_CHECKING']) ?? spec.hostKeyChecking;
  if (checking === false) opt('stricthostkeychecking', 'no', CHECKING_OFF);
  if (spec.vars['ansible_port'] !== undefined || spec.vars['ansible_ssh_port'] !== undefined) opt('port', String(spec.port), 'ansible_port');
  if (spec.privateKeyFile) opt('identityfile', spec.privateKeyFile, 'ansible_ssh_private_key_file');
  if (spec.user) opt('user', spec.user, 'ansible_user');
  if (spec.connectTimeoutMs) opt('connecttimeout', String(Math.ceil(spec.connectTimeoutMs / 1000)), '--timeout');
  return out;
}

// Resolves everything the transport needs; throws SshArgsError naming a bad option.
export function resolveSshSettings(spec: ConnectionSpec, env: NodeJS.ProcessEnv = process.env): SshSettings {
  const operator = spec.sshArgs ? parseSshArgs(spec.sshArgs) : [];
  checkSupported(operator);
  // the user's ssh config comes after the command line (-F FILE names another one, -F none none)
  const configFile = operator.find((o) => o.key === 'configfile')?.value ?? '~/.ssh/config';
  const config = (host: string) => (configFile === 'none' || configFile === '/dev/null' ? [] : sshConfigOptions(host, env, configFile));
  const given = [...ansibleOptions(spec, env), ...operator];
  const c = collect([...given, ...config(spec.address)], env);
  // what jump hosts share with the target: ansible's and the operator's options, not the target's config section
  const g = collect(given, env);
  const me = localUser(env);
  const target = hopSettings(c, undefined, env, { address: spec.address, port: spec.port, user: me });
  const jumps = (c.jumps ?? []).map((hop) => {
    checkSupported(hop.options);
    // user@ and :port of the jump are its command line, before its config section
    const cmdline: SshOption[] = [...(hop.user ? [{ key: 'user', value: hop.user, written: `${hop.user}@${hop.address}` }] : []), ...(hop.port ? [{ key: 'port', value: String(hop.port), written: `${hop.address}:${hop.port}` }] : [])];
    const hc = collect([...cmdline, ...hop.options, ...config(hop.address)], env);
    const shared: Collected = { first: new Map([...g.first].filter(([k]) => !['port', 'user', 'hostname'].includes(k))), identityFiles: g.identityFiles };
    return hopSettings(hc, shared, env, { address: hop.address, port: hop.port ?? 22, user: hop.user ?? me });
  });
  const get = (k: string) => c.first.get(k);
  const flag = (k: string, dflt: boolean) => (get(k) ? yesNo(get(k) as SshOption) : dflt);
  const family = get('addressfamily')?.value.toLowerCase();
  const agent = get('identityagent')?.value;
  const s: SshSettings = {
    ...target,
    name: spec.name,
    jumps,
    keepaliveIntervalMs: get('serveraliveinterval') ? seconds(get('serveraliveinterval') as SshOption) * 1000 : 15_000,
    keepaliveCountMax: get('serveralivecountmax') ? seconds(get('serveralivecountmax') as SshOption) : 3,
    compress: flag('compression', false),
    agentForward: flag('forwardagent', false),
    passwordAuth: flag('passwordauthentication', true),
    pubkeyAuth: flag('pubkeyauthentication', true),
    kbdAuth: flag('kbdinteractiveauthentication', flag('challengeresponseauthentication', true)),
    connectionAttempts: get('connectionattempts') ? Math.min(10, Math.max(1, seconds(get('connectionattempts') as SshOption))) : 1,
  };
  if (family === 'inet') s.family = 4;
  else if (family === 'inet6') s.family = 6;
  const sock = agent === undefined ? env['SSH_AUTH_SOCK'] : agent.toLowerCase() === 'none' ? undefined : agent === 'SSH_AUTH_SOCK' ? env['SSH_AUTH_SOCK'] : expandHome(agent, env);
  if (sock) s.agentSocket = sock;
  if (get('preferredauthentications')) s.preferred = (get('preferredauthentications') as SshOption).value.toLowerCase().split(',');
  if (spec.password) s.password = spec.password;
  return s;
}
