// ansible.utils' IP address filters (ipaddr and its queries, ipv4, ipv6, ipwrap, ipmath, ipsubnet,
// nthhost, next/previous_nth_usable, network_in_usable, network_in_network) on ipaddr.js, the
// maintained npm IP address parser; also under the ansible.utils. and ansible.netcommon. names.
import { createRequire } from 'node:module';
import type IpAddr from 'ipaddr.js';
import { ExprRuntimeError } from './errors.js';
import { registerFilter, type FilterFn } from './registry.js';
import { toPyStr } from './python-values.js';

let ipaddrLib: typeof IpAddr | undefined;
// ipaddr.js, loaded on first use: most runs call no ip filter, and every CLI start would pay for it.
const ipaddr = (): typeof IpAddr => (ipaddrLib ??= createRequire(import.meta.url)('ipaddr.js') as typeof IpAddr);

/** an address with its prefix (a bare address has the full prefix) */
interface Net {
  version: 4 | 6;
  ip: bigint;
  prefix: number;
  bare: boolean;
}

const bits = (v: 4 | 6) => (v === 4 ? 32 : 128);

// Parses "addr", "addr/prefix" or "addr/netmask"; undefined when it is not an address.
export function parseNet(value: unknown): Net | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const s = String(value).trim();
  const [addr = '', pre] = s.split('/');
  if (!ipaddr().isValid(addr) || s.split('/').length > 2) return undefined;
  const a = ipaddr().parse(addr);
  const version = a.kind() === 'ipv4' ? 4 : 6;
  let prefix = bits(version);
  if (pre !== undefined) {
    if (/^\d+$/.test(pre)) prefix = Number(pre);
    else if (version === 4 && ipaddr().IPv4.isValid(pre)) {
      const p = ipaddr().IPv4.parse(pre).prefixLengthFromSubnetMask();
      if (p === null) return undefined;
      prefix = p;
    } else return undefined;
    if (prefix > bits(version)) return undefined;
  }
  const ip = a.toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n);
  return { version, ip, prefix, bare: pre === undefined };
}

function text(version: 4 | 6, ip: bigint): string {
  const n = version === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = n - 1; i >= 0; i--) bytes.push(Number((ip >> BigInt(i * 8)) & 0xffn));
  return ipaddr().fromByteArray(bytes).toString();
}

const mask = (n: Net) => ((1n << BigInt(bits(n.version))) - 1n) ^ ((1n << BigInt(bits(n.version) - n.prefix)) - 1n);
const network = (n: Net) => n.ip & mask(n);
const size = (n: Net) => 1n << BigInt(bits(n.version) - n.prefix);
const broadcast = (n: Net) => network(n) + size(n) - 1n;
const withPrefix = (n: Net, ip: bigint) => `${text(n.version, ip)}/${n.prefix}`;
const isNetwork = (n: Net) => size(n) > 1n && n.ip === network(n);

// The first and last usable host of a network (all of a /31, /32, /127, /128).
function usable(n: Net): [bigint, bigint] {
  if (n.version === 4 && size(n) > 2n) return [network(n) + 1n, broadcast(n) - 1n];
  return [network(n), broadcast(n)];
}

function isPrivate(n: Net): boolean {
  const range = ipaddr().parse(text(n.version, n.ip)).range();
  return ['private', 'uniqueLocal', 'loopback', 'linkLocal', 'carrierGradeNat'].includes(range);
}

// The answer of one ipaddr query for one value (false/undefined drops it), as ansible.utils answers.
function query(n: Net, q: string, original: string): unknown {
  const plain = original.trim();
  switch (q) {
    case '':
      return plain;
    case 'address':
      return size(n) === 1n || n.ip !== network(n) ? text(n.version, n.ip) : null;
    case 'host':
      return size(n) === 1n || n.ip !== network(n) ? withPrefix(n, n.ip) : null;
    case 'network':
      return text(n.version, network(n));
    case 'net':
      return isNetwork(n) ? withPrefix(n, network(n)) : null;
    case 'cidr':
      return withPrefix(n, n.ip);
    case 'subnet':
      return withPrefix(n, network(n));
    case 'netmask':
      return text(n.version, mask(n));
    case 'hostmask':
      return text(n.version, mask(n) ^ ((1n << BigInt(bits(n.version))) - 1n));
    case 'prefix':
      return n.prefix;
    case 'broadcast':
      return n.version === 4 && size(n) > 1n ? text(4, broadcast(n)) : null;
    case 'size':
      return Number(size(n));
    case 'version':
      return n.version;
    case 'ipv4':
      return n.version === 4 ? plain : false;
    case 'ipv6':
      return n.version === 6 ? plain : false;
    case 'private':
      return isPrivate(n) ? plain : false;
    case 'public':
      return isPrivate(n) ? false : plain;
    case 'wrap':
    case 'ipwrap':
      return n.version === 6 ? (n.bare ? `[${plain}]` : `[${text(6, n.ip)}]/${n.prefix}`) : plain;
    case 'first_usable':
      return size(n) > 1n ? text(n.version, usable(n)[0]) : false;
    case 'last_usable':
      return size(n) > 1n ? text(n.version, usable(n)[1]) : false;
    case 'range_usable':
      return size(n) > 1n ? `${text(n.version, usable(n)[0])}-${text(n.version, usable(n)[1])}` : false;
    case 'int':
      return n.bare ? Number(n.ip) : `${n.ip}/${n.prefix}`;
    case 'revdns':
      return `${ipaddr().parse(text(n.version, n.ip)).toByteArray().reverse().join('.')}.in-addr.arpa.`;
    default:
      if (/^-?\d+$/.test(q)) {
        const i = BigInt(q);
        const at = i >= 0n ? network(n) + i : broadcast(n) + i + 1n;
        return at >= network(n) && at <= broadcast(n) ? withPrefix(n, at) : false;
      }
      throw new ExprRuntimeError(`You must pass a valid query to ipaddr: ${q} is not`);
  }
}

// ipaddr on one value or on each value of a list (falsy answers dropped from lists).
function ipFilter(value: unknown, q: string, version?: 4 | 6): unknown {
  const one = (v: unknown): unknown => {
    if (v === true || v === false || v === null || v === undefined) return false;
    const n = parseNet(v);
    if (!n || (version !== undefined && n.version !== version)) return false;
    return query(n, q, toPyStr(v));
  };
  if (Array.isArray(value)) return value.map(one).filter((x) => x !== false && x !== undefined && x !== null);
  return one(value);
}

const queryArg = (args: unknown[]): string => (args[0] === undefined || args[0] === null ? '' : toPyStr(args[0]));

const FILTERS: Record<string, FilterFn> = {
  ipaddr: (v, a) => ipFilter(v, queryArg(a)),
  ipv4: (v, a) => ipFilter(v, queryArg(a), 4),
  ipv6: (v, a) => ipFilter(v, queryArg(a), 6),
  ipwrap: (v) => (Array.isArray(v) ? v.map((x) => (parseNet(x) ? ipFilter(x, 'wrap') : x)) : parseNet(v) ? ipFilter(v, 'wrap') : v),
  ipmath: (v, a) => {
    const n = parseNet(v);
    if (!n) throw new ExprRuntimeError(`You must pass a valid IP address; ${toPyStr(v)} is invalid`);
    const r = n.ip + BigInt(Number(a[0] ?? 0));
    if (r < 0n || r >= 1n << BigInt(bits(n.version))) throw new ExprRuntimeError('the result is out of range');
    return text(n.version, r);
  },
  ipsubnet: (v, a) => {
    const n = parseNet(v);
    if (!n) return false;
    if (a[0] === undefined) return withPrefix(n, network(n));
    const p = Number(a[0]);
    if (!Number.isInteger(p) || p < n.prefix || p > bits(n.version)) return false;
    const count = 1n << BigInt(p - n.prefix);
    if (a[1] === undefined) return String(count);
    let i = BigInt(Number(a[1]));
    if (i < 0n) i += count;
    if (i < 0n || i >= count) return false;
    return `${text(n.version, network(n) + i * (1n << BigInt(bits(n.version) - p)))}/${p}`;
  },
  nthhost: (v, a) => {
    const n = parseNet(v);
    const r = n ? query(n, String(a[0] ?? 0), toPyStr(v)) : false;
    return typeof r === 'string' ? r.split('/')[0] : false;
  },
  next_nth_usable: (v, a) => nthUsable(v, Number(a[0] ?? 1)),
  previous_nth_usable: (v, a) => nthUsable(v, -Number(a[0] ?? 1)),
  network_in_usable: (v, a) => {
    const n = parseNet(v);
    const t = parseNet(a[0]);
    if (!n || !t) return false;
    const [first, last] = usable(n);
    return t.version === n.version && network(t) >= first && broadcast(t) <= last;
  },
  network_in_network: (v, a) => {
    const n = parseNet(v);
    const t = parseNet(a[0]);
    return Boolean(n && t && t.version === n.version && network(t) >= network(n) && broadcast(t) <= broadcast(n));
  },
};

// The address n usable hosts after (or before) the given one within its network.
function nthUsable(v: unknown, step: number): unknown {
  const n = parseNet(v);
  if (!n || size(n) === 1n) return false;
  const [first, last] = usable(n);
  const r = n.ip + BigInt(step);
  return r >= first && r <= last ? text(n.version, r) : null;
}

for (const [name, fn] of Object.entries(FILTERS)) {
  for (const prefix of ['', 'ansible.utils.', 'ansible.netcommon.']) registerFilter(`${prefix}${name}`, fn);
}
