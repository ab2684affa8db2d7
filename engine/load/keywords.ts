// The keywords tsplay accepts on plays, blocks, tasks and handlers (Ansible's, minus the
// unsupported ones, plus tsplay's `guard` and `confirm`), and did-you-mean suggestions.

const SHARED = [
  'any_errors_fatal', 'become', 'become_user', 'become_method', 'become_flags', 'become_exe', 'check_mode',
  'collections', 'connection', 'diff', 'environment', 'ignore_errors', 'ignore_unreachable', 'name', 'no_log',
  'port', 'remote_user', 'run_once', 'tags', 'throttle', 'timeout', 'vars', 'module_defaults', 'debugger',
];

export const PLAY_KEYWORDS = new Set([
  ...SHARED, 'hosts', 'serial', 'max_fail_percentage', 'order', 'gather_facts', 'gather_subset', 'gather_timeout',
  'fact_path', 'vars_files', 'vars_prompt', 'pre_tasks', 'roles', 'tasks', 'post_tasks', 'handlers', 'force_handlers',
  'strategy', 'confirm',
]);

export const BLOCK_KEYWORDS = new Set([...SHARED, 'block', 'rescue', 'always', 'when', 'delegate_to', 'delegate_facts', 'notify']);

export const TASK_KEYWORDS = new Set([
  ...SHARED, 'action', 'local_action', 'args', 'async', 'poll', 'changed_when', 'failed_when', 'delay', 'retries', 'until',
  'delegate_to', 'delegate_facts', 'loop', 'loop_control', 'notify', 'register', 'when', 'guard', 'confirm',
]);

export const HANDLER_KEYWORDS = new Set([...TASK_KEYWORDS, 'listen']);

export const ROLE_ENTRY_KEYWORDS = new Set([...SHARED, 'role', 'name', 'when', 'delegate_to', 'delegate_facts']);

// Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
export function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > 3) return 99;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(m, n);
}

// The closest candidate within a small edit distance, for "did you mean ...?".
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.min(3, Math.floor(word.length / 3) + 1));
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD || (d === bestD && best === undefined)) {
      if (d <= bestD) {
        best = c;
        bestD = d;
      }
    }
  }
  return best;
}
