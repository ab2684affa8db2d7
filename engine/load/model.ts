// The loaded playbook: plays, blocks and tasks with their source positions.
// Values are kept raw (templates are rendered at run time); shorthands are already
// normalised (free-form args, with_*, local_action, static imports expanded).
import type { SourcePos } from '../diagnostics.js';
import type { ModuleDef } from '../module.js';
import type { YamlFile, YamlPath } from '../source/yaml-file.js';

/** where a node came from, to point diagnostics at any of its keys later */
export interface Src {
  file: YamlFile;
  path: YamlPath;
}

export type Vars = Record<string, unknown>;

/** Keywords that blocks, tasks, roles and plays share and children inherit. */
export interface Keywords {
  when?: unknown[];
  tags?: unknown[];
  vars?: Vars;
  become?: unknown;
  become_user?: unknown;
  become_method?: unknown;
  become_flags?: unknown;
  ignore_errors?: unknown;
  ignore_unreachable?: unknown;
  any_errors_fatal?: unknown;
  check_mode?: unknown;
  diff?: unknown;
  delegate_to?: unknown;
  delegate_facts?: unknown;
  run_once?: unknown;
  environment?: unknown;
  no_log?: unknown;
  throttle?: unknown;
  timeout?: unknown;
  connection?: unknown;
  remote_user?: unknown;
  port?: unknown;
  notify?: unknown;
  /** collection names searched for short module names */
  collections?: unknown;
  /** module_defaults: {module or group/NAME: {arg: value}} */
  module_defaults?: unknown;
}

export interface LoopSpec {
  /** 'loop' or the with_* lookup name ('items', 'list', 'dict', ...) */
  kind: string;
  value: unknown;
}

export interface Guard {
  raw: Record<string, unknown>;
  pos: SourcePos;
}

export interface Task {
  kind: 'task';
  id: number;
  name?: string;
  /** module name as written (may be an FQCN); `resolved` is the registry name */
  action: string;
  resolved: string;
  /** the module the action resolved to (its schema and capabilities) */
  mod: ModuleDef;
  args: Vars;
  kw: Keywords;
  /** a bare `include:`: its key=value arguments (variables of the included tasks, below set_fact;
   *  its `vars:` are include params, above set_fact, even when the include is static) */
  bareInclude?: Vars;
  register?: string;
  loop?: LoopSpec;
  loop_control?: Vars;
  until?: unknown[];
  retries?: unknown;
  delay?: unknown;
  failed_when?: unknown[];
  changed_when?: unknown[];
  listen?: string[];
  guard?: Guard;
  confirm?: unknown;
  parent?: Parent;
  role?: RoleScope;
  handler: boolean;
  pos: SourcePos;
  src: Src;
  file: string;
  /** async: seconds the action may run in the background; poll: seconds between checks (0 = fire and forget) */
  async?: unknown;
  poll?: unknown;
  /** the action name is a template (`action: "{{ module }}"`), resolved when the task runs */
  dynamicAction?: string;
  /** for include_tasks/include_role: tags and keywords pushed into the included tasks */
  apply?: Keywords;
}

export interface Block {
  kind: 'block';
  id: number;
  name?: string;
  block: Node[];
  rescue: Node[];
  always: Node[];
  kw: Keywords;
  parent?: Parent;
  role?: RoleScope;
  /** a block made by tsplay (import_tasks, role wrapper), not written by the user */
  implicit?: 'import' | 'role' | 'include';
  /** include params: the `vars:` of a dynamic include or a bare `include:` (and an include loop's
   *  item), ranked above set_fact and role params */
  params?: Vars;
  /** a role already listed with the same name and parameters: listed (--list-tasks) but not run, as
   *  Ansible skips a role that has run for the host */
  repeatedRole?: boolean;
  /** a role's identity in the play (name, params, vars, when, tags): a host runs it once per play,
   *  unless the role allows duplicates */
  roleKey?: string;
  pos: SourcePos;
  src: Src;
}

export type Node = Task | Block;
export type Parent = Block | RoleScope | PlayScope;

export interface RoleScope {
  kind: 'role';
  name: string;
  path: string;
  defaults: Vars;
  vars: Vars;
  params: Vars;
  kw: Keywords;
  parent?: Parent;
  handlers: Task[];
  pos: SourcePos;
  /** reached only as another role's dependency (meta/main.yml) */
  dependency?: boolean;
}

export interface PlayScope {
  kind: 'play';
  kw: Keywords;
}

export interface Play {
  index: number;
  name: string;
  hosts: string;
  file: string;
  pos: SourcePos;
  hostsPos: SourcePos;
  src: Src;
  serial?: unknown;
  serialPos?: SourcePos;
  max_fail_percentage?: unknown;
  /** raw values: a template is rendered when the play starts (play vars and extra vars) */
  order?: unknown;
  gather_facts: unknown;
  force_handlers?: unknown;
  strategy?: unknown;
  vars: Vars;
  vars_files: unknown[];
  scope: PlayScope;
  pre_tasks: Node[];
  roles: Block[];
  tasks: Node[];
  post_tasks: Node[];
  /** handlers in lookup order: role handlers (in role order) then the play's own */
  handlers: Task[];
  /** every role loaded by the play (for defaults/vars visible play-wide) */
  allRoles: RoleScope[];
  confirm?: unknown;
  /** vars_prompt entries: asked on a terminal, else their default (an extra var of the name wins) */
  vars_prompt?: Vars[];
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
  /** the files read as a playbook or a task list, checked by validate/envelope.ts */
  shapes: ReadShape[];
}

/** a file read by the loader, with the schema definition its content must match (root = playbook) */
export interface ReadShape {
  file: import('../source/yaml-file.js').YamlFile;
  def?: string;
}

let nextId = 1;
// Allocates a unique node id (ids order nodes by load order).
export function newId(): number {
  return nextId++;
}
