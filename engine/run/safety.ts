// Engine-side safety checks made right before an action runs: which actions disrupt a
// node, the self-preemption guard (never drain, cordon, reboot or stop the kubelet of the
// node tsplay runs on), and the run-time quorum limit (handlers, delegate_to and run_once
// included: no more than max_unavailable members of a quorum group disrupted per batch).
import { hostname, networkInterfaces } from 'node:os';
import type { ConnectionSpec } from '../connection/types.js';
import type { Vars } from '../load/model.js';
import type { ModuleDef } from '../module.js';
import { groupsOfHost, type QuorumGroup } from '../plan/quorum.js';

const COMMAND_PATTERNS: [RegExp, string][] = [
  [/(?:^|[;&|(]\s*|\b(?:sudo|then|do|exec)\s+)(?:\/\S*\/)?(?:reboot|poweroff|halt|shutdown)(?![-\w])|\bsystemctl\s+(?:--\S+\s+)*(?:reboot|poweroff|halt)\b|(?:^|[;&|]\s*)init\s+[06]\b/, 'reboot'],
  [/\bsystemctl\s+(?:--\S+\s+)*(?:restart|stop|kill|try-restart|reload-or-restart)\s+\S*(?:kubelet|kubelite|k8s-dqlite|dqlite|etcd|containerd|apiserver|microk8s)/, 'restart of a Kubernetes or datastore service'],
  [/\b(?:service)\s+\S*(?:kubelet|kubelite|dqlite|etcd|containerd)\S*\s+(?:restart|stop)\b/, 'restart of a Kubernetes or datastore service'],
  [/\bsnap\s+(?:restart|stop)\s+microk8s|\bmicrok8s\s+stop\b|\bsnap\s+refresh\s+microk8s/, 'microk8s restart/refresh'],
  [/\bkubeadm\s+upgrade\s+(?:apply|node)\b/, 'kubeadm upgrade'],
  [/\bkubectl\s+(?:\S+\s+)*drain\b/, 'drain'],
];

// Why an action disrupts the node it runs on (undefined when it does not).
export function disruptionOf(mod: ModuleDef, args: Vars): string | undefined {
  const declared = mod.disruptive?.(args);
  if (declared) return declared;
  const line = mod.shellText?.(args);
  if (line) for (const [re, why] of COMMAND_PATTERNS) if (re.test(line)) return why;
  return undefined;
}

/** does the disruption take down the node it runs on (reboot, kubelet stop), or act through the API (drain/cordon)? */
export function touchesKubelet(reason: string): boolean {
  return /reboot|kubelet|kubelite|microk8s|kubeadm/.test(reason);
}

// The name of the node tsplay runs on (TSPLAY_NODE_NAME, else the hostname).
export function selfNodeName(env = process.env): string {
  return env['TSPLAY_NODE_NAME'] || hostname();
}

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.internal) out.add(a.address);
  return out;
}

// True when a connection reaches the machine tsplay runs on.
export function isSelfTarget(spec: ConnectionSpec, inventoryName: string, node = selfNodeName()): boolean {
  if (spec.transport === 'local') return true;
  const addr = spec.address.toLowerCase();
  const short = node.split('.')[0]?.toLowerCase();
  if ([inventoryName.toLowerCase(), addr].some((n) => n === node.toLowerCase() || n.split('.')[0] === short)) return true;
  if (localAddresses().has(addr)) return true;
  return (addr === 'localhost' || addr === '::1' || addr.startsWith('127.')) && spec.port === 22;
}

// Refusal message when an API action (drain, cordon) names the node tsplay runs on.
export function selfDrainRefusal(target: string, reason: string, node = selfNodeName()): string | undefined {
  if (target && target.split('.')[0]?.toLowerCase() === node.split('.')[0]?.toLowerCase()) {
    return `self-preemption guard: refusing to ${reason.split(' ')[0]} node '${target}': it is the node tsplay runs on (set TSPLAY_NODE_NAME if this is wrong, or run tsplay from another machine)`;
  }
  return undefined;
}

// Counts disruptive actions per quorum group within one batch.
export class QuorumTracker {
  private disrupted = new Map<string, Set<string>>();

  constructor(private readonly groups: QuorumGroup[]) {}

  // Records a disruption of `host`; returns a refusal when a group's limit would be exceeded.
  admit(host: string, reason: string): string | undefined {
    for (const g of groupsOfHost(this.groups, host)) {
      const set = this.disrupted.get(g.name) ?? new Set<string>();
      if (set.has(host)) continue;
      if (set.size + 1 > g.maxUnavailable) {
        return `quorum-serial: refusing ${reason} on ${host}: ${[...set].join(', ')} of quorum group '${g.name}' ${set.size === 1 ? 'was' : 'were'} already disrupted in this batch (max_unavailable ${g.maxUnavailable})`;
      }
    }
    for (const g of groupsOfHost(this.groups, host)) {
      const set = this.disrupted.get(g.name) ?? new Set<string>();
      set.add(host);
      this.disrupted.set(g.name, set);
    }
    return undefined;
  }
}
