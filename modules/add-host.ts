// add_host and group_by: change the in-memory inventory for the rest of the run. The
// modules only describe the change (like Ansible's add_host/add_group results); the
// executor applies it (engine/run/inventory-changes.ts).
import { defineModule } from '../engine/module.js';

export const addHost = defineModule({
  name: 'add_host',
  changesInventory: true,
  aliases: ['ansible.builtin.add_host', 'ansible.legacy.add_host'],
  summary: 'Add a host (and its groups and variables) to the inventory for later plays',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'host name (aliases: host, hostname); host:port sets ansible_port' },
      host: { type: 'string', description: 'alias of name' },
      hostname: { type: 'string', description: 'alias of name' },
      groups: { type: ['array', 'string'], description: 'groups to add the host to (aliases: group, groupname)' },
      group: { type: ['array', 'string'], description: 'alias of groups' },
      groupname: { type: ['array', 'string'], description: 'alias of groups' },
    },
    anyOf: [{ required: ['name'] }, { required: ['host'] }, { required: ['hostname'] }],
  },
  freeForm: 'kv',
  bypassHostLoop: true,
  checkMode: 'runs as usual (changes only the in-memory inventory)',
  example: '- add_host:\n    name: "{{ new_node }}"\n    groups: [k8s_workers]',
  async action(_ctx, args) {
    const a = args as Record<string, unknown>;
    const raw = String(a['name'] ?? a['host'] ?? a['hostname']);
    const groups = ([] as unknown[]).concat(a['groups'] ?? a['group'] ?? a['groupname'] ?? []).flatMap((g) => String(g).split(',')).map((g) => g.trim()).filter(Boolean);
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) if (!['name', 'host', 'hostname', 'groups', 'group', 'groupname'].includes(k)) vars[k] = v;
    const m = /^([^:\s]+):(\d+)$/.exec(raw);
    if (m) vars['ansible_port'] = Number(m[2]);
    return { add_host: { host_name: m ? m[1] : raw, groups, host_vars: vars }, changed: true };
  },
});

export const groupBy = defineModule({
  name: 'group_by',
  changesInventory: true,
  aliases: ['ansible.builtin.group_by', 'ansible.legacy.group_by'],
  summary: 'Put the current host in a group named by a key (for later plays)',
  schema: {
    type: 'object',
    properties: {
      key: { type: 'string', description: 'group name (spaces become dashes)' },
      parents: { type: ['array', 'string'], description: 'parent groups of the new group (default all)' },
    },
    required: ['key'],
    additionalProperties: false,
  },
  freeForm: 'kv',
  checkMode: 'runs as usual (changes only the in-memory inventory)',
  example: '- group_by:\n    key: "kubelet_{{ kubelet_version }}"',
  async action(_ctx, args) {
    const a = args as Record<string, unknown>;
    const parents = ([] as unknown[]).concat(a['parents'] ?? ['all']).map(String);
    return { add_group: String(a['key']).replace(/ /g, '-'), parent_groups: parents, changed: true };
  },
});
