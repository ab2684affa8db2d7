// Parses the OpenSSH command-line options operators put in ansible_ssh_common_args and
// ansible_ssh_extra_args (`-o Key=Value`, `-J`, `-i`, `-p`, `-l`, ...) into ordered settings.
// Anything tsplay cannot honour is reported by name, never silently dropped.
import { shlexSplit } from '../py/shlex.js';

/** One option as OpenSSH would see it: a lower-cased keyword and its value. */
export interface SshOption {
  key: string;
  value: string;
  /** how it was written, for error messages (`-o Ciphers=aes128-ctr`) */
  written: string;
}

// An option in ansible_ssh_*_args that cannot be parsed or honoured (named in the message).
export class SshArgsError extends Error {}

// Splits an argument string into words like Python's shlex.split, as ansible's ssh plugin does.
export function splitShellWords(s: string): string[] {
  try {
    return shlexSplit(s);
  } catch {
    throw new SshArgsError(`unbalanced quote in ssh arguments: ${s}`);
  }
}

// Splits `Key=Value` / `Key Value` (one word) into keyword and value.
function splitOption(word: string): [string, string] | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/s.exec(word);
  return m ? [(m[1] as string).toLowerCase(), (m[2] as string).trim()] : undefined;
}

const FLAG_OPTIONS: Record<string, string> = { '-J': 'proxyjump', '-i': 'identityfile', '-p': 'port', '-l': 'user' };
const NOOP_FLAGS = new Set(['-q', '-T', '-n', '-x', '-v', '-vv', '-vvv', '-t', '-tt', '-k', '-K']);

// Turns an argument string into ordered options; single-letter flags become keywords too.
export function parseSshArgs(text: string): SshOption[] {
  return parseSshWords(splitShellWords(text));
}

// The same for words already split (the inside of a ProxyCommand).
export function parseSshWords(words: string[]): SshOption[] {
  const out: SshOption[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const next = (): string => {
      const v = words[++i];
      if (v === undefined) throw new SshArgsError(`ssh option ${w} needs a value`);
      return v;
    };
    if (w === '-o' || (w.startsWith('-o') && w.length > 2)) {
      let body = w === '-o' ? next() : w.slice(2);
      if (!/[=\s]/.test(body.trim())) {
        const v = words[i + 1];
        if (v === undefined || v.startsWith('-')) throw new SshArgsError(`ssh option -o ${body} needs a value`);
        body = `${body}=${v}`;
        i++;
      }
      const kv = splitOption(body);
      if (!kv) throw new SshArgsError(`cannot parse ssh option -o ${body}`);
      out.push({ key: kv[0], value: kv[1], written: `-o ${body}` });
      continue;
    }
    const flag = w.slice(0, 2);
    const keyword = FLAG_OPTIONS[flag];
    if (keyword) {
      const value = w.length > 2 ? w.slice(2) : next();
      out.push({ key: keyword, value, written: `${flag} ${value}` });
    } else if (w === '-F') {
      const f = next();
      out.push({ key: 'configfile', value: f, written: `-F ${f}` });
    } else if (w === '-C') out.push({ key: 'compression', value: 'yes', written: w });
    else if (w === '-A') out.push({ key: 'forwardagent', value: 'yes', written: w });
    else if (w === '-a') out.push({ key: 'forwardagent', value: 'no', written: w });
    else if (w === '-4' || w === '-6') out.push({ key: 'addressfamily', value: w === '-4' ? 'inet' : 'inet6', written: w });
    else if (NOOP_FLAGS.has(w)) continue;
    else throw new SshArgsError(`ssh option ${w} is not supported by tsplay's ssh transport`);
  }
  return out;
}

// Reads an OpenSSH yes/no value; throws naming the option otherwise.
export function yesNo(o: SshOption): boolean {
  const v = o.value.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw new SshArgsError(`ssh option ${o.written}: expected yes or no`);
}

// Reads a whole number of seconds (ConnectTimeout, ServerAliveInterval, ...).
export function seconds(o: SshOption): number {
  if (!/^\d+$/.test(o.value)) throw new SshArgsError(`ssh option ${o.written}: expected a number of seconds`);
  return Number(o.value);
}

// Parses an ansible-style boolean (host_key_checking=False, ANSIBLE_HOST_KEY_CHECKING=0).
export function ansibleBool(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(s)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(s)) return false;
  return undefined;
}
