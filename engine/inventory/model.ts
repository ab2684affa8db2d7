// The inventory data model and the graph operations ansible's InventoryData performs while
// sources are parsed (add group/host/child, reconcile), plus the orderings ansible derives
// from it (a group's hosts, ancestors, depth).

import type { Diagnostic, SourcePos } from '../diagnostics.js';

export interface InventoryHost {
  name: string;
  vars: Record<string, unknown>;
  /** direct groups, in the order the host joined them */
  groups: string[];
  pos?: SourcePos;
  /** true for the implicit localhost ansible creates when `localhost` is referenced but not defined */
  implicit?: boolean;
}

export interface InventoryGroup {
  name: string;
  vars: Record<string, unknown>;
  /** direct member hosts, in definition order */
  hosts: string[];
  children: string[];
  parents: string[];
  pos?: SourcePos;
  /** ansible_group_priority (default 1); kept out of `vars` like ansible does */
  priority?: number;
}

/** group_vars/ and host_vars/ files found under one directory, loaded on demand and cached */
export interface VarsDir {
  dir: string;
  /** key: `group_vars/NAME` or `host_vars/NAME` */
  cache: Map<string, VarFile[]>;
  /** errors met while loading files of this directory */
  problems: Diagnostic[];
}

export interface VarFile {
  file: string;
  vars: Record<string, unknown>;
}

export interface Inventory {
  /** insertion = definition order across sources */
  hosts: Map<string, InventoryHost>;
  /** insertion = definition order; always has 'all' and 'ungrouped' */
  groups: Map<string, InventoryGroup>;
  /** resolved source paths (or the literal host list) */
  sources: string[];
  /** group_vars/ host_vars/ next to the sources, lowest precedence first */
  varsDirs: VarsDir[];
  /** group_vars/ host_vars/ next to playbooks, by resolved playbook directory */
  playbookVarsDirs: Map<string, VarsDir>;
  /** ansible's "current localhost": the first localhost-like host defined, else the implicit one once created */
  localhost?: InventoryHost;
}

// Names ansible treats as the local machine (C.LOCALHOST).
export const LOCALHOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

// A new inventory with ansible's two built-in groups, 'ungrouped' a child of 'all'.
export function createInventory(): Inventory {
  const inv: Inventory = { hosts: new Map(), groups: new Map(), sources: [], varsDirs: [], playbookVarsDirs: new Map() };
  addGroup(inv, 'all');
  addGroup(inv, 'ungrouped');
  addChild(inv, 'all', 'ungrouped');
  return inv;
}

// Adds a group if it does not exist yet and returns it.
export function addGroup(inv: Inventory, name: string, pos?: SourcePos): InventoryGroup {
  let g = inv.groups.get(name);
  if (!g) {
    g = { name, vars: {}, hosts: [], children: [], parents: [] };
    if (pos) g.pos = pos;
    inv.groups.set(name, g);
  }
  return g;
}

// Adds a host (ports only apply to a new host, as in ansible) and makes it a member of `group`.
export function addHost(inv: Inventory, name: string, group?: string, port?: number, pos?: SourcePos): InventoryHost {
  let h = inv.hosts.get(name);
  if (!h) {
    h = { name, vars: {}, groups: [] };
    if (pos) h.pos = pos;
    if (port !== undefined) h.vars['ansible_port'] = port;
    inv.hosts.set(name, h);
    if (LOCALHOST_NAMES.includes(name) && !inv.localhost) inv.localhost = h;
  }
  const g = group === undefined ? undefined : inv.groups.get(group);
  // membership is kept on both sides; the host's short list is the one searched (a range of
  // 100 000 hosts would make the group's list quadratic)
  if (g && !h.groups.includes(g.name)) {
    g.hosts.push(name);
    h.groups.push(g.name);
  }
  return h;
}

// Sets a group variable; ansible_group_priority sets the priority instead (Python int() rules).
export function setGroupVar(g: InventoryGroup, key: string, value: unknown): string | undefined {
  if (key !== 'ansible_group_priority') {
    g.vars[key] = value;
    return undefined;
  }
  let n: number | undefined;
  if (typeof value === 'number') n = Math.trunc(value);
  else if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'string') n = /^\s*[-+]?[0-9](?:_?[0-9])*\s*$/.test(value) ? Number(value.trim().replace(/_/g, '')) : NaN;
  if (Number.isNaN(n)) return `invalid literal for int() with base 10: '${String(value)}' (ansible_group_priority)`;
  if (n !== undefined) g.priority = n;
  return undefined;
}

// ansible's InventoryData.set_variable: the name is looked up among groups first, so a host
// var lands on a group when a group has the same name (ansible warns about such names).
export function setEntityVar(inv: Inventory, name: string, key: string, value: unknown): string | undefined {
  const g = inv.groups.get(name);
  if (g) return setGroupVar(g, key, value);
  const h = inv.hosts.get(name);
  if (h) h.vars[key] = value;
  return undefined;
}

// Groups above `group` (not including it), nearest first.
export function ancestorsOf(inv: Inventory, group: string): string[] {
  const out: string[] = [];
  const queue = [...(inv.groups.get(group)?.parents ?? [])];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (out.includes(name)) continue;
    out.push(name);
    queue.push(...(inv.groups.get(name)?.parents ?? []));
  }
  return out;
}

// Makes `child` (a group, else a host) a member of `parent`; returns an error message on a loop.
export function addChild(inv: Inventory, parent: string, child: string): string | undefined {
  const p = inv.groups.get(parent);
  if (!p) return `${parent} is not a known group`;
  const c = inv.groups.get(child);
  if (c) {
    if (c === p) return `can't add group to itself: ${parent}`;
    if (p.children.includes(child)) return undefined;
    if (ancestorsOf(inv, parent).includes(child)) {
      return `Adding group '${child}' as child to '${parent}' creates a recursive dependency loop.`;
    }
    p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
    return undefined;
  }
  if (inv.hosts.has(child)) {
    addHost(inv, child, parent);
    return undefined;
  }
  return `${child} is not a known host nor group`;
}

// Ansible's reconcile_inventory: orphan groups join 'all'; hosts go in or out of 'ungrouped'.
export function reconcileInventory(inv: Inventory): void {
  for (const g of inv.groups.values()) {
    if (g.name !== 'all' && g.parents.length === 0) addChild(inv, 'all', g.name);
  }
  const ungrouped = inv.groups.get('ungrouped') as InventoryGroup;
  const leaving = new Set<string>();
  for (const h of inv.hosts.values()) {
    const others = h.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
    if (h.groups.includes('ungrouped')) {
      if (others.length > 0) {
        leaving.add(h.name);
        h.groups = h.groups.filter((g) => g !== 'ungrouped');
      }
    } else if (others.length === 0) {
      addHost(inv, h.name, 'ungrouped');
    }
  }
  if (leaving.size > 0) ungrouped.hosts = ungrouped.hosts.filter((n) => !leaving.has(n));
}

// The first group nested deeper than `max` levels below a root (children of children), found
// without recursion; the group graph has no cycles (addChild refuses them).
export function groupDeeperThan(inv: Inventory, max: number): InventoryGroup | undefined {
  const waiting = new Map<string, number>();
  const depth = new Map<string, number>();
  const queue: InventoryGroup[] = [];
  for (const g of inv.groups.values()) {
    waiting.set(g.name, g.parents.length);
    if (g.parents.length === 0) queue.push(g);
  }
  for (let i = 0; i < queue.length; i++) {
    const g = queue[i] as InventoryGroup;
    const d = depth.get(g.name) ?? 0;
    for (const name of g.children) {
      const kid = inv.groups.get(name);
      if (!kid) continue;
      depth.set(name, Math.max(depth.get(name) ?? 0, d + 1));
      if (d + 1 > max) return kid;
      const left = (waiting.get(name) ?? 1) - 1;
      waiting.set(name, left);
      if (left === 0) queue.push(kid);
    }
  }
  return undefined;
}

// The group and its descendants in ansible's order: itself, its children, then level by level.
export function descendantsOf(inv: Inventory, group: string): string[] {
  const ordered = [group, ...(inv.groups.get(group)?.children ?? [])];
  const seen = new Set(ordered);
  let level = ordered.slice(1);
  while (level.length > 0) {
    const next: string[] = [];
    for (const name of level) {
      for (const kid of inv.groups.get(name)?.children ?? []) {
        if (seen.has(kid) || next.includes(kid)) continue;
        next.push(kid);
        ordered.push(kid);
      }
    }
    for (const n of next) seen.add(n);
    level = next;
  }
  return ordered;
}

// Hosts of a group including its descendants' hosts, in ansible's Group.get_hosts() order.
export function hostsOf(inv: Inventory, group: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const g of descendantsOf(inv, group)) {
    for (const h of inv.groups.get(g)?.hosts ?? []) {
      if (seen.has(h)) continue;
      seen.add(h);
      out.push(h);
    }
  }
  return out;
}

// Longest path from 'all' (ansible's Group.depth).
export function depthOf(inv: Inventory, group: string, memo = new Map<string, number>()): number {
  const known = memo.get(group);
  if (known !== undefined) return known;
  memo.set(group, 0);
  let depth = 0;
  for (const p of inv.groups.get(group)?.parents ?? []) depth = Math.max(depth, depthOf(inv, p, memo) + 1);
  memo.set(group, depth);
  return depth;
}

// Every group a host belongs to, directly or through ancestors (ansible's Host.get_groups()).
export function allGroupsOf(inv: Inventory, host: string): string[] {
  const out: string[] = [];
  for (const g of inv.hosts.get(host)?.groups ?? []) {
    for (const a of [...ancestorsOf(inv, g), g]) if (!out.includes(a)) out.push(a);
  }
  return out;
}

// A host by name; an undefined localhost-like name gets ansible's implicit localhost
// (ansible_connection=local, member of no group, so not in 'all').
export function ensureHost(inv: Inventory, name: string): InventoryHost | undefined {
  const h = inv.hosts.get(name);
  if (h) return h;
  if (!LOCALHOST_NAMES.includes(name)) return undefined;
  inv.localhost ??= { name, vars: { ansible_connection: 'local' }, groups: [], implicit: true };
  return inv.localhost;
}
