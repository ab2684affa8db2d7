// The inventory-script JSON format (what `ansible-inventory --list` prints): groups as
// {hosts: [...], vars: {...}, children: [...]} or a bare host list, and `_meta.hostvars`.
// ansible reads it from executable scripts only; tsplay also accepts it as a .json/.yml file.

import type { Document } from 'yaml';
import { diag } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import { addChild, addGroup, addHost, setEntityVar } from './model.js';
import type { Inventory } from './model.js';
import { keyRange, toPlain } from './py-yaml.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Reads a script-format document (one with a top-level `_meta`) into `inv` like ansible's script plugin.
export function parseScriptInventory(inv: Inventory, doc: Document, file: string): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const data = toPlain(doc, doc.contents) as Record<string, unknown>;
  const at = (key: string): { file: string; offset: number; length?: number } => ({ file, ...(keyRange(doc.contents, key) ?? { offset: 0 }) });
  const err = (message: string, key: string): void => void diags.push(diag('inventory', message, at(key)));
  const hosts: string[] = [];
  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(data)) {
    if (name === '_meta') continue;
    addGroup(inv, name, at(name));
    let g: Record<string, unknown> = isObject(raw) ? raw : { hosts: raw };
    if (!['hosts', 'vars', 'children'].some((k) => k in g)) g = { hosts: [name], vars: g };
    if ('hosts' in g) {
      if (!Array.isArray(g['hosts'])) err(`You defined a group '${name}' with bad data for the host list`, name);
      else {
        for (const h of g['hosts']) {
          const host = String(h);
          if (!seen.has(host)) {
            seen.add(host);
            hosts.push(host);
          }
          addHost(inv, host, name, undefined, at(name));
        }
      }
    }
    if ('vars' in g) {
      if (!isObject(g['vars'])) err(`You defined a group '${name}' with bad data for variables`, name);
      else for (const [k, v] of Object.entries(g['vars'])) setEntityVar(inv, name, k, v);
    }
    for (const child of Array.isArray(g['children']) ? g['children'].map(String) : []) {
      addGroup(inv, child);
      const problem = addChild(inv, name, child);
      if (problem) err(problem, name);
    }
  }
  const meta = data['_meta'];
  const hostvars = isObject(meta) && isObject(meta['hostvars']) ? meta['hostvars'] : {};
  for (const h of hosts) {
    const vars = hostvars[h];
    if (isObject(vars)) for (const [k, v] of Object.entries(vars)) setEntityVar(inv, h, k, v);
  }
  return diags;
}
