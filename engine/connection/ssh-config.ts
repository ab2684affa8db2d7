// OpenSSH client configuration (~/.ssh/config, or the file of `-F`): the options of the `Host`
// sections matching the name ssh is given, in file order, as OpenSSH reads them after the command
// line's (so for each keyword the command line and ansible's own options win). Only the keywords
// tsplay's transport uses are taken; others (and `Match` sections) are left out.
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import type { SshOption } from './ssh-args.js';

const USED = new Set([
  'hostname', 'user', 'port', 'identityfile', 'identitiesonly', 'proxyjump', 'proxycommand', 'userknownhostsfile',
  'globalknownhostsfile', 'stricthostkeychecking', 'connecttimeout', 'serveraliveinterval', 'serveralivecountmax',
  'compression', 'forwardagent', 'addressfamily', 'hashknownhosts', 'passwordauthentication', 'pubkeyauthentication',
  'kbdinteractiveauthentication', 'preferredauthentications', 'identityagent', 'connectionattempts',
]);

// Expands a leading ~ the way ssh does for file options.
export function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  const home = env['HOME'] || homedir();
  return p === '~' ? home : p.startsWith('~/') ? home + p.slice(1) : p;
}

// OpenSSH's Host pattern match: `*` and `?` wildcards, `!` negates (a negated match excludes).
export function hostMatches(patterns: string[], host: string): boolean {
  let hit = false;
  for (const p of patterns) {
    const neg = p.startsWith('!');
    const re = new RegExp(`^${(neg ? p.slice(1) : p).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    if (re.test(host)) {
      if (neg) return false;
      hit = true;
    }
  }
  return hit;
}

// Splits a config line into its keyword and value (`Key value`, `Key=value`, quotes removed).
function splitLine(line: string): [string, string] | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(line);
  if (!m) return undefined;
  const v = (m[2] as string).replace(/^"(.*)"$/, '$1');
  return [(m[1] as string).toLowerCase(), v];
}

// Expands the %-tokens OpenSSH allows in these values (%h host, %p port, %r remote user, %u local
// user, %d home, %%).
function tokens(v: string, host: string, env: NodeJS.ProcessEnv): string {
  let local = env['USER'] ?? 'root';
  try {
    local = userInfo().username;
  } catch {
    /* keep $USER */
  }
  return v.replace(/%([hdu%])/g, (_, t: string) => (t === 'h' ? host : t === 'd' ? (env['HOME'] ?? '') : t === 'u' ? local : '%'));
}

// The options a config file gives for `host`; none when the file does not exist.
export function sshConfigOptions(host: string, env: NodeJS.ProcessEnv, file = '~/.ssh/config'): SshOption[] {
  const path = expandHome(file, env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: SshOption[] = [];
  let active = true;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const kv = splitLine(line);
    if (!kv) return;
    const [key, value] = kv;
    if (key === 'host') {
      active = hostMatches(value.split(/\s+/).filter(Boolean), host);
      return;
    }
    if (key === 'match') {
      active = /^all$/i.test(value.trim());
      return;
    }
    if (!active || !USED.has(key)) return;
    const v = key === 'proxycommand' ? value : tokens(value, host, env);
    out.push({ key, value: v, written: `${path}:${i + 1}: ${line.trim()}` });
  });
  return out;
}
