// A node's iptables nat table as `iptables -t nat -S` prints it: kube-proxy's KUBE-* chains, built from
// the Services and EndpointSlices the way kube-proxy's iptables mode names and fills them, and Calico's
// cali- chains. After a reboot under calico-/kube-proxy-nat-missing-after-reboot a set is missing.
import { createHash } from 'node:crypto';
import type { NodeSim } from './node.js';
import type { LabSim } from './sim.js';

const POD_CIDR = '10.1.0.0/16';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + B32[(value << (5 - bits)) & 31] : out;
}

// kube-proxy's chain suffix: the first 16 base32 characters of sha256(text).
export function chainHash(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

// How iptables-save prints a statistic probability (kept as a fraction of 2^31).
function probability(n: number): string {
  return (Math.round(0x80000000 / n) / 0x80000000).toFixed(11);
}

interface SvcPort { name?: string; port: number; protocol?: string }
interface SlicePort { name?: string; port?: number }
interface Endpoint { addresses?: string[]; conditions?: { ready?: boolean } }

// kube-proxy's chains and rules for every Service port with ready endpoints.
function serviceRules(sim: LabSim): { chains: string[]; rules: string[] } {
  const chains: string[] = [];
  const services: string[] = [];
  const rules: string[] = [];
  for (const svc of sim.store.list('services')) {
    const ns = svc.metadata.namespace ?? 'default';
    const name = svc.metadata.name ?? '';
    const ip = svc.spec?.clusterIP as string | undefined;
    if (!ip || ip === 'None') continue;
    const slices = sim.store.list('endpointslices', { namespace: ns, labelSelector: `kubernetes.io/service-name=${name}` });
    for (const p of (svc.spec?.ports ?? []) as SvcPort[]) {
      const spn = `${ns}/${name}${p.name ? `:${p.name}` : ''}`;
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      const eps = new Set<string>();
      for (const s of slices) {
        const port = ((s['ports'] ?? []) as SlicePort[]).find((x) => (x.name ?? '') === (p.name ?? ''))?.port;
        for (const e of (s['endpoints'] ?? []) as Endpoint[]) if (port !== undefined && e.conditions?.ready !== false && e.addresses?.[0]) eps.add(`${e.addresses[0]}:${port}`);
      }
      if (eps.size === 0) continue;
      const svcChain = `KUBE-SVC-${chainHash(spn + proto)}`;
      const match = `-p ${proto} -m comment --comment "${spn} cluster IP" -m ${proto} --dport ${p.port}`;
      chains.push(svcChain);
      services.push(`-A KUBE-SERVICES -d ${ip}/32 ${match} -j ${svcChain}`);
      rules.push(`-A ${svcChain} ! -s ${POD_CIDR} -d ${ip}/32 ${match} -j KUBE-MARK-MASQ`);
      const list = [...eps].sort();
      list.forEach((ep, i) => {
        const sep = `KUBE-SEP-${chainHash(spn + proto + ep)}`;
        const stat = i < list.length - 1 ? ` -m statistic --mode random --probability ${probability(list.length - i)}` : '';
        chains.push(sep);
        rules.push(`-A ${svcChain} -m comment --comment "${spn} -> ${ep}"${stat} -j ${sep}`);
        rules.push(`-A ${sep} -s ${ep.split(':')[0]}/32 -m comment --comment "${spn}" -j KUBE-MARK-MASQ`, `-A ${sep} -p ${proto} -m comment --comment "${spn}" -m ${proto} -j DNAT --to-destination ${ep}`);
      });
    }
  }
  const nodeports = '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS';
  return { chains, rules: [...services, nodeports, ...rules] };
}

const CALICO_CHAINS = ['cali-OUTPUT', 'cali-POSTROUTING', 'cali-PREROUTING', 'cali-fip-dnat', 'cali-fip-snat', 'cali-nat-outgoing'];
const CALICO_RULES = [
  '-A cali-OUTPUT -m comment --comment "cali:GBTAv2p5CwevEyJm" -j cali-fip-dnat',
  '-A cali-POSTROUTING -m comment --comment "cali:Z-c7XtVd2Bq7s_hA" -j cali-fip-snat',
  '-A cali-POSTROUTING -m comment --comment "cali:nYKhEzDlr11Jccal" -j cali-nat-outgoing',
  '-A cali-POSTROUTING -o vxlan.calico -m comment --comment "cali:e9dnSgSVNmIcpVhP" -m addrtype ! --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL -j MASQUERADE --random-fully',
  '-A cali-PREROUTING -m comment --comment "cali:r6XmIziWUJsdOK6Z" -j cali-fip-dnat',
  '-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully',
];
const KUBE_FIXED_RULES = [
  '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
  '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
  '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
  '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
];
const BUILTIN = ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'];

// The nat table of a node in `iptables -S` order: policies, user chains (sorted), then each chain's rules.
export function natRules(sim: LabSim, node: NodeSim): string[] {
  const calico = !node.natMissing;
  const proxy = !node.kubeProxyNatMissing;
  const kube = proxy ? serviceRules(sim) : { chains: [], rules: [] };
  const chains = ['KUBE-KUBELET-CANARY', ...(proxy ? ['KUBE-MARK-MASQ', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-PROXY-CANARY', 'KUBE-SERVICES', ...kube.chains] : []), ...(calico ? CALICO_CHAINS : [])];
  const builtins = [
    ...(calico ? ['-A PREROUTING -m comment --comment "cali:6gwbT8clXdHdC1b1" -j cali-PREROUTING'] : []),
    ...(proxy ? ['-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'] : []),
    ...(calico ? ['-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT'] : []),
    ...(proxy ? ['-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'] : []),
    ...(calico ? ['-A POSTROUTING -m comment --comment "cali:O3lYWMrLQYEMJtB5" -j cali-POSTROUTING'] : []),
    ...(proxy ? ['-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING'] : []),
  ];
  const rules = [...(proxy ? [...KUBE_FIXED_RULES, ...kube.rules] : []), ...(calico ? CALICO_RULES : [])];
  const sorted = [...new Set(chains)].sort();
  const byChain = (c: string) => rules.filter((r) => r.split(' ')[1] === c);
  return [...BUILTIN.map((c) => `-P ${c} ACCEPT`), ...sorted.map((c) => `-N ${c}`), ...builtins, ...sorted.flatMap(byChain)];
}
