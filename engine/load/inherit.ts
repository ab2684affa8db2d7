// Keyword inheritance through the node tree: a task sees the nearest value of a keyword
// set on itself, its blocks, its role entry or its play; `when` conditions and `tags`
// accumulate from the outermost parent inwards.
import type { Block, Keywords, Node, Parent, Play, Task, Vars } from './model.js';

// Parents of a node, innermost first (blocks, role blocks, the play scope).
export function parents(node: Node | Parent): Parent[] {
  const out: Parent[] = [];
  let p = (node as { parent?: Parent }).parent;
  while (p) {
    out.push(p);
    p = (p as { parent?: Parent }).parent;
  }
  return out;
}

// The nearest value of an inheritable keyword (task first, then enclosing blocks, role, play).
export function inherited<K extends keyof Keywords>(node: Node, key: K): Keywords[K] {
  if (node.kw[key] !== undefined) return node.kw[key];
  for (const p of parents(node)) if (p.kw[key] !== undefined) return p.kw[key];
  return undefined;
}

// Every `when` condition that applies, outermost first.
export function allWhen(node: Node): unknown[] {
  const out: unknown[] = [];
  const chain = [node, ...parents(node)].reverse();
  for (const n of chain) if (n.kw.when) out.push(...n.kw.when);
  return out;
}

// The task's own and inherited tags.
export function allTags(node: Node): unknown[] {
  const out: unknown[] = [];
  for (const n of [node, ...parents(node)]) if (n.kw.tags) out.push(...n.kw.tags);
  return out;
}

// Block and task `vars`, outermost first (task vars last).
export function nestedVars(node: Node): Vars[] {
  const out: Vars[] = [];
  const chain = [node, ...parents(node)].reverse();
  for (const n of chain) if (n.kind !== 'play' && n.kind !== 'role' && n.kw.vars) out.push(n.kw.vars);
  return out;
}

// The vars of the includes above a node (dynamic ones, and bare `include:` even when static), outermost
// first: ansible-core's include params, which rank above set_fact and role params.
export function includeParams(node: Node): Vars[] {
  return parents(node)
    .reverse()
    .filter((n): n is Block => n.kind === 'block' && n.params !== undefined)
    .map((b) => b.params as Vars);
}

// The block sections a node sits in, innermost first, for rescue/always handling.
export interface Enclosing {
  block: Block;
  section: 'block' | 'rescue' | 'always';
}

// Finds in which section of each enclosing block the node is.
export function enclosingSections(node: Node): Enclosing[] {
  const out: Enclosing[] = [];
  let child: Node = node;
  for (const p of parents(node)) {
    if (p.kind !== 'block') continue;
    const section = p.rescue.includes(child) ? 'rescue' : p.always.includes(child) ? 'always' : 'block';
    out.push({ block: p, section });
    child = p;
  }
  return out;
}

// Where a failure at `node` goes: the nearest enclosing block whose rescue catches it, and whether
// any enclosing rescue or always section sees it (when none does, the host has failed).
export function failurePath(node: Node): { rescuedBy?: Enclosing['block']; caught: boolean } {
  const sections = enclosingSections(node);
  const rescuedBy = sections.find((e) => e.section === 'block' && e.block.rescue.length > 0)?.block;
  const caught = rescuedBy !== undefined || sections.some((e) => e.section !== 'always' && e.block.always.length > 0);
  return rescuedBy ? { rescuedBy, caught } : { caught };
}

// The name Ansible prints for a task: `role : name`, the name, or the action.
export function displayName(task: Task, name?: string): string {
  // include_role names itself like Ansible's IncludeRole.get_name: its name, else "action : role"
  if (task.mod.construct === 'include_role') return name ?? task.name ?? `${task.action} : ${String(task.args['name'] ?? '')}`;
  const n = name ?? task.name ?? task.action;
  return task.role ? `${task.role.name} : ${n}` : n;
}

// Play-level keyword (for any_errors_fatal etc. on the play itself).
export function playKeyword<K extends keyof Keywords>(play: Play, key: K): Keywords[K] {
  return play.scope.kw[key];
}
