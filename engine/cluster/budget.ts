// The disruption budget of a run: at no moment more than `maxMembers` datastore members, or more
// than `maxNodes` nodes, out of service in one cluster. A disruption holds its node from the first
// disruptive action until the health gate sees the node healthy again; nodes cordoned, NotReady or
// with an unhealthy datastore member for any other reason count against the budget too. Pure:
// the caller supplies the cluster's live state.
import type { ClusterNode } from './identity.js';

export interface BudgetLimits {
  /** datastore members that may be out at once (tsplay_quorum max_unavailable; default 1) */
  maxMembers: number;
  /** nodes that may be out at once (tsplay_max_unavailable_nodes; default 1) */
  maxNodes: number;
}

/** the cluster as the last health read saw it */
export interface LiveState {
  nodes: readonly ClusterNode[];
  /** node names of the datastore members */
  members: readonly string[];
  /** members whose datastore is not healthy (unit down, pod not Ready), with why */
  unhealthy: ReadonlyMap<string, string>;
}

/** one disruption this run holds */
export interface Held {
  node: string;
  /** the play/batch that began it, e.g. "2/1" */
  batch: string;
  what: string;
  /** it takes the node's datastore member down */
  member: boolean;
  since: number;
}

export type Admission =
  | { ok: true }
  | { ok: false; reason: string; /** a blocker was begun by the batch still running: waiting cannot help */ blockedByCurrentBatch: boolean };

// Why a node is out of service in the live state ('' when it is in service).
function outOfService(n: ClusterNode): string {
  const why: string[] = [];
  if (!n.ready) why.push('NotReady');
  if (n.cordoned) why.push('cordoned');
  return why.join(', ');
}

export class DisruptionBudget {
  private readonly held = new Map<string, Held>();

  constructor(readonly limits: BudgetLimits) {}

  // What this run holds now.
  holds(): Held[] {
    return [...this.held.values()];
  }

  // Whether the run already holds a node (a second step of the same disruption is admitted).
  isHeld(node: string): boolean {
    return this.held.has(node);
  }

  // Whether disrupting `node` now stays within the budget; `member`: it takes its datastore member down.
  admit(node: string, member: boolean, batch: string, live: LiveState): Admission {
    if (this.held.has(node) && (!member || this.held.get(node)?.member)) return { ok: true };
    const out = new Map<string, string>();
    for (const h of this.held.values()) if (h.node !== node) out.set(h.node, `${h.what} by this run (batch ${h.batch})`);
    for (const n of live.nodes) {
      const why = outOfService(n);
      if (why && n.name !== node && !out.has(n.name)) out.set(n.name, why);
    }
    const current = (n: string) => this.held.get(n)?.batch === batch;
    if (out.size + 1 > this.limits.maxNodes) {
      const list = [...out].map(([n, why]) => `${n} (${why})`).join(', ');
      return { ok: false, reason: `node budget: ${list} already out of service; at most ${this.limits.maxNodes} node${this.limits.maxNodes === 1 ? '' : 's'} at a time (tsplay_max_unavailable_nodes)`, blockedByCurrentBatch: [...out.keys()].some(current) };
    }
    if (member) {
      const down = new Map<string, string>();
      for (const m of live.members) {
        if (m === node) continue;
        const h = this.held.get(m);
        if (h?.member) down.set(m, `${h.what} by this run (batch ${h.batch})`);
        else if (live.unhealthy.has(m)) down.set(m, live.unhealthy.get(m) as string);
        else if (live.nodes.some((n) => n.name === m && !n.ready)) down.set(m, 'node NotReady');
      }
      if (down.size + 1 > this.limits.maxMembers) {
        const list = [...down].map(([n, why]) => `${n} (${why})`).join(', ');
        return { ok: false, reason: `datastore budget: member${down.size === 1 ? '' : 's'} ${list} already down; at most ${this.limits.maxMembers} of ${live.members.length} may be (max_unavailable)`, blockedByCurrentBatch: [...down.keys()].some(current) };
      }
    }
    return { ok: true };
  }

  // Records a disruption that was admitted.
  hold(h: Held): void {
    const prev = this.held.get(h.node);
    this.held.set(h.node, prev ? { ...prev, member: prev.member || h.member } : h);
  }

  // Ends the disruptions of the nodes the health gate saw healthy.
  release(nodes: Iterable<string>): void {
    for (const n of nodes) this.held.delete(n);
  }
}

// Which held nodes are healthy again in the live state: Ready, and their member healthy.
export function healthyHeld(held: readonly Held[], live: LiveState): { healthy: string[]; waiting: string[] } {
  const healthy: string[] = [];
  const waiting: string[] = [];
  for (const h of held) {
    const n = live.nodes.find((x) => x.name === h.node);
    const problems = [...(n && !n.ready ? ['NotReady'] : []), ...(live.unhealthy.has(h.node) ? [live.unhealthy.get(h.node) as string] : [])];
    if (n && problems.length === 0) healthy.push(h.node);
    else waiting.push(`${h.node}: ${n ? problems.join(', ') : 'not in the cluster'}`);
  }
  return { healthy, waiting };
}
