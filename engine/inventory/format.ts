// `tsplay inventory` output, byte for byte like ansible-inventory 2.14: --graph, --list (JSON,
// keys sorted, 4-space indent) and --host (the host's merged variables).

import { hostVars } from './layers.js';
import { ensureHost } from './model.js';
import type { Inventory } from './model.js';
import { jsonDumps } from '../py/json.js';

// Variables ansible-inventory never prints (its INTERNAL_VARS).
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
  'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity',
  'ansible_version', 'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short',
  'groups', 'group_names', 'omit', 'playbook_dir',
]);

// ansible-inventory's json.dumps(value, sort_keys=True, indent=4, ensure_ascii=False).
export function pyJsonDumps(value: unknown): string {
  return jsonDumps(value, { indent: 4, sortKeys: true, ensureAscii: false });
}

function withoutInternal(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vars).filter(([k]) => !INTERNAL_VARS.has(k)));
}

// Like `ansible-inventory --graph [group]`; '' when the group does not exist (ansible:
// "Pattern must be valid group name when using --graph").
export function formatGraph(inv: Inventory, group = 'all'): string {
  if (!inv.groups.has(group)) return '';
  const lines: string[] = [];
  const name = (text: string, depth: number): string => (depth ? `${'  |'.repeat(depth)}--${text}` : text);
  const walk = (g: string, depth: number): void => {
    const grp = inv.groups.get(g);
    if (!grp) return;
    lines.push(name(`@${g}:`, depth));
    for (const kid of grp.children) walk(kid, depth + 1);
    if (g !== 'all') for (const h of grp.hosts) lines.push(name(h, depth + 1));
  };
  walk(group, 0);
  return lines.join('\n');
}

// The merged variables ansible-inventory shows for a host (internal/magic vars removed).
export function displayedHostVars(inv: Inventory, host: string, opts: { playbookDir?: string } = {}): Record<string, unknown> {
  return withoutInternal(hostVars(inv, host, opts));
}

// Like `ansible-inventory --list`: groups with hosts/children, `all.children`, `_meta.hostvars`.
export function formatList(inv: Inventory, opts: { playbookDir?: string } = {}): string {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const formatGroup = (g: string): void => {
    const grp = inv.groups.get(g);
    if (!grp) return;
    const entry: Record<string, unknown> = {};
    if (g !== 'all') entry['hosts'] = [...grp.hosts];
    entry['children'] = [...grp.children];
    out[g] = entry;
    for (const kid of grp.children) {
      if (seen.has(kid)) continue;
      formatGroup(kid);
      seen.add(kid);
    }
    for (const k of ['hosts', 'children']) if ((entry[k] as unknown[] | undefined)?.length === 0) delete entry[k];
    if (Object.keys(entry).length === 0) delete out[g];
  };
  formatGroup('all');
  const hostvars: Record<string, unknown> = {};
  for (const h of inv.hosts.keys()) {
    const vars = displayedHostVars(inv, h, opts);
    if (Object.keys(vars).length > 0) hostvars[h] = vars;
  }
  out['_meta'] = { hostvars };
  return pyJsonDumps(out);
}

// Like `ansible-inventory --host NAME`; '' for an unknown host (ansible: "You must pass a
// single valid host to --host parameter"). The implicit localhost is known.
export function formatHost(inv: Inventory, host: string, opts: { playbookDir?: string } = {}): string {
  if (!ensureHost(inv, host)) return '';
  return pyJsonDumps(displayedHostVars(inv, host, opts));
}
