// The node tsplay runs on, and the per-batch name check of declared quorum groups (the fast,
// inventory-only layer under the identity budget of run/safety).
import { hostname } from 'node:os';
import { groupsOfHost, type QuorumGroup } from '../plan/quorum.js';

// The name of the node tsplay runs on (TSPLAY_NODE_NAME, else the hostname).
export function selfNodeName(env = process.env): string {
  return env['TSPLAY_NODE_NAME'] || hostname();
}

// Counts disruptive actions per declared quorum group within one batch.
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
