// Host addresses and host ranges, as ansible's parse_address() and expand_hostname_range():
// `web[1:3]`, `k8s[01:03]` (zero padded), `db-[a:c]`, `web[1:10:2]`, `name:port`, `[::1]:22`.
import { LIMITS, limit } from '../shared/limits.js';

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const W = String.raw`[\p{L}\p{N}_]`;
const LABEL = String.raw`(?:${W}|${ALNUM_RANGE})(?:${W}|[_-]|${ALNUM_RANGE})*(?<![_-])`;
const I4 = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
const I6 = String.raw`(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const V4IN6 = String.raw`(?:${I6}\.){3}${I6}`;
// ansible's ipv6 expression anchors only its first alternative with ^ and its last with $, and
// re.match() anchors at the start: so any alternative may match a prefix, except the last.
const IPV6_ALTS = [
  `(?:${I6}:){7}${I6}`, `(?:${I6}:){1,6}:`, `(?:${I6}:)(?::${I6}){1,6}`, `(?:${I6}:){2}(?::${I6}){1,5}`,
  `(?:${I6}:){3}(?::${I6}){1,4}`, `(?:${I6}:){4}(?::${I6}){1,3}`, `(?:${I6}:){5}(?::${I6}){1,2}`,
  `(?:${I6}:){6}(?::${I6})`, `:(?::${I6}){1,6}`, `${I6}?::`, `(?:0:){6}${V4IN6}`, `::(?:ffff:)?${V4IN6}`,
  `(?:0:){5}ffff:${V4IN6}$`,
];

const PATTERNS = {
  bracketedHostport: /^\[(.+)\]:([0-9]+)$/,
  hostport: /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/,
  ipv4: new RegExp(String.raw`^(?:${I4}\.){3}${I4}$`, 'i'),
  ipv6: new RegExp(`^(?:${IPV6_ALTS.join('|')})`, 'i'),
  hostname: new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu'),
};

// True for an IPv4 or IPv6 address (ansible's inventory_hostname_short rule).
export function isIpAddress(name: string): boolean {
  return PATTERNS.ipv4.test(name) || PATTERNS.ipv6.test(name);
}

// Splits `host:port` / `[host]:port`; undefined when it is not a valid host identifier.
export function parseAddress(address: string, allowRanges: boolean): { host: string; port?: number } | undefined {
  let port: number | undefined;
  for (const re of [PATTERNS.bracketedHostport, PATTERNS.hostport]) {
    const m = re.exec(address);
    if (m) {
      address = m[1] as string;
      port = Number(m[2]);
    }
  }
  if (![PATTERNS.ipv4, PATTERNS.ipv6, PATTERNS.hostname].some((re) => re.test(address))) return undefined;
  if (!allowRanges && address.includes('[')) return undefined;
  return port === undefined ? { host: address } : { host: address, port };
}

// Python's int() on a string: optional sign, digits with single underscores; undefined if invalid.
export function pyInt(s: string): number | undefined {
  const t = s.trim();
  if (!/^[-+]?[0-9](?:_?[0-9])*$/.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function pyRange(start: number, stop: number, step: number): number[] {
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > limit('hostRange')) throw new Error(`the range expands to ${count} hosts, more than the limit of ${limit('hostRange')} (raise it with ${LIMITS.hostRange.env}=N)`);
  const out: number[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  return out;
}

// Expands the first [a:b(:step)] range in a host name, recursively; throws on a bad range.
export function expandHostnameRange(line: string): string[] {
  const parts = line.replace('[', '|').replace(']', '|').split('|');
  if (parts.length !== 3) throw new Error(`not enough values to unpack (expected 3, got ${parts.length})`);
  const [head, nrange, tail] = parts as [string, string, string];
  const bounds = nrange.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error('host range must be begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1] as string;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new Error('host range must specify end value');
  let fill = (x: string | number): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    const rlen = beg.length;
    if (rlen !== end.length) throw new Error('host range must specify equal-length begin and end formats');
    fill = (x) => String(x).padStart(rlen, '0');
  }
  let seq: (string | number)[] | undefined;
  const iBeg = LETTERS.indexOf(beg);
  const iEnd = LETTERS.indexOf(end);
  const step = pyInt(stepText);
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new Error('host range must have begin <= end');
    if (step !== undefined && step !== 0) {
      seq = step > 0 ? [...LETTERS.slice(iBeg, iEnd + 1)].filter((_, i) => i % step === 0) : [];
    }
  }
  if (!seq) {
    const b = pyInt(beg);
    const e = pyInt(end);
    if (b === undefined || e === undefined || step === undefined) {
      const bad = [beg, end, stepText].find((x) => pyInt(x) === undefined) ?? '';
      throw new Error(`invalid literal for int() with base 10: '${bad}'`);
    }
    if (step === 0) throw new Error('range() arg 3 must not be zero');
    seq = pyRange(b, e + 1, step);
  }
  const out: string[] = [];
  for (const x of seq) {
    const name = `${head}${fill(x)}${tail}`;
    if (name.includes('[')) {
      for (const n of expandHostnameRange(name)) out.push(n);
    } else out.push(name);
    if (out.length > limit('hostRange')) throw new Error(`the host pattern expands to more than ${limit('hostRange')} hosts (raise it with ${LIMITS.hostRange.env}=N)`);
  }
  return out;
}

// A host key of an inventory (INI host line, YAML hosts key): the names it expands to and its port.
export function expandHostPattern(pattern: string): { hostnames: string[]; port?: number } {
  const parsed = parseAddress(pattern, true);
  const name = parsed ? parsed.host : pattern;
  const hostnames = name.includes('[') ? expandHostnameRange(name) : [name];
  return parsed?.port === undefined ? { hostnames } : { hostnames, port: parsed.port };
}
