// Validation of tsplay's `guard:` keyword (the guard conditions are run by engine/run/guards.ts).
import { diag, type Diagnostic } from '../diagnostics.js';
import type { Task } from '../load/model.js';
import { posAt } from '../source/yaml-file.js';
import { parseDuration } from '../shared/duration.js';

export const GUARD_CONDITIONS = ['journal', 'alerts', 'nodes_ready', 'quorum', 'command', 'that'] as const;
const GUARD_KEYS = new Set<string>([...GUARD_CONDITIONS, 'wait', 'interval']);

// Checks the shape of a task's guard (known conditions, durations).
export function checkGuard(t: Task): Diagnostic[] {
  const out: Diagnostic[] = [];
  const g = t.guard?.raw;
  if (!g || typeof g !== 'object' || Array.isArray(g)) return [diag('schema', 'guard must be a mapping of conditions', t.guard?.pos)];
  const keys = Object.keys(g);
  for (const k of keys) if (!GUARD_KEYS.has(k)) out.push(diag('schema', `unknown guard condition '${k}'`, posAt(t.src.file, [...t.src.path, 'guard', k], true), `one of: ${GUARD_CONDITIONS.join(', ')}`));
  if (!keys.some((k) => (GUARD_CONDITIONS as readonly string[]).includes(k))) out.push(diag('schema', 'guard has no condition', t.guard?.pos, `add one of: ${GUARD_CONDITIONS.join(', ')}`));
  for (const k of ['wait', 'interval']) {
    const v = g[k];
    if (v !== undefined && !(typeof v === 'string' && v.includes('{{')) && parseDuration(v) === undefined) out.push(diag('bad-value', `guard.${k} must be a duration like 30s, 5m, 1h`, posAt(t.src.file, [...t.src.path, 'guard', k])));
  }
  return out;
}
