// --start-at-task NAME: the run skips every task before the first whose name (or "role : name")
// matches NAME, shell-style as Python's fnmatch; a play without such a task runs nothing, not even
// its fact gathering, while the play holding it gathers facts first.
import { displayName } from '../load/inherit.js';
import type { Node, Play, Task } from '../load/model.js';

// True when `task` is where --start-at-task starts.
export function startsAt(task: Task, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(task.name ?? '') || re.test(displayName(task));
}

// The implicit "Gathering Facts" task of a play (never skipped in the play that holds the start).
export function isImplicitFacts(task: Task): boolean {
  return task.action === 'gather_facts' && task.name === 'Gathering Facts' && task.parent?.kind === 'play';
}

// True when one of the play's tasks (as loaded: imports expanded, includes not) is the start.
export function playHoldsStart(play: Play, pattern: string): boolean {
  const has = (nodes: Node[]): boolean => nodes.some((n) => (n.kind === 'task' ? startsAt(n, pattern) : has([...n.block, ...n.rescue, ...n.always])));
  return has([...play.pre_tasks, ...play.roles, ...play.tasks, ...play.post_tasks]);
}
