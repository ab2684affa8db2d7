// Rehearsal aids behind the control API: the node budget, reading and clearing the incident log,
// and letting time pass in the journals (`tsplay lab budget|incidents|advance`).
import { formatDuration, MAX_ADVANCE_MS } from './duration.js';
import { checkBudget } from './incident-checks.js';
import type { LabSim } from './sim.js';
import type { Incident } from './types.js';

// Set the node budget (0..number of nodes) and check it at once; throws an Error for a bad value.
export function setBudget(sim: LabSim, n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > sim.nodes.length) throw new Error(`the node budget must be an integer from 0 to ${sim.nodes.length}, not ${String(n)}`);
  sim.budget = n;
  checkBudget(sim);
  return `node budget: ${n} unavailable at a time`;
}

// The incidents, removing them when `clear` (so a caller reads and clears in one step).
export function takeIncidents(sim: LabSim, clear: boolean): Incident[] {
  return clear ? sim.incidents.clear() : sim.incidents.list();
}

// Move every journal entry of every node back by ms; throws an Error for a bad value.
export function advanceJournals(sim: LabSim, ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_ADVANCE_MS) throw new Error(`the duration must be more than 0 and at most 366 days, not ${String(ms)} ms`);
  const moved = sim.advance(ms);
  return `journals advanced by ${formatDuration(ms)}: ${moved} entries on ${sim.nodes.length} node(s) are now that much older`;
}
