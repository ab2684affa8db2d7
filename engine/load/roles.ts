// Finds and loads roles (tasks/, handlers/, defaults/, vars/, meta/ dependencies) and
// wraps each in an implicit block that carries the role entry's keywords.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { SourcePos } from '../diagnostics.js';
import type { LoadContext } from './context.js';
import { newId, type Block, type Keywords, type Node, type Parent, type RoleScope, type Task, type Vars } from './model.js';
import { readYaml, type YamlFile } from '../source/yaml-file.js';
import { ROLE_ENTRY_KEYWORDS } from './keywords.js';
import { readKeywords } from './task.js';

export interface RoleRequest {
  name: string;
  params: Vars;
  /** `vars:` given with the role (entry, dependency or import): role vars visible to the play */
  extraVars?: Vars;
  /** keys of roles already in the play: a role with the same name and params runs once */
  dedup?: Set<string>;
  kw: Keywords;
  pos: SourcePos;
  src: Block['src'];
  parent?: Parent;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** allow_duplicates given with the import (wins over the role's meta) */
  allowDuplicates?: boolean;
  /** rolespec_validate: false — no argument validation task */
  skipArgumentSpec?: boolean;
  /** the role's identity in the play (roleKey), when it is deduplicated */
  dedupKey?: string;
  /** the folder holding the role that depends on this one (searched too, as Ansible does) */
  parentRoleDir?: string;
}

export interface RoleLoaders {
  loadTasks(file: YamlFile, value: unknown, role: RoleScope, parent: Block, handler: boolean): Node[];
}

// Directories searched for a role by name, in order: roles/ next to the playbook file, the
// configured roles path, the folder of the role that depends on it, the playbook's folder.
export function roleSearchPaths(ctx: LoadContext, parentRoleDir?: string): string[] {
  return [join(ctx.basedir, 'roles'), ...(ctx.options.rolesPath ?? []), ...(parentRoleDir ? [parentRoleDir] : []), ctx.basedir];
}

// Resolves a role name (`name`, `group/name`, or a path) to its directory, and the name it goes by.
export function findRoleDir(ctx: LoadContext, name: string, parentRoleDir?: string): string | undefined {
  if (isAbsolute(name)) return isRoleDir(name) ? name : undefined;
  for (const d of roleSearchPaths(ctx, parentRoleDir)) {
    const p = resolve(d, name);
    if (isRoleDir(p)) return p;
  }
  const p = resolve(name);
  if (isRoleDir(p)) return p;
  // a collection's role (namespace.collection.role) in the installed collections
  return ctx.options.ansibleModules?.collectionRole(name, ctx.playbookDir);
}

// Any directory is a role to Ansible (one with only library/ or templates/ too).
function isRoleDir(d: string): boolean {
  return existsSync(d) && statSync(d).isDirectory();
}

function mainFile(dir: string, sub: string, base = 'main'): string | undefined {
  for (const ext of ['.yml', '.yaml', '.json', '']) {
    const p = join(dir, sub, base + ext);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

// A role's defaults or vars: main.yml (or .yaml, .json, no extension), or every YAML/JSON file of a
// main/ folder in name order, merged (an empty file adds nothing), as ansible-core reads them.
function roleVars(ctx: LoadContext, dir: string, sub: string, base: string): Vars {
  const folder = join(dir, sub, base);
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    const files = readdirSync(folder).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    return Object.assign({}, ...files.map((f) => readVars(ctx, join(folder, f))));
  }
  return readVars(ctx, mainFile(dir, sub, base));
}

function readVars(ctx: LoadContext, path: string | undefined): Vars {
  if (!path) return {};
  const { file, diagnostics } = readYaml(path);
  ctx.diagnostics.push(...diagnostics);
  const v = file?.value;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Vars) : {};
}

// Loads a role (and its meta dependencies) into an implicit block; undefined if missing.
export function loadRole(ctx: LoadContext, req: RoleRequest, loaders: RoleLoaders, seen = new Set<string>()): { block: Block; role: RoleScope; handlers: Task[]; roles: RoleScope[] } | undefined {
  const dir = findRoleDir(ctx, req.name, req.parentRoleDir);
  if (!dir) {
    ctx.error('undefined-role', `the role '${req.name}' was not found in ${roleSearchPaths(ctx, req.parentRoleDir).join(':')}`, req.pos);
    return undefined;
  }
  if (seen.has(dir)) {
    ctx.error('recursion', `role dependency cycle through '${req.name}'`, req.pos, 'a role must not depend on itself, directly or through its dependencies');
    return undefined;
  }
  const key = `${dir}#${req.tasksFrom ?? 'main'}`;
  const open = ctx.roleStack.findIndex((r) => r.key === key);
  if (open >= 0) {
    const cycle = [...ctx.roleStack.slice(open).map((r) => r.name), req.name];
    ctx.error('recursion', `role recursion: ${cycle.join(' -> ')} (a role imports or includes itself)`, req.pos, 'import a different tasks_from file, or move the shared tasks to another role');
    return undefined;
  }
  if (ctx.tooDeep(`role ${req.name}`, req.pos)) return undefined;
  ctx.roleStack.push({ key, name: req.tasksFrom ? `${req.name} (tasks_from ${req.tasksFrom})` : req.name });
  try {
    return loadRoleIn(ctx, req, loaders, seen, dir);
  } finally {
    ctx.roleStack.pop();
  }
}

function loadRoleIn(ctx: LoadContext, req: RoleRequest, loaders: RoleLoaders, seen: Set<string>, dir: string): ReturnType<typeof loadRole> {
  seen.add(dir);
  if (existsSync(join(dir, 'library'))) ctx.roleLibraries.add(join(dir, 'library'));
  const role: RoleScope = {
    kind: 'role',
    name: req.name,
    path: dir,
    defaults: roleVars(ctx, dir, 'defaults', req.defaultsFrom ?? 'main'),
    vars: { ...roleVars(ctx, dir, 'vars', req.varsFrom ?? 'main'), ...(req.extraVars ?? {}) },
    params: req.params,
    kw: {},
    handlers: [],
    pos: req.pos,
  };
  if (req.parent) role.parent = req.parent;
  if (req.parentRoleDir) role.dependency = true;
  const block: Block = { kind: 'block', id: newId(), block: [], rescue: [], always: [], kw: req.kw, implicit: 'role', role, pos: req.pos, src: req.src };
  if (req.parent) block.parent = req.parent;
  const allRoles: RoleScope[] = [];
  const handlers: Task[] = [];
  const meta = mainFile(dir, 'meta');
  const metaValue = meta ? (readYaml(meta).file?.value as Vars | undefined) : undefined;
  if (metaValue && typeof metaValue === 'object' && metaValue['collections'] !== undefined) role.kw.collections = metaValue['collections'];
  const allowDuplicates = req.allowDuplicates ?? (metaValue && typeof metaValue === 'object' && (metaValue['allow_duplicates'] === true || String(metaValue['allow_duplicates']).toLowerCase() === 'yes'));
  if (req.dedupKey && !allowDuplicates) block.roleKey = req.dedupKey;
  const deps = metaValue && typeof metaValue === 'object' ? metaValue['dependencies'] : undefined;
  if (Array.isArray(deps)) {
    for (const d of deps) {
      const name = typeof d === 'string' ? d : ((d as Vars)?.['role'] ?? (d as Vars)?.['name']);
      if (typeof name !== 'string') continue;
      const entry = typeof d === 'object' && d ? (d as Vars) : {};
      const params: Vars = {};
      for (const [k, v] of Object.entries(entry)) if (!ROLE_ENTRY_KEYWORDS.has(k)) params[k] = v;
      const depVars = entry['vars'] && typeof entry['vars'] === 'object' ? (entry['vars'] as Vars) : {};
      const kw = readKeywords(entry);
      delete kw.vars;
      const key = roleKey(name, params, depVars, kw);
      const repeated = req.dedup?.has(key) === true;
      req.dedup?.add(key);
      const sub = loadRepeatable(ctx, repeated, () => loadRole(ctx, { name, params, extraVars: depVars, kw, dedupKey: key, pos: req.pos, src: req.src, parent: block, parentRoleDir: dirname(dir), ...(req.dedup ? { dedup: req.dedup } : {}) }, loaders, seen));
      if (!sub) continue;
      block.block.push(sub.block);
      if (repeated) continue;
      allRoles.push(...sub.roles);
      handlers.push(...sub.handlers);
    }
  }
  const tasksPath = mainFile(dir, 'tasks', req.tasksFrom ?? 'main');
  if (req.tasksFrom && !tasksPath) ctx.error('missing-file', `tasks_from file '${req.tasksFrom}' not found in role '${req.name}'`, req.pos);
  const validation = req.skipArgumentSpec ? undefined : argumentSpecTask(dir, metaValue, req);
  if (validation) block.block.push(...loaders.loadTasks(validation.file, [validation.task], role, block, false));
  if (tasksPath) {
    const { file, diagnostics } = readYaml(tasksPath, req.pos);
    ctx.diagnostics.push(...diagnostics);
    if (file) block.block.push(...loaders.loadTasks(file, file.value, role, block, false));
  }
  const handlersPath = mainFile(dir, 'handlers', req.handlersFrom ?? 'main');
  if (handlersPath) {
    const { file, diagnostics } = readYaml(handlersPath, req.pos);
    ctx.diagnostics.push(...diagnostics);
    if (file) {
      const nodes = loaders.loadTasks(file, file.value, role, block, true);
      role.handlers = flattenHandlers(nodes);
      handlers.push(...role.handlers);
    }
  }
  allRoles.push(role);
  seen.delete(dir);
  return { block, role, handlers, roles: allRoles };
}

// The task Ansible puts first in a role with an argument spec for its entry point (tasks_from or
// main): validate_argument_spec of the spec's options against the role's params, tagged always.
function argumentSpecTask(dir: string, meta: Vars | undefined, req: RoleRequest): { file: YamlFile; task: Vars } | undefined {
  const specPath = mainFile(dir, 'meta', 'argument_specs');
  const file = specPath ? readYaml(specPath).file : undefined;
  const fromFile = file?.value && typeof file.value === 'object' ? (file.value as Vars)['argument_specs'] : undefined;
  const specs = (fromFile ?? (meta && typeof meta === 'object' ? meta['argument_specs'] : undefined)) as Vars | undefined;
  const entry = req.tasksFrom ?? 'main';
  const spec = specs && typeof specs === 'object' ? (specs[entry] as Vars | undefined) : undefined;
  if (!spec || typeof spec !== 'object') return undefined;
  const metaPath = mainFile(dir, 'meta');
  const where = file ?? (metaPath ? readYaml(metaPath).file : undefined);
  if (!where) return undefined;
  const short = spec['short_description'];
  return {
    file: where,
    task: {
      name: `Validating arguments against arg spec '${entry}'${short !== undefined ? ` - ${String(short)}` : ''}`,
      'ansible.builtin.validate_argument_spec': { argument_spec: spec['options'] ?? {}, provided_arguments: req.params },
      tags: ['always'],
    },
  };
}

// Loads a role entry; one already loaded with the same identity (`repeated`) is kept for the
// listings but marked not to run, and its diagnostics (the first load's) are not repeated.
export function loadRepeatable<T extends { block: Block }>(ctx: LoadContext, repeated: boolean, load: () => T | undefined): T | undefined {
  const before = ctx.diagnostics.length;
  const loaded = load();
  // a role whose meta allows duplicates (no identity kept) runs each time it is listed
  if (!repeated || (loaded && loaded.block.roleKey === undefined)) return loaded;
  ctx.diagnostics.length = before;
  if (loaded) loaded.block.repeatedRole = true;
  return loaded;
}

// Identity of a role entry for deduplication: its name, params, vars, and (as Ansible's role
// cache) its when and tags.
export function roleKey(name: string, params: Vars, vars: Vars = {}, kw: Keywords = {}): string {
  return `${name}|${JSON.stringify(params)}|${JSON.stringify(vars)}|${JSON.stringify(kw.when ?? null)}|${JSON.stringify(kw.tags ?? [])}`;
}

// Handlers are a flat list: blocks and imports inside handler files are flattened.
export function flattenHandlers(nodes: Node[]): Task[] {
  const out: Task[] = [];
  for (const n of nodes) {
    if (n.kind === 'task') out.push(n);
    else out.push(...flattenHandlers([...n.block, ...n.rescue, ...n.always]));
  }
  return out;
}
