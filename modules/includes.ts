// include_tasks / import_tasks / include_role / import_role / include_vars: declared here
// for validation and docs; the loader (imports) and the executor (includes) implement them.
import { defineModule } from '../engine/module.js';

const fileSchema = {
  type: 'object',
  properties: {
    _raw_params: { type: 'string', description: 'the task file (free form)' },
    file: { type: 'string', description: 'the task file' },
    apply: { type: 'object', description: 'keywords (tags, when, become...) applied to the included tasks' },
  },
  additionalProperties: false,
} as const;

const roleSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'the role name' },
    tasks_from: { type: 'string', description: 'task file of the role to use instead of main' },
    vars_from: { type: 'string', description: 'vars file of the role to use instead of main' },
    defaults_from: { type: 'string', description: 'defaults file of the role to use instead of main' },
    handlers_from: { type: 'string', description: 'handlers file of the role to use instead of main' },
    apply: { type: 'object', description: 'keywords applied to the role tasks (include_role)' },
    public: { type: 'boolean', description: 'accepted; role vars are visible to the play either way' },
    allow_duplicates: { type: 'boolean', description: 'accepted for compatibility' },
    rolespec_validate: { type: 'boolean', description: 'accepted for compatibility' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

export const includeTasks = defineModule({
  name: 'include_tasks',
  construct: 'include_tasks',
  summary: 'Load and run a task file when the task is reached (dynamic)',
  schema: fileSchema,
  freeForm: 'raw',
  checkMode: 'runs as usual',
  example: '- include_tasks: drain.yml\n  when: drain_nodes | bool',
});

export const importTasks = defineModule({
  name: 'import_tasks',
  construct: 'import_tasks',
  summary: 'Insert the tasks of a file at load time (static)',
  schema: fileSchema,
  freeForm: 'raw',
  checkMode: 'not applicable (load time)',
  example: '- import_tasks: preflight.yml',
});

export const includeRole = defineModule({
  name: 'include_role',
  construct: 'include_role',
  summary: 'Load and run a role when the task is reached (dynamic)',
  schema: roleSchema,
  checkMode: 'runs as usual',
  example: '- include_role:\n    name: cordon',
});

export const importRole = defineModule({
  name: 'import_role',
  construct: 'import_role',
  summary: 'Insert the tasks of a role at load time (static)',
  schema: roleSchema,
  checkMode: 'not applicable (load time)',
  example: '- import_role:\n    name: upgrade\n    tasks_from: kubelet',
});

export const include = defineModule({
  name: 'include',
  construct: 'include',
  summary: "ansible-core 2.14's older include: static (import_tasks) for a literal file outside loops, else dynamic (include_tasks); key=value arguments become variables of the included tasks",
  schema: { ...fileSchema, additionalProperties: true },
  freeForm: 'raw',
  checkMode: 'runs as usual',
  example: '- include: upgrade.yml node=k8s01',
});
