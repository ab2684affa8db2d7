// The lab's incident log: what a rehearsal did that would have hurt a real cluster, kept in memory
// (the last 200) for `tsplay lab incidents` and `lab status`.
import type { Incident, IncidentKind } from './types.js';

const MAX_INCIDENTS = 200;

// The bounded log, oldest first.
export class IncidentLog {
  private readonly items: Incident[] = [];
  // The over-budget excursion in progress was recorded (cleared once back within the budget).
  overBudget = false;

  // Record one incident now.
  record(kind: IncidentKind, nodes: string[], message: string, at = Date.now()): Incident {
    const i: Incident = { at: new Date(at).toISOString(), kind, nodes: [...nodes].sort(), message };
    this.items.push(i);
    if (this.items.length > MAX_INCIDENTS) this.items.splice(0, this.items.length - MAX_INCIDENTS);
    return i;
  }

  // The incidents, oldest first (a copy).
  list(): Incident[] {
    return this.items.map((i) => ({ ...i, nodes: [...i.nodes] }));
  }

  // Remove every incident; returns what was removed.
  clear(): Incident[] {
    return this.items.splice(0, this.items.length);
  }
}
