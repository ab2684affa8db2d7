// Applies add_host / group_by results to the run's in-memory inventory, and reads it again
// (meta: refresh_inventory).
import type { Diagnostic } from '../diagnostics.js';
import { addChild, addGroup, addHost, reconcileInventory, setEntityVar } from '../inventory/model.js';
import { loadInventory, type Inventory } from '../inventory/index.js';
import type { Vars } from '../load/model.js';
import { forgetSources } from '../source/yaml-file.js';

/** an add_host / group_by result as it was applied to the inventory */
export interface InventoryChange {
  host: string;
  result: Vars;
}

// Whether applying the result would change the inventory (ansible-core reports add_host and
// group_by as changed only then): a new host or group, new variable values, a new membership.
export function inventoryWouldChange(inv: Inventory, host: string, result: Vars): boolean {
  const add = result['add_host'] as { host_name: string; groups: string[]; host_vars: Vars } | undefined;
  if (add) {
    const h = inv.hosts.get(add.host_name);
    if (!h || h.implicit) return true;
    if (Object.entries(add.host_vars).some(([k, v]) => !(k in h.vars) || JSON.stringify(h.vars[k]) !== JSON.stringify(v))) return true;
    return add.groups.some((g) => !inv.groups.get(g)?.hosts.includes(add.host_name));
  }
  const group = result['add_group'];
  if (typeof group === 'string') return !inv.groups.get(group)?.hosts.includes(host);
  return false;
}

// Applies the inventory change a result describes; returns true if there was one.
export function applyInventoryChange(inv: Inventory, host: string, result: Vars): boolean {
  const add = result['add_host'] as { host_name: string; groups: string[]; host_vars: Vars } | undefined;
  if (add) {
    addHost(inv, add.host_name, 'all');
    for (const g of add.groups) {
      addGroup(inv, g);
      if (!inv.groups.get('all')?.children.includes(g)) addChild(inv, 'all', g);
      addHost(inv, add.host_name, g);
    }
    for (const [k, v] of Object.entries(add.host_vars)) setEntityVar(inv, add.host_name, k, v);
    reconcileInventory(inv);
    return true;
  }
  const group = result['add_group'];
  if (typeof group === 'string') {
    addGroup(inv, group);
    for (const p of (result['parent_groups'] as string[] | undefined) ?? ['all']) {
      addGroup(inv, p);
      if (p !== 'all' && !inv.groups.get('all')?.children.includes(p)) addChild(inv, 'all', p);
      addChild(inv, p, group);
    }
    addHost(inv, host, group);
    reconcileInventory(inv);
    return true;
  }
  return false;
}

// meta: refresh_inventory: the inventory read again from its sources, in place (every view of the
// run sees it), then the run's add_host / group_by changes applied again, as ansible-core keeps
// them. Returns the problems of reading it (the inventory is then left as it was).
export function refreshInventory(inv: Inventory, playbookDir: string, changes: readonly InventoryChange[]): Diagnostic[] {
  forgetSources();
  const fresh = loadInventory(inv.sources, { playbookDir });
  if (!fresh.ok) return fresh.diagnostics;
  const f = fresh.value;
  inv.hosts.clear();
  for (const [k, v] of f.hosts) inv.hosts.set(k, v);
  inv.groups.clear();
  for (const [k, v] of f.groups) inv.groups.set(k, v);
  inv.varsDirs.splice(0, inv.varsDirs.length, ...f.varsDirs);
  inv.playbookVarsDirs.clear();
  for (const [k, v] of f.playbookVarsDirs) inv.playbookVarsDirs.set(k, v);
  if (f.localhost) inv.localhost = f.localhost;
  else delete inv.localhost;
  for (const c of changes) {
    // a group_by of a host the sources no longer have is dropped (InventoryManager.add_dynamic_group)
    if (c.result['add_group'] !== undefined && !inv.hosts.has(c.host)) continue;
    applyInventoryChange(inv, c.host, c.result);
  }
  return [];
}
