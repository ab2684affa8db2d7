// The simulated power commands (reboot, shutdown), iptables (the nat table of iptables-nat.ts:
// kube-proxy's and Calico's chains) and the SysV `service` wrapper.
import { natRules } from '../iptables-nat.js';
import { rebootNode } from '../lifecycle.js';
import type { NodeSim } from '../node.js';
import { systemctl } from './systemctl.js';
import { fail, ok, text, systemdTime, type ToolFn } from './util.js';

const DENIED = 'Failed to set wall message, ignoring: Interactive authentication required.\nCall to Reboot failed: Interactive authentication required.';
const scheduled = new WeakMap<NodeSim, NodeJS.Timeout>();

// reboot [-f]: needs root; the node goes down shortly after the command returns.
export const reboot: ToolFn = (sim, node, call) => {
  if (!call.root) return fail(1, DENIED);
  if (call.tool === 'poweroff' || call.tool === 'halt') return fail(1, `lab: ${call.tool} is not simulated (the node would never come back); use reboot`);
  rebootNode(sim, node);
  return ok();
};

// shutdown -r [now|+N|0] [MESSAGE], shutdown -c; power-off forms are refused.
export const shutdown: ToolFn = (sim, node, call) => {
  if (!call.root) return fail(1, DENIED);
  const flags = call.args.filter((a) => a.startsWith('-'));
  const pos = call.args.filter((a) => !a.startsWith('-'));
  if (flags.includes('-c')) {
    const t = scheduled.get(node);
    if (t) clearTimeout(t);
    scheduled.delete(node);
    return ok();
  }
  if (!flags.some((f) => f === '-r' || f === '--reboot' || /^-[a-zA-Z]*r/.test(f))) return fail(1, 'lab: shutdown without -r (power off) is not simulated; use shutdown -r');
  const when = pos[0] ?? '+1';
  const m = /^\+?(\d+)$/.exec(when);
  const minutes = when === 'now' ? 0 : m ? Number(m[1]) : NaN;
  if (Number.isNaN(minutes)) return fail(1, `Failed to parse time specification: ${when}`);
  if (minutes === 0) {
    rebootNode(sim, node);
    return ok();
  }
  const at = Date.now() + minutes * 60_000;
  const t = setTimeout(() => rebootNode(sim, node), minutes * 60_000);
  t.unref();
  scheduled.set(node, t);
  return ok('', `Reboot scheduled for ${systemdTime(at)}, use 'shutdown -c' to cancel.\n`);
};

function filterRules(): string[] {
  return ['-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT', '-N KUBE-FIREWALL', '-N cali-FORWARD', '-N cali-INPUT', '-N cali-OUTPUT', '-A INPUT -m comment --comment "cali:Cz_u1IQiXIMmKD4c" -j cali-INPUT', '-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD', '-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT', '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'];
}

// iptables [-w] [-t TABLE] -S [CHAIN] | -L [CHAIN] [-n] [-v]; changes are accepted and ignored.
export const iptables: ToolFn = (sim, node, call) => {
  const args = call.args;
  if (args.includes('--version') || args.includes('-V')) return ok('iptables v1.8.10 (nf_tables)\n');
  if (!call.root) return fail(4, 'iptables v1.8.10 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)');
  const t = args.findIndex((a) => a === '-t' || a === '--table');
  const table = t >= 0 ? (args[t + 1] ?? 'filter') : 'filter';
  const rules = table === 'nat' ? natRules(sim, node) : table === 'filter' ? filterRules() : ['-P PREROUTING ACCEPT', '-P OUTPUT ACCEPT'];
  const listIdx = args.findIndex((a) => a === '-S' || a === '--list-rules' || a === '-L' || a === '--list');
  if (listIdx < 0) return ok();
  const chain = args[listIdx + 1] && !args[listIdx + 1]?.startsWith('-') ? args[listIdx + 1] : undefined;
  const mine = chain ? rules.filter((r) => r.split(' ')[1] === chain) : rules;
  if (chain && mine.length === 0) return fail(1, `iptables v1.8.10 (nf_tables): chain \`${chain}' in table \`${table}' is incompatible, use 'nft' tool.`);
  if (args[listIdx] === '-S' || args[listIdx] === '--list-rules') return ok(text(mine));
  const chains = [...new Set(mine.filter((r) => r.startsWith('-P ') || r.startsWith('-N ')).map((r) => r.split(' ')[1] as string))];
  const out: string[] = [];
  for (const c of chains) {
    const policy = mine.find((r) => r.startsWith(`-P ${c} `))?.split(' ')[2];
    out.push(policy ? `Chain ${c} (policy ${policy})` : `Chain ${c} (0 references)`, 'target     prot opt source               destination');
    for (const r of mine.filter((x) => x.startsWith(`-A ${c} `))) out.push(`${(/-j (\S+)/.exec(r)?.[1] ?? '').padEnd(10)} all  --  0.0.0.0/0            0.0.0.0/0            ${r.replace(/^-A \S+ /, '')}`);
    out.push('');
  }
  return ok(text(out.slice(0, -1)));
};

// service NAME start|stop|restart|status → systemctl.
export const service: ToolFn = (sim, node, call) => {
  const [name, verb] = call.args;
  if (!name || !verb) return fail(1, 'Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]');
  return systemctl(sim, node, { ...call, args: [verb, name] });
};
