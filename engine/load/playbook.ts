// Loads a playbook file into plays (following import_playbook, import_tasks, import_role
// and roles), collecting every diagnostic instead of stopping at the first.
import { dirname, resolve } from 'node:path';
import type { Result } from '../diagnostics.js';
import { isStackOverflow, limitHint } from '../shared/limits.js';
import { LoadContext, relativeName, type LoadOptions } from './context.js';
import { renderStatic } from './static-vars.js';
import { PLAY_KEYWORDS, ROLE_ENTRY_KEYWORDS, suggest } from './keywords.js';
import { newId, type Block, type Node, type Play, type PlayScope, type Playbook, type RoleScope, type Task, type Vars } from './model.js';
import { flattenHandlers, loadRepeatable, loadRole, roleKey } from './roles.js';
import { allWhen } from './inherit.js';
import { asList, asTags, loadNodeList, readKeywords, type TaskLoadOptions } from './task.js';
import { posAt, readYaml, type YamlFile, type YamlPath } from '../source/yaml-file.js';
import { loadIncludeFile, taskSearchDirs } from './include.js';

// Loads and normalises a playbook; returns every diagnostic found if anything is wrong.
export function loadPlaybook(path: string, options: LoadOptions): Result<Playbook> & { partial?: Playbook } {
  const file = resolve(path);
  const ctx = new LoadContext(file, options);
  const plays: Play[] = [];
  try {
    loadPlaybookFile(ctx, file, plays, {});
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    ctx.error('nesting-too-deep', 'the playbook nests too deeply to load (imports, roles or blocks): the call stack was exhausted', { file, offset: 0 }, limitHint('includeDepth'));
  }
  const errors = ctx.diagnostics.filter((d) => d.severity !== 'warning');
  const warnings = ctx.diagnostics.filter((d) => d.severity === 'warning');
  const value = { file, dir: dirname(file), plays, shapes: ctx.shapes };
  if (errors.length > 0) return { ok: false, diagnostics: ctx.diagnostics, partial: value };
  return { ok: true, value, warnings };
}

function loadPlaybookFile(ctx: LoadContext, path: string, plays: Play[], inheritedVars: Vars, from?: Play['pos'], inheritedTags: unknown[] = []): void {
  if (ctx.importStack.includes(path)) {
    const cycle = ctx.importStack.slice(ctx.importStack.indexOf(path));
    ctx.error('recursion', `import_playbook cycle: ${[...cycle, path].map((f) => relativeName(f, ctx.playbookDir)).join(' -> ')}`, from, 'a playbook must not import itself, directly or through others');
    return;
  }
  if (ctx.tooDeep(`import_playbook ${relativeName(path, ctx.playbookDir)}`, from)) return;
  const { file, diagnostics } = readYaml(path, from);
  ctx.diagnostics.push(...diagnostics);
  if (!file || diagnostics.length > 0) return;
  if (!Array.isArray(file.value)) {
    ctx.error('schema', 'a playbook must be a list of plays', posAt(file, []));
    return;
  }
  if (file.value.length === 0) {
    ctx.error('schema', `A playbook must contain at least one play: ${path}`, posAt(file, []));
    return;
  }
  ctx.shapes.push({ file });
  ctx.importStack.push(path);
  const basedir = ctx.basedir;
  ctx.basedir = dirname(path);
  file.value.forEach((entry, i) => {
    const importKey = playbookImportKey(entry);
    if (importKey !== undefined) {
      const e = entry as Vars;
      const importVars = e['vars'] && typeof e['vars'] === 'object' && !Array.isArray(e['vars']) ? (e['vars'] as Vars) : {};
      const name = renderStatic(String(e[importKey] ?? '').trim(), { ...inheritedVars, ...importVars, ...ctx.options.extraVars });
      // a file next to the importing playbook, else a collection's playbook (ns.coll.name)
      const target = name ? (ctx.findFile(name, [dirname(path)]) ?? ctx.options.ansibleModules?.collectionPlaybook(name, ctx.playbookDir)) : undefined;
      if (!target) {
        ctx.error('missing-file', `imported playbook not found: ${name}`, posAt(file, [i, importKey]));
        return;
      }
      const first = plays.length;
      loadPlaybookFile(ctx, target, plays, { ...inheritedVars, ...importVars }, posAt(file, [i]), [...inheritedTags, ...(asTags(e['tags']) ?? [])]);
      const when = asList(e['when']);
      if (when) for (const play of plays.slice(first)) play.scope.kw.when = [...when, ...(play.scope.kw.when ?? [])];
      return;
    }
    const play = loadPlay(ctx, file, [i], entry, plays.length + 1, inheritedVars);
    if (play && inheritedTags.length > 0) play.scope.kw.tags = [...inheritedTags, ...(play.scope.kw.tags ?? [])];
    if (play) plays.push(play);
  });
  ctx.basedir = basedir;
  ctx.importStack.pop();
}

/** the names under which a playbook entry imports another playbook (2.14 refuses a bare `include`
 *  there: "'include' is not a valid attribute for a Play") */
const PLAYBOOK_IMPORTS = ['import_playbook', 'ansible.builtin.import_playbook', 'ansible.legacy.import_playbook'];

// The key of a playbook entry that imports a playbook, if it is one.
function playbookImportKey(entry: unknown): string | undefined {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  if ('hosts' in entry) return undefined;
  return PLAYBOOK_IMPORTS.find((k) => k in entry);
}

function loadPlay(ctx: LoadContext, file: YamlFile, path: YamlPath, raw: unknown, index: number, inheritedVars: Vars): Play | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.error('schema', 'a play must be a mapping', posAt(file, path));
    return undefined;
  }
  let obj = raw as Vars;
  // `user` is the older name of remote_user (2.14 still takes it)
  if ('user' in obj && !('remote_user' in obj)) {
    const { user, ...rest } = obj;
    obj = { ...rest, remote_user: user };
  }
  for (const key of Object.keys(obj)) {
    if (PLAY_KEYWORDS.has(key)) continue;
    const hint = suggest(key, PLAY_KEYWORDS);
    ctx.error('unknown-keyword', `'${key}' is not a valid attribute for a play`, posAt(file, [...path, key], true), hint ? `did you mean '${hint}'?` : 'tasks go under tasks:');
  }
  let hosts = obj['hosts'];
  if (Array.isArray(hosts)) hosts = hosts.map(String).join(',');
  if (hosts === undefined || hosts === null || hosts === '') {
    ctx.error('schema', "the field 'hosts' is required but was not set", posAt(file, path));
    hosts = '';
  }
  const scope: PlayScope = { kind: 'play', kw: readKeywords(obj) };
  delete scope.kw.when;
  const vars = playVars(ctx, file, path, obj['vars']);
  const play: Play = {
    index,
    name: obj['name'] !== undefined && obj['name'] !== null ? String(obj['name']) : String(hosts),
    hosts: String(hosts),
    file: file.path,
    pos: posAt(file, path),
    hostsPos: posAt(file, [...path, 'hosts'], true),
    src: { file, path },
    gather_facts: obj['gather_facts'] === undefined || obj['gather_facts'] === null ? true : obj['gather_facts'],
    vars: { ...inheritedVars, ...vars },
    vars_files: Array.isArray(obj['vars_files']) ? obj['vars_files'] : obj['vars_files'] !== undefined && obj['vars_files'] !== null ? [obj['vars_files']] : [],
    scope,
    pre_tasks: [],
    roles: [],
    tasks: [],
    post_tasks: [],
    handlers: [],
    allRoles: [],
  };
  if (obj['serial'] !== undefined) {
    play.serial = obj['serial'];
    play.serialPos = posAt(file, [...path, 'serial']);
  }
  if (obj['max_fail_percentage'] !== undefined) play.max_fail_percentage = obj['max_fail_percentage'];
  if (obj['order'] !== undefined && obj['order'] !== null) play.order = obj['order'];
  if (obj['force_handlers'] !== undefined && obj['force_handlers'] !== null) play.force_handlers = obj['force_handlers'];
  if (obj['strategy'] !== undefined && obj['strategy'] !== null) {
    play.strategy = obj['strategy'];
    const s = typeof play.strategy === 'string' ? play.strategy : '';
    if (s === 'free' || s === 'host_pinned') ctx.warn('unsupported', `strategy '${s}' runs as 'linear' in tsplay: every host still gets the same results, but hosts wait for each other at each task`, posAt(file, [...path, 'strategy']));
  }
  if (obj['confirm'] !== undefined) play.confirm = obj['confirm'];
  if (Array.isArray(obj['vars_prompt'])) {
    play.vars_prompt = obj['vars_prompt'] as Vars[];
    play.vars_prompt.forEach((p, i) => {
      if (!p || typeof p !== 'object' || !('name' in p)) ctx.error('schema', "Invalid vars_prompt data structure, missing 'name' key", posAt(file, [...path, 'vars_prompt', i]));
    });
  }
  const staticVars = { ...play.vars, ...ctx.options.extraVars };
  const roleHandlers: Task[] = [];
  const opts = (parent: Block | PlayScope): TaskLoadOptions => ({ handler: false, parent, expandImport: (t) => expandImport(ctx, t, staticVars, play, roleHandlers) });
  play.pre_tasks = loadNodeList(ctx, file, [...path, 'pre_tasks'], obj['pre_tasks'], opts(scope));
  play.roles = loadRoleEntries(ctx, file, [...path, 'roles'], obj['roles'], play, staticVars, roleHandlers);
  play.tasks = loadNodeList(ctx, file, [...path, 'tasks'], obj['tasks'], opts(scope));
  play.post_tasks = loadNodeList(ctx, file, [...path, 'post_tasks'], obj['post_tasks'], opts(scope));
  const own = loadNodeList(ctx, file, [...path, 'handlers'], obj['handlers'], {
    handler: true,
    parent: scope,
    expandImport: (t) => expandImport(ctx, t, staticVars, play, roleHandlers, true),
  });
  play.handlers = [...roleHandlers, ...flattenHandlers(own)];
  for (const list of [play.pre_tasks, play.tasks, play.post_tasks]) checkIncludes(ctx, list, staticVars, play);
  return play;
}

function playVars(ctx: LoadContext, file: YamlFile, path: YamlPath, v: unknown): Vars {
  if (v === undefined || v === null) return {};
  if (Array.isArray(v)) return Object.assign({}, ...v.filter((x) => x && typeof x === 'object'));
  if (typeof v === 'object') return v as Vars;
  ctx.error('schema', 'vars must be a mapping', posAt(file, [...path, 'vars']));
  return {};
}

// Ansible booleans: yes/no/true/false/on/off/1/0 (strings are accepted too).
export function truthyBool(v: unknown): boolean {
  if (typeof v === 'string') return ['yes', 'true', 'on', '1', 'y', 't'].includes(v.trim().toLowerCase());
  return Boolean(v);
}

function loadRoleEntries(ctx: LoadContext, file: YamlFile, path: YamlPath, raw: unknown, play: Play, staticVars: Vars, handlers: Task[]): Block[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.error('schema', 'roles must be a list', posAt(file, path));
    return [];
  }
  const out: Block[] = [];
  const dedup = new Set<string>();
  raw.forEach((entry, i) => {
    const p = [...path, i];
    const obj: Vars = typeof entry === 'string' ? { role: entry } : entry && typeof entry === 'object' ? (entry as Vars) : {};
    const name = obj['role'] ?? obj['name'];
    if (typeof name !== 'string') {
      ctx.error('schema', 'a role entry needs a role name', posAt(file, p));
      return;
    }
    const params: Vars = {};
    for (const [k, v] of Object.entries(obj)) if (!ROLE_ENTRY_KEYWORDS.has(k)) params[k] = v;
    const extraVars = obj['vars'] && typeof obj['vars'] === 'object' ? (obj['vars'] as Vars) : {};
    const kw = readKeywords(obj);
    delete kw.vars;
    const roleName = renderStatic(name, staticVars);
    const key = roleKey(roleName, params, extraVars, kw);
    const repeated = dedup.has(key);
    dedup.add(key);
    const loaded = loadRepeatable(ctx, repeated, () => loadRole(ctx, { name: roleName, params, extraVars, dedup, dedupKey: key, kw, pos: posAt(file, p), src: { file, path: p }, parent: play.scope }, roleLoaders(ctx, staticVars, play, handlers)));
    if (!loaded) return;
    out.push(loaded.block);
    if (repeated) return;
    handlers.push(...loaded.handlers);
    play.allRoles.push(...loaded.roles);
  });
  return out;
}

function roleLoaders(ctx: LoadContext, staticVars: Vars, play: Play, handlers: Task[]) {
  return {
    loadTasks: (file: YamlFile, value: unknown, role: RoleScope, parent: Block, handler: boolean): Node[] =>
      loadNodeList(ctx, file, [], value, { handler, role, parent, expandImport: (t) => expandImport(ctx, t, staticVars, play, handlers, handler) }),
  };
}

// Expands import_tasks / import_role into an implicit block carrying the import's keywords.
export function expandImport(ctx: LoadContext, task: Task, staticVars: Vars, play: Play, handlers: Task[], handler = false): Node | undefined {
  const kw = { ...task.kw };
  // what an import's names are templated with: the play's vars, the import's own, extra vars on top
  const vars = task.kw.vars ? { ...staticVars, ...(task.kw.vars as Vars), ...ctx.options.extraVars } : staticVars;
  const strArg = (key: string, as: string): Record<string, string> => templatedArg(task.args, key, as, vars);
  if (task.mod.construct === 'import_role') {
    const name = renderStatic(String(task.args['name'] ?? ''), vars);
    const req = {
      name,
      params: {},
      extraVars: { ...((task.args['vars'] as Vars) ?? {}), ...(task.kw.vars ?? {}) },
      kw,
      // import_role's own allow_duplicates (default true) replaces the role's meta, as ansible-core's
      // IncludeRole does: the same role imported twice runs twice unless the import says false
      allowDuplicates: task.args['allow_duplicates'] === undefined || !/^(false|no|off|0)$/i.test(renderStatic(String(task.args['allow_duplicates']), vars)),
      ...(task.args['rolespec_validate'] !== undefined && /^(false|no|off|0)$/i.test(renderStatic(String(task.args['rolespec_validate']), vars)) ? { skipArgumentSpec: true } : {}),
      pos: task.pos,
      src: task.src,
      ...(task.parent ? { parent: task.parent } : {}),
      ...strArg('tasks_from', 'tasksFrom'),
      ...strArg('vars_from', 'varsFrom'),
      ...strArg('defaults_from', 'defaultsFrom'),
      ...strArg('handlers_from', 'handlersFrom'),
    };
    // ansible-core's role cache keys on tasks_from as written (two imports templating to the same file both run)
    const dedupKey = `${roleKey(name, {}, req.extraVars, { when: kw.when, tags: kw.tags })}#${String(task.args['tasks_from'] ?? '')}`;
    const loaded = loadRole(ctx, { ...req, dedupKey }, roleLoaders(ctx, staticVars, play, handlers));
    if (!loaded) return undefined;
    handlers.push(...loaded.handlers);
    play.allRoles.push(...loaded.roles);
    return loaded.block;
  }
  const name = renderStatic(String(task.args['_raw_params'] ?? task.args['file'] ?? ''), vars);
  const block: Block = { kind: 'block', id: newId(), block: [], rescue: [], always: [], kw, implicit: 'import', pos: task.pos, src: task.src };
  if (task.bareInclude) {
    // a bare include: key=value arguments are block vars, `vars:` are include params
    if (task.kw.vars) block.params = task.kw.vars;
    if (Object.keys(task.bareInclude).length > 0) block.kw = { ...kw, vars: task.bareInclude };
    else delete block.kw.vars;
  }
  if (task.name) block.name = task.name;
  if (task.parent) block.parent = task.parent;
  if (task.role) block.role = task.role;
  const nodes = loadIncludeFile(ctx, name, task, { handler, ...(task.role ? { role: task.role } : {}), parent: block, expandImport: (t) => expandImport(ctx, t, staticVars, play, handlers, handler) });
  if (!nodes) return undefined;
  block.block = nodes;
  return block;
}

// A string argument under another name, templated with the variables known at load time.
function templatedArg(args: Vars, key: string, as: string, vars: Vars): Record<string, string> {
  return typeof args[key] === 'string' ? { [as]: renderStatic(args[key] as string, vars) } : {};
}

// Checks the include_tasks/include_role targets Ansible will certainly reach exist (and validates
// their content): a literal file, outside loops and conditions. A templated name, a loop or a
// `when` (the include's own or inherited) defers the check to when the include is reached, as in
// Ansible; a missing file then fails that host.
function checkIncludes(ctx: LoadContext, nodes: Node[], staticVars: Vars, play: Play): void {
  for (const n of nodes) {
    if (n.kind === 'block') {
      checkIncludes(ctx, [...n.block, ...n.rescue, ...n.always], staticVars, play);
      continue;
    }
    if (n.mod.construct !== 'include_tasks' && n.mod.construct !== 'include_role') continue;
    if (n.loop || allWhen(n).length > 0) continue;
    const literal = (v: unknown) => v === undefined || (typeof v === 'string' && !v.includes('{{') && !v.includes('{%'));
    if (!Object.values(n.args).every(literal)) continue;
    if (n.mod.construct === 'include_tasks') {
      const name = String(n.args['_raw_params'] ?? n.args['file'] ?? '');
      // loaded as the include will load it: under a dynamic parent (a bare include: inside is dynamic)
      const parent: Block = { kind: 'block', id: newId(), block: [], rescue: [], always: [], kw: {}, implicit: 'include', pos: n.pos, src: n.src, ...(n.parent ? { parent: n.parent } : {}) };
      loadIncludeFile(ctx, name, n, { handler: n.handler, parent, ...(n.role ? { role: n.role } : {}), expandImport: (t) => expandImport(ctx, t, staticVars, play, []) });
    } else {
      const name = String(n.args['name'] ?? '');
      loadRole(ctx, { name, params: {}, kw: {}, pos: n.pos, src: n.src, ...templatedArg(n.args, 'tasks_from', 'tasksFrom', staticVars), ...templatedArg(n.args, 'vars_from', 'varsFrom', staticVars), ...templatedArg(n.args, 'defaults_from', 'defaultsFrom', staticVars), ...templatedArg(n.args, 'handlers_from', 'handlersFrom', staticVars) }, roleLoaders(ctx, staticVars, play, []));
    }
  }
}

export { taskSearchDirs, asTags };
