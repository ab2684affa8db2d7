// Turns one YAML task mapping into a Task or Block: finds the action among the keys,
// parses free-form arguments, normalises with_*/local_action/args, and reports unknown
// keywords, unknown modules and conflicting actions with positions.
import { KvSyntaxError, parseKv, splitArgs } from './kv.js';
import { BLOCK_KEYWORDS, HANDLER_KEYWORDS, suggest, TASK_KEYWORDS } from './keywords.js';
import type { ModuleDef } from '../module.js';
import { newId, type Block, type Keywords, type LoopSpec, type Node, type Parent, type RoleScope, type Task, type Vars } from './model.js';
import { posAt, type YamlFile, type YamlPath } from '../source/yaml-file.js';
import type { LoadContext } from './context.js';

export interface TaskLoadOptions {
  handler: boolean;
  role?: RoleScope;
  parent?: Parent;
  /** expands import_tasks/import_role in place (set by the list loader) */
  expandImport?: (task: Task) => Node | undefined;
}

const KEYWORD_FIELDS: (keyof Keywords)[] = [
  'collections', 'module_defaults',
  'become', 'become_user', 'become_method', 'become_flags', 'ignore_errors', 'ignore_unreachable', 'any_errors_fatal',
  'check_mode', 'diff', 'delegate_to', 'delegate_facts', 'run_once', 'environment', 'no_log', 'throttle', 'timeout',
  'connection', 'remote_user', 'port', 'notify',
];

// Normalises `when`/`failed_when`/... values into a list of conditions.
export function asList(v: unknown): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v : [v];
}

// Normalises `tags` (string "a,b", number, list) into a list.
export function asTags(v: unknown): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return v.split(',').map((t) => t.trim()).filter((t) => t !== '');
  return [v];
}

// Reads the inheritable keywords of a mapping.
export function readKeywords(raw: Record<string, unknown>): Keywords {
  const kw: Keywords = {};
  for (const k of KEYWORD_FIELDS) if (raw[k] !== undefined) (kw as Record<string, unknown>)[k] = raw[k];
  const when = asList(raw['when']);
  if (when) kw.when = when;
  const tags = asTags(raw['tags']);
  if (tags) kw.tags = tags;
  if (raw['vars'] && typeof raw['vars'] === 'object' && !Array.isArray(raw['vars'])) kw.vars = raw['vars'] as Vars;
  return kw;
}

// Loads one task-list entry (task or block) at `path`.
export function loadNode(ctx: LoadContext, file: YamlFile, path: YamlPath, raw: unknown, opts: TaskLoadOptions): Node | undefined {
  const pos = posAt(file, path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.error('schema', `a task must be a mapping, got ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}`, pos);
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  if ('block' in obj) return loadBlock(ctx, file, path, obj, opts);
  return loadTask(ctx, file, path, obj, opts);
}

// Loads a list of task entries; import_tasks/import_role are expanded by `opts.expandImport`.
export function loadNodeList(ctx: LoadContext, file: YamlFile, path: YamlPath, raw: unknown, opts: TaskLoadOptions): Node[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.error('schema', `expected a list of tasks, got ${typeof raw}`, posAt(file, path));
    return [];
  }
  const out: Node[] = [];
  raw.forEach((item, i) => {
    const node = loadNode(ctx, file, [...path, i], item, opts);
    if (!node) return;
    if (node.kind === 'task' && (node.mod.construct === 'import_tasks' || node.mod.construct === 'import_role') && opts.expandImport) {
      const expanded = opts.expandImport(node);
      if (expanded) out.push(expanded);
      return;
    }
    out.push(node);
  });
  return out;
}

function loadBlock(ctx: LoadContext, file: YamlFile, path: YamlPath, obj: Record<string, unknown>, opts: TaskLoadOptions): Block {
  // a handlers list may hold blocks (implicit ones, in Ansible's words), not a block inside one
  if (opts.handler && opts.parent?.kind === 'block' && !opts.parent.implicit) ctx.error('schema', 'Using a block as a handler is not supported.', posAt(file, path));
  for (const key of Object.keys(obj)) {
    if (BLOCK_KEYWORDS.has(key)) continue;
    const hint = suggest(key, BLOCK_KEYWORDS);
    ctx.error('unknown-keyword', `'${key}' is not a valid keyword for a block`, posAt(file, [...path, key], true), hint && `did you mean '${hint}'?`);
  }
  const block: Block = {
    kind: 'block',
    id: newId(),
    block: [],
    rescue: [],
    always: [],
    kw: readKeywords(obj),
    pos: posAt(file, path),
    src: { file, path },
  };
  if (typeof obj['name'] === 'string') block.name = obj['name'];
  if (opts.parent) block.parent = opts.parent;
  if (opts.role) block.role = opts.role;
  const child = { ...opts, parent: block };
  block.block = loadNodeList(ctx, file, [...path, 'block'], obj['block'], child);
  block.rescue = loadNodeList(ctx, file, [...path, 'rescue'], obj['rescue'], child);
  block.always = loadNodeList(ctx, file, [...path, 'always'], obj['always'], child);
  return block;
}

interface ActionFound {
  name: string;
  args: unknown;
  key: string;
  /** the module (an unimplemented stand-in for a module only Ansible has) */
  mod: ModuleDef;
  /** the action name is a template, resolved when the task runs */
  dynamic?: boolean;
}

// The module `name` resolves to: one tsplay implements, else a stand-in for one Ansible has.
export function resolveModule(ctx: LoadContext, name: string, opts: Pick<TaskLoadOptions, 'role' | 'parent'>, own?: unknown): ModuleDef | undefined {
  const mine = ctx.modules.find(name);
  // a custom module in a library/ folder wins over tsplay's own of that name, as in Ansible
  if (mine && !name.includes('.') && ctx.shadowedByLibrary(name, opts.role?.path)) return ctx.modules.unimplemented?.(name) ?? mine;
  if (mine) return mine;
  const collections = [...collectionsOf(opts.parent, own), ...collectionsOf(undefined, opts.role?.kw.collections)];
  const at = { ...(opts.role ? { roleDir: opts.role.path } : {}), ...(collections.length ? { collections } : {}) };
  // the library/ next to the playbook run, or next to an imported playbook being loaded
  const known = ctx.options.ansibleModules?.resolve(name, { playbookDir: ctx.playbookDir, ...at }) ?? (ctx.basedir !== ctx.playbookDir ? ctx.options.ansibleModules?.resolve(name, { playbookDir: ctx.basedir, ...at }) : undefined);
  if (!known) return undefined;
  const short = known.replace(/^ansible\.(builtin|legacy)\./, '');
  return ctx.modules.find(short) ?? ctx.modules.find(known) ?? ctx.modules.unimplemented?.(known);
}

// The `collections:` search list in effect: the task's own, then its blocks', role's and play's.
function collectionsOf(parent: Parent | undefined, own: unknown): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    for (const c of Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]) if (typeof c === 'string') out.push(c);
  };
  add(own);
  for (let p: Parent | undefined = parent; p; p = (p as { parent?: Parent }).parent) add(p.kw.collections);
  return out;
}

/** the stand-in module of a task whose action is a template ("action: '{{ module }}'"): resolved when it runs */
export const DYNAMIC_ACTION: ModuleDef = {
  name: 'action',
  summary: 'a templated action, resolved when the task runs',
  schema: { type: 'object' },
  freeForm: 'kv',
  checkMode: 'as the resolved module',
};

function findAction(ctx: LoadContext, file: YamlFile, path: YamlPath, obj: Record<string, unknown>, keywords: Set<string>, opts: TaskLoadOptions): ActionFound | undefined {
  const found: ActionFound[] = [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (keywords.has(key) || key.startsWith('with_')) continue;
    const mod = resolveModule(ctx, key, opts, obj['collections']);
    if (mod) found.push({ name: key, args: value, key, mod });
    else unknown.push(key);
  }
  for (const key of ['action', 'local_action']) {
    const v = obj[key];
    if (v === undefined) continue;
    let name: string | undefined;
    let args: unknown;
    if (typeof v === 'string') {
      let tokens: string[] = [];
      try {
        tokens = splitArgs(v.trim());
      } catch (e) {
        if (!(e instanceof KvSyntaxError)) throw e;
        ctx.error('module-args', e.message, posAt(file, [...path, key]));
        continue;
      }
      name = tokens[0]?.trim();
      args = v.trim().slice((tokens[0] ?? '').length).trim();
    } else if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Vars)['module'] === 'string') {
      const { module, ...rest } = v as Vars;
      name = module as string;
      args = rest;
    } else {
      ctx.error('schema', `'${key}' must be a string "module args" or a mapping with 'module'`, posAt(file, [...path, key]));
      continue;
    }
    if (!name) {
      ctx.error('no-action', `no module/action detected in '${key}'`, posAt(file, [...path, key]));
      continue;
    }
    if (name.includes('{{')) {
      found.push({ name, args, key, mod: DYNAMIC_ACTION, dynamic: true });
      continue;
    }
    const mod = resolveModule(ctx, name, opts, obj['collections']);
    if (!mod) {
      const hint = suggest(name, ctx.modules.names());
      ctx.error('unknown-module', `couldn't resolve module/action '${name}'`, posAt(file, [...path, key]), hint && `did you mean '${hint}'?`);
      return undefined;
    }
    found.push({ name, args, key, mod });
  }
  const modules = ctx.modules.names();
  for (const key of unknown) {
    const kwHint = suggest(key, keywords);
    const modHint = suggest(key, modules);
    const pos = posAt(file, [...path, key], true);
    if (kwHint || found.length > 0 || unknown.indexOf(key) > 0) {
      const hint = kwHint ?? modHint;
      ctx.error('unknown-keyword', `'${key}' is not a valid task keyword or module`, pos, hint && `did you mean '${hint}'?`);
    } else {
      ctx.error('unknown-module', `couldn't resolve module/action '${key}'`, pos, modHint ? `did you mean '${modHint}'?` : 'see `tsplay modules` for the list');
    }
  }
  if (found.length > 1) {
    ctx.error('two-actions', `conflicting action statements: ${found.map((f) => f.name).join(', ')}`, posAt(file, [...path, found[1]?.key ?? ''], true));
  }
  if (found.length === 0 && unknown.length === 0) {
    ctx.error('no-action', 'no module/action detected in task', posAt(file, path));
  }
  return found.length === 1 ? found[0] : undefined;
}

// Builds the argument mapping from the action's value and the `args` keyword.
function parseArgs(ctx: LoadContext, file: YamlFile, path: YamlPath, action: ActionFound, extra: unknown): Vars | undefined {
  const def = action.mod;
  const base: Vars = extra && typeof extra === 'object' && !Array.isArray(extra) ? { ...(extra as Vars) } : {};
  // `args: "{{ mapping }}"`: the arguments come from a template, merged under the written ones
  if (typeof extra === 'string' && hasTemplateText(extra)) base['_variable_params'] = extra;
  const v = action.args;
  if (v === null || v === undefined) return base;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    try {
      const parsed = parseKv(String(v), def.freeForm === 'command');
      const rawParams = parsed['_raw_params'];
      // a module that only takes key=value gets a whole-template argument as `_variable_params`
      // (`add_host: "{{ host }}"`), as Ansible does for every module outside its free-form ones
      if (def.freeForm === 'kv' && !action.dynamic && typeof rawParams === 'string' && hasTemplateText(rawParams) && Object.keys(parsed).length === 1) {
        return { ...base, _variable_params: rawParams };
      }
      if (rawParams !== undefined && !def.freeForm && !action.dynamic) {
        delete parsed['_raw_params'];
        if (typeof rawParams === 'string' && hasTemplateText(rawParams)) return { ...base, ...parsed, _variable_params: rawParams };
        ctx.error('module-args', `this task '${action.name}' has extra params, which is only allowed in modules that take a free-form argument`, posAt(file, [...path, action.key]), 'write the arguments as key=value pairs or as a mapping');
        return undefined;
      }
      return { ...base, ...parsed };
    } catch (e) {
      if (e instanceof KvSyntaxError) {
        ctx.error('module-args', e.message, posAt(file, [...path, action.key]));
        return undefined;
      }
      throw e;
    }
  }
  if (typeof v === 'object' && !Array.isArray(v)) return { ...base, ...(v as Vars) };
  ctx.error('module-args', `arguments of '${action.name}' must be a mapping or a key=value string`, posAt(file, [...path, action.key]));
  return undefined;
}

function hasTemplateText(s: string): boolean {
  return s.includes('{{') || s.includes('{%');
}

function loadLoop(ctx: LoadContext, file: YamlFile, path: YamlPath, obj: Record<string, unknown>): LoopSpec | undefined {
  const withKeys = Object.keys(obj).filter((k) => k.startsWith('with_'));
  const specs: LoopSpec[] = [];
  if (obj['loop'] !== undefined) specs.push({ kind: 'loop', value: obj['loop'] });
  // any lookup may drive a with_ loop; one that does not exist fails the task when it runs
  for (const k of withKeys) specs.push({ kind: k.slice(5), value: obj[k] });
  if (specs.length > 1) ctx.error('two-actions', `only one loop is allowed per task (found ${specs.map((s) => s.kind).join(', ')})`, posAt(file, path));
  return specs[0];
}

function loadTask(ctx: LoadContext, file: YamlFile, path: YamlPath, obj: Record<string, unknown>, opts: TaskLoadOptions): Task | undefined {
  const keywords = opts.handler ? HANDLER_KEYWORDS : TASK_KEYWORDS;
  const action = findAction(ctx, file, path, obj, keywords, opts);
  if (!action) return undefined;
  const def = action.mod;
  const args = parseArgs(ctx, file, path, action, obj['args']);
  if (!args) return undefined;
  const kw = readKeywords(obj);
  if (action.key === 'local_action') kw.delegate_to = 'localhost';
  const task: Task = {
    kind: 'task',
    id: newId(),
    action: action.name,
    resolved: def.name,
    mod: def,
    args,
    kw,
    handler: opts.handler,
    pos: posAt(file, path),
    src: { file, path },
    file: file.path,
  };
  if (obj['name'] !== undefined && obj['name'] !== null) task.name = String(obj['name']);
  if (typeof obj['register'] === 'string') task.register = obj['register'];
  else if (obj['register'] !== undefined) ctx.error('schema', 'register must be a variable name', posAt(file, [...path, 'register']));
  const loop = loadLoop(ctx, file, path, obj);
  if (loop) task.loop = loop;
  if (obj['loop_control'] && typeof obj['loop_control'] === 'object') task.loop_control = obj['loop_control'] as Vars;
  const until = asList(obj['until']);
  if (until) task.until = until;
  if (obj['retries'] !== undefined) task.retries = obj['retries'];
  if (obj['delay'] !== undefined) task.delay = obj['delay'];
  const fw = asList(obj['failed_when']);
  if (fw) task.failed_when = fw;
  const cw = asList(obj['changed_when']);
  if (cw) task.changed_when = cw;
  if (opts.handler) task.listen = (asTags(obj['listen']) ?? []).map(String);
  if (opts.handler && (def.construct === 'include_role' || def.construct === 'import_role')) ctx.error('schema', `Using '${action.name}' as a handler is not supported.`, posAt(file, [...path, action.key]));
  if (obj['guard'] !== undefined) task.guard = { raw: (obj['guard'] ?? {}) as Vars, pos: posAt(file, [...path, 'guard'], true) };
  if (obj['confirm'] !== undefined) task.confirm = obj['confirm'];
  if (obj['async'] !== undefined && obj['async'] !== null) task.async = obj['async'];
  if (obj['poll'] !== undefined && obj['poll'] !== null) task.poll = obj['poll'];
  if (action.dynamic) task.dynamicAction = action.name;
  if (opts.parent) task.parent = opts.parent;
  if (opts.role) task.role = opts.role;
  if (def.construct === 'include') oldStyleInclude(ctx, task);
  return task;
}

// 2.14's bare `include`: an import_tasks when its file is literal and it has no loop (Ansible's
// static include), else an include_tasks; its other key=value arguments are variables of the
// included tasks.
function underDynamicInclude(task: Task): boolean {
  for (let p: Parent | undefined = task.parent; p; p = p.kind === 'play' ? undefined : p.parent) if (p.kind === 'block' && p.implicit === 'include') return true;
  return false;
}

function oldStyleInclude(ctx: LoadContext, task: Task): void {
  const file = task.args['_raw_params'] ?? task.args['file'];
  const vars: Vars = {};
  for (const [k, v] of Object.entries(task.args)) if (k !== '_raw_params' && k !== 'file' && k !== 'apply') vars[k] = v;
  // dynamic when a parent is (a file loaded by include_tasks / include_role), as in 2.14
  const staticInclude = typeof file === 'string' && !hasTemplateText(file) && !task.loop && !underDynamicInclude(task);
  const mod = ctx.modules.find(staticInclude ? 'import_tasks' : 'include_tasks');
  if (!mod) return;
  task.mod = mod;
  task.resolved = mod.name;
  task.args = { _raw_params: file, ...(task.args['apply'] !== undefined ? { apply: task.args['apply'] } : {}) };
  task.bareInclude = vars;
}
