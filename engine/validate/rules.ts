// The validation passes after loading: module arguments against their schemas, every
// expression parsed (unknown filters/tests are errors), notify targets, serial/order
// values. Collects every diagnostic; nothing here touches a host.
import { compileCondition, compileTemplate, ExprSyntaxError, hasTemplate } from '../expr/index.js';
import { diag, type Diagnostic, type SourcePos } from '../diagnostics.js';
import type { Node, Play, Playbook, Task } from '../load/model.js';
import { posAt, scalarValueOffset, type YamlPath } from '../source/yaml-file.js';
import { serialEntries, serialEntrySize, SerialError } from '../load/serial.js';
import { resolveHandlers } from '../load/handlers.js';
import { checkModuleArgs } from './module-args.js';
import { ANSIBLE_CORE_MODULES } from '../load/ansible-modules.js';
import { checkGuard } from './guards.js';
import { checkShapes } from './envelope.js';

const ORDERS = new Set(['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle']);

// Runs every rule over a loaded playbook.
export function validatePlaybook(pb: Playbook): Diagnostic[] {
  const out: Diagnostic[] = checkShapes(pb.shapes);
  for (const play of pb.plays) validatePlay(play, out);
  return out;
}

function walk(nodes: Node[], f: (t: Task) => void): void {
  for (const n of nodes) {
    if (n.kind === 'task') f(n);
    else if (!n.repeatedRole) walk([...n.block, ...n.rescue, ...n.always], f);
  }
}

// Every task of a play, handlers included.
export function playTasks(play: Play): Task[] {
  const out: Task[] = [];
  walk([...play.pre_tasks, ...play.roles, ...play.tasks, ...play.post_tasks], (t) => out.push(t));
  return [...out, ...play.handlers];
}

function validatePlay(play: Play, out: Diagnostic[]): void {
  const at = (path: YamlPath, key = false) => posAt(play.src.file, [...play.src.path, ...path], key);
  const serialShape = typeof play.serial === 'number' || typeof play.serial === 'string' || Array.isArray(play.serial);
  if (play.serial !== undefined && serialShape && !(typeof play.serial === 'string' && hasTemplate(play.serial))) {
    try {
      for (const e of serialEntries(play.serial) ?? []) if (!(typeof e === 'string' && hasTemplate(e))) serialEntrySize(e, 1);
    } catch (e) {
      if (e instanceof SerialError) out.push(diag('bad-serial', e.message, at(['serial']), 'use an integer, "N%", or a list of them'));
    }
  }
  if (play.order !== undefined && !(typeof play.order === 'string' && (ORDERS.has(play.order) || hasTemplate(play.order)))) out.push(diag('bad-value', `Invalid 'order' specified for the play: ${String(play.order)}`, at(['order']), `one of: ${[...ORDERS].join(', ')}`));
  if (play.max_fail_percentage !== undefined && typeof play.max_fail_percentage !== 'number' && !(typeof play.max_fail_percentage === 'string' && (hasTemplate(play.max_fail_percentage) || !Number.isNaN(Number(play.max_fail_percentage))))) {
    out.push(diag('bad-value', 'max_fail_percentage must be a number', at(['max_fail_percentage'])));
  }
  checkTemplates(play.hosts, play.src.file, [...play.src.path, 'hosts'], out);
  for (const t of playTasks(play)) validateTask(play, t, out);
}

// The meta actions its schema allows (the enum of its free-form argument).
function metaActions(schema: Record<string, unknown>): string[] {
  const props = schema['properties'] as Record<string, { enum?: unknown[] }> | undefined;
  return (props?.['_raw_params']?.enum ?? []).map(String);
}

function validateTask(play: Play, t: Task, out: Diagnostic[]): void {
  const mod = t.mod;
  const keyPos = (k: string) => posAt(t.src.file, [...t.src.path, k], true);
  if (mod.construct === 'meta') {
    const a = String(t.args['_raw_params'] ?? '');
    const actions = metaActions(mod.schema);
    if (!actions.includes(a)) out.push(diag('module-args', `invalid meta action requested: ${a}`, keyPos(t.action), `one of: ${actions.join(', ')}`));
  } else {
    // arguments of a module Ansible has are checked when the task runs (as Ansible does): here a
    // warning; include_role and import_role are parsed when the playbook loads (IncludeRole.load)
    const atLoad = mod.construct === 'include_role' || mod.construct === 'import_role';
    const severity = isAnsibleModule(mod) && !atLoad ? 'warning' : 'error';
    for (const e of checkModuleArgs(mod, t.args, { skipTemplates: true })) {
      out.push({ ...diag('module-args', e.message, argPos(t, e.arg, !e.message.includes('unsupported parameter'))), severity });
    }
  }
  const raw = new Set(mod.rawArgs ?? []);
  for (const [k, v] of Object.entries(t.args)) {
    const p = argPath(t, k);
    if (raw.has(k)) checkConditions(Array.isArray(v) ? v : [v], t, p, out, Array.isArray(v));
    else checkTemplates(v, t.src.file, p, out);
  }
  for (const key of ['when', 'failed_when', 'changed_when', 'until'] as const) {
    const list = key === 'when' ? t.kw.when : t[key];
    if (list) checkConditions(list, t, [...t.src.path, key], out, Array.isArray(rawKey(t, key)));
  }
  if (t.name) checkTemplates(t.name, t.src.file, [...t.src.path, 'name'], out);
  if (t.loop) checkTemplates(t.loop.value, t.src.file, [...t.src.path, t.loop.kind === 'loop' ? 'loop' : `with_${t.loop.kind}`], out);
  for (const key of ['delegate_to', 'environment', 'notify', 'retries', 'delay'] as const) {
    const v = key === 'retries' || key === 'delay' ? t[key] : t.kw[key];
    if (v !== undefined) checkTemplates(v, t.src.file, [...t.src.path, key], out);
  }
  if (t.kw.notify !== undefined) {
    const names = Array.isArray(t.kw.notify) ? t.kw.notify : [t.kw.notify];
    names.forEach((n, i) => {
      if (typeof n !== 'string' || hasTemplate(n)) return;
      if (resolveHandlers(play.handlers, n).length === 0) {
        const p = Array.isArray(t.kw.notify) ? posAt(t.src.file, [...t.src.path, 'notify', i]) : posAt(t.src.file, [...t.src.path, 'notify']);
        const known = play.handlers.map((h) => h.name).filter(Boolean);
        // a warning: as in Ansible, only a changed task notifying it is an error (a role included at
        // run time may still bring the handler)
        out.push({ ...diag('unknown-handler', `notify: no handler named or listening to '${n}'`, p, known.length ? `handlers of this play: ${known.join(', ')}` : 'this play defines no handlers'), severity: 'warning' });
      }
    });
  }
  if (t.guard) {
    out.push(...checkGuard(t));
    checkGuardExpressions(t, out);
  }
}

// The guard's `that` conditions are parsed now, its other values' templates too (they are
// evaluated on the host right before the action, too late to learn of a typo).
function checkGuardExpressions(t: Task, out: Diagnostic[]): void {
  const g = t.guard?.raw;
  if (!g || typeof g !== 'object' || Array.isArray(g)) return;
  const path = [...t.src.path, 'guard'];
  const found: Diagnostic[] = [];
  for (const [k, v] of Object.entries(g as Record<string, unknown>)) {
    if (k === 'that') checkConditions(Array.isArray(v) ? v : [v], t, [...path, 'that'], found, Array.isArray(v));
    else checkTemplates(v, t.src.file, [...path, k], found);
  }
  // tsplay's own keyword: nothing in Ansible defers it, so a bad expression is an error
  out.push(...found.map((d) => ({ ...d, severity: 'error' as const })));
}

// A module Ansible has too (ansible-core's, a collection's): not one of tsplay's own cluster modules.
function isAnsibleModule(mod: Task['mod']): boolean {
  return ANSIBLE_CORE_MODULES.has(mod.name) || mod.name.includes('.') || (mod.aliases ?? []).some((a) => a.includes('.'));
}

function rawKey(t: Task, key: string): unknown {
  let node: unknown = t.src.file.value;
  for (const seg of [...t.src.path, key]) node = (node as Record<string | number, unknown> | undefined)?.[seg];
  return node;
}

function argPath(t: Task, k: string): YamlPath {
  const own = rawKey(t, t.action);
  if (own && typeof own === 'object' && k in (own as object)) return [...t.src.path, t.action, k];
  const args = rawKey(t, 'args');
  if (args && typeof args === 'object' && k in (args as object)) return [...t.src.path, 'args', k];
  return [...t.src.path, t.action];
}

function argPos(t: Task, arg?: string, value = false): SourcePos {
  const path = arg ? argPath(t, arg) : [...t.src.path, t.action];
  return posAt(t.src.file, path, !value && arg !== undefined && path.length > t.src.path.length + 1);
}

// Compiles every template string inside a value, reporting syntax errors at their offset. Ansible
// judges an expression when it renders (the task then fails on that host): these are warnings.
export function checkTemplates(v: unknown, file: Task['src']['file'], path: YamlPath, out: Diagnostic[]): void {
  if (typeof v === 'string') {
    if (!hasTemplate(v)) return;
    try {
      compileTemplate(v);
    } catch (e) {
      if (e instanceof ExprSyntaxError) out.push(exprDiag(e, exprPos(file, path, v, e.offset, e.length)));
      else throw e;
    }
    return;
  }
  if (Array.isArray(v)) v.forEach((x, i) => checkTemplates(x, file, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) checkTemplates(x, file, [...path, k], out);
}

function checkConditions(list: unknown[], t: Task, path: YamlPath, out: Diagnostic[], isList: boolean): void {
  list.forEach((c, i) => {
    if (typeof c !== 'string') return;
    const p = isList ? [...path, i] : path;
    try {
      compileCondition(c);
    } catch (e) {
      if (e instanceof ExprSyntaxError) out.push(exprDiag(e, exprPos(t.src.file, p, c, e.offset, e.length)));
      else throw e;
    }
  });
}

// The code of an expression's syntax error: a nesting limit, or a plain syntax error.
export function exprCode(e: ExprSyntaxError): 'nesting-too-deep' | 'expression' {
  return e.limit ? 'nesting-too-deep' : 'expression';
}

// An expression that does not parse is a warning (Ansible fails the task when it runs, and so
// does tsplay); one nested beyond the limits is an error (hostile input, refused before the run).
function exprDiag(e: ExprSyntaxError, at: SourcePos): Diagnostic {
  const d = diag(exprCode(e), e.message, at);
  return e.limit ? d : { ...d, severity: 'warning' };
}

// Where an expression error is in the source: inside the scalar when its text is found there.
function exprPos(file: Task['src']['file'], path: YamlPath, src: string, offset: number, length: number): SourcePos {
  const start = scalarValueOffset(file, path);
  const base = posAt(file, path);
  if (file.text.slice(start, start + src.length) === src) return { file: file.path, offset: start + offset, length: Math.max(1, length) };
  const end = base.offset + (base.length ?? 0);
  const at = file.text.slice(base.offset, end).indexOf(src);
  if (at >= 0) return { file: file.path, offset: base.offset + at + offset, length: Math.max(1, length) };
  return base;
}
