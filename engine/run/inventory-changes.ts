// Applies add_host / group_by results to the run's in-memory inventory.
import { addChild, addGroup, addHost, reconcileInventory, setEntityVar } from '../inventory/model.js';
import type { Inventory } from '../inventory/index.js';
import type { Vars } from '../load/model.js';

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
