// add_host and group_by: change the in-memory inventory for the rest of the run. The
// modules only describe the change (like Ansible's add_host/add_group results); the
// executor applies it (engine/run/inventory-changes.ts).
import { defineModule } from '../engine/module.js';

// The add_host arguments; any other key becomes a host variable.
export const addHostSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', aliases: ['host', 'hostname'], description: 'host name; host:port sets ansible_ssh_port' },
    groups: { type: ['array', 'string'], aliases: ['group', 'groupname'], description: 'groups to add the host to' },
  },
  required: ['name'],
} as const;

export const addHost = defineModule({
  name: 'add_host',
  changesInventory: true,
  summary: 'Add a host (and its groups and variables) to the inventory for later plays',
  schema: addHostSchema,
  freeForm: 'kv',
  bypassHostLoop: true,
  checkMode: 'runs as usual (changes only the in-memory inventory)',
  example: '- add_host:\n    name: "{{ new_node }}"\n    groups: [k8s_workers]',
  async action(_ctx, args) {
    const groups = ([] as unknown[]).concat(args.groups ?? []).flatMap((g) => String(g).split(',')).map((g) => g.trim()).filter(Boolean);
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) if (k !== 'name' && k !== 'groups') vars[k] = v;
    const m = /^([^:\s]+):(\d+)$/.exec(args.name);
    if (m) vars['ansible_ssh_port'] = Number(m[2]);
    return { add_host: { host_name: m ? m[1] : args.name, groups, host_vars: vars }, changed: true };
  },
});

// The group_by arguments.
export const groupBySchema = {
  type: 'object',
  properties: {
    key: { type: 'string', description: 'group name (spaces become dashes)' },
    parents: { type: ['array', 'string'], default: ['all'], description: 'parent groups of the new group' },
  },
  required: ['key'],
  additionalProperties: false,
} as const;

export const groupBy = defineModule({
  name: 'group_by',
  changesInventory: true,
  summary: 'Put the current host in a group named by a key (for later plays)',
  schema: groupBySchema,
  freeForm: 'kv',
  checkMode: 'runs as usual (changes only the in-memory inventory)',
  example: '- group_by:\n    key: "kubelet_{{ kubelet_version }}"',
  async action(_ctx, args) {
    return { add_group: args.key.replace(/ /g, '-'), parent_groups: ([] as unknown[]).concat(args.parents).map(String), changed: true };
  },
});
