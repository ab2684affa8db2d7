// include_tasks / include_role at run time: each host decides (when, loop) which file it
// includes; hosts including the same file with the same loop vars run it together, in
// the order the includes were found.
import { resolve } from 'node:path';
import { toPyRepr } from '../expr/index.js';
import { LoadContext, relativeName } from '../load/context.js';
import { limit, limitHint } from '../shared/limits.js';
import { loadIncludeFile } from '../load/include.js';
import { expandImport } from '../load/playbook.js';
import { loadRole } from '../load/roles.js';
import { loadNodeList } from '../load/task.js';
import { newId, type Block, type Node, type Parent, type Task } from '../load/model.js';
import { formatDiagnostics } from '../source/format.js';
import { checkShapes } from '../validate/envelope.js';
import { AbortRun, type BatchRunner } from './batch.js';
import type { HostState } from './host-state.js';
import type { HostOutcome } from './task-host.js';
import { sourceOf, truthy } from './task-env.js';
import { inherited } from '../load/inherit.js';

interface Group {
  file: string;
  loopVars?: Record<string, unknown>;
  from?: Record<string, string>;
  hosts: HostState[];
}

// Runs an include task: evaluates it per host, then runs each included file for its hosts.
export async function runInclude(br: BatchRunner, task: Task, all: HostState[], name: string, handler: boolean): Promise<void> {
  br.ctx.emit({ type: 'task', play: br.playNo, batch: br.batchNo, name, handler, action: task.action, source: sourceOf(task) });
  const scope0 = br.vars.scope(br.rt, (all[0] as HostState).name, task);
  // run_once on a dynamic include: only the first host includes the file (and runs its tasks)
  const hosts = truthy(inherited(task, 'run_once'), scope0) ? all.slice(0, 1) : all;
  const outcomes = await br.runOnHosts(task, hosts, scope0);
  const groups: Group[] = [];
  for (const o of outcomes) {
    for (const inc of o.status === 'ok' ? (o.includes ?? []) : []) {
      if (!inc.loopVars) continue;
      const item = inc.loopVars[String(inc.loopVars['ansible_loop_var'] ?? 'item')];
      br.record.item(o.host, o.name, task, 'ok', { changed: false, item, ansible_loop_var: inc.loopVars['ansible_loop_var'] }, item);
    }
    br.record.outcome(task, o, { handler, counted: o.status !== 'ok' });
    if (o.status !== 'ok' || !o.includes) continue;
    const h = br.ctx.host(o.host);
    for (const inc of o.includes) {
      const keyOf = (x: { file: string; loopVars?: Record<string, unknown>; from?: Record<string, string> }) => x.file + (x.loopVars ? toPyRepr(x.loopVars) : '') + (x.from ? JSON.stringify(x.from) : '');
      const key = keyOf(inc);
      let g = groups.find((x) => keyOf(x) === key);
      if (!g) {
        g = { file: inc.file, ...(inc.loopVars ? { loopVars: inc.loopVars } : {}), ...(inc.from ? { from: inc.from } : {}), hosts: [] };
        groups.push(g);
      }
      g.hosts.push(h);
    }
  }
  for (const g of groups) {
    const item = g.loopVars ? g.loopVars[String(g.loopVars['ansible_loop_var'] ?? 'item')] : undefined;
    br.ctx.emit({ type: 'include', play: br.playNo, batch: br.batchNo, hosts: g.hosts.map((h) => h.name), file: g.file, task: name, ...(g.loopVars ? { item } : {}) });
  }
  // every file is loaded first: one that does not load fails its hosts like the include task
  // would (a rescue or always section above it runs), and they run none of the included files
  const loaded = groups.map((g) => ({ g, nodes: loadIncluded(br, task, g) }));
  // a file included counts ok (Ansible's "included:" result); one that does not load is a failed
  // result of the include task (a role that does not load is only an error message); the files
  // that loaded still run, then the failure travels to a rescue or always section
  const failing = new Set<HostState>();
  for (const { g, nodes } of loaded) {
    for (const h of g.hosts) {
      if (nodes && task.mod.construct === 'include_tasks') br.ctx.stats.ok(h.name);
      if (nodes) continue;
      failing.add(h);
      if (task.mod.construct === 'include_tasks') br.record.outcome(task, includeFailure(h.name, name, `Could not find or access '${resolve(g.file)}' on the Ansible Controller.`), { handler, pending: true });
    }
  }
  const travel = (h: HostState) => br.record.travel(task, h, { failed: true, changed: false, msg: `could not load the included file or role` });
  // under any_errors_fatal the failure stops the play before any included file runs (as
  // ansible-core's linear strategy checks after loading the included files)
  if (failing.size > 0 && br.anyErrorsFatal(task, scope0) && !truthy(inherited(task, 'ignore_errors'), scope0)) {
    for (const h of failing) travel(h);
    br.checkThresholds(task, [...failing].map((h) => includeFailure(h.name, name, 'could not load the included file or role')), false, scope0);
  }
  for (const { g, nodes } of loaded) if (nodes) await br.runNodes(nodes, g.hosts.filter((h) => h.active || failing.has(h)), handler);
  for (const h of failing) travel(h);
}

// The files of the includes enclosing `task`, outermost first (each include's own file).
function includeChain(task: Task): string[] {
  const files: string[] = [];
  for (let p: Parent | undefined = task.parent; p; p = p.kind === 'play' ? undefined : p.parent) if (p.kind === 'block' && p.implicit === 'include') files.unshift(p.pos.file);
  return files;
}

// Refuses an include nested deeper than the limit (a task file or role including itself runs
// out of it), naming the chain of files; true when refused.
function tooDeep(br: BatchRunner, task: Task, g: Group): boolean {
  const chain = includeChain(task);
  if (chain.length < limit('includeDepth')) return false;
  const names = [...chain, task.file, g.file].map((f) => relativeName(f, br.ctx.playbook.dir));
  const shown = names.length > 8 ? [...names.slice(0, 3), '...', ...names.slice(-4)] : names;
  br.ctx.emit({ type: 'error', msg: `${sourceOf(task)}: ${task.action} nested more than ${limit('includeDepth')} levels deep (${shown.join(' -> ')}): a file or role including itself without end? (${limitHint('includeDepth')})` });
  return true;
}

// Load problems of an included file that fail its hosts rather than the run.
const HOST_FAILURES = new Set(['missing-file', 'undefined-role', 'recursion', 'nesting-too-deep', 'file-too-large', 'too-many-aliases', 'line-too-long', 'invalid-character', 'vault']);

function loadIncluded(br: BatchRunner, task: Task, g: Group): Node[] | undefined {
  if (tooDeep(br, task, g)) return undefined;
  const ctx = new LoadContext(br.ctx.playbook.file, { ...(br.ctx.options.load ?? {}), extraVars: br.ctx.options.extraVars, modules: br.ctx.options.modules });
  const wrapper: Block = { kind: 'block', id: newId(), block: [], rescue: [], always: [], kw: { ...(task.apply ?? {}), ...applyKeywords(task) }, implicit: 'include', pos: task.pos, src: task.src };
  if (task.parent) wrapper.parent = task.parent;
  if (task.role) wrapper.role = task.role;
  // the include's vars: and loop item are include params; a bare include's key=value arguments are vars
  if (g.loopVars || task.kw.vars) wrapper.params = { ...(task.kw.vars ?? {}), ...(g.loopVars ?? {}) };
  if (task.bareInclude && Object.keys(task.bareInclude).length > 0) wrapper.kw.vars = task.bareInclude;
  let nodes: Node[] | undefined;
  if (task.mod.construct === 'include_role') {
    const from = g.from ?? {};
    const files = {
      ...(from['tasks_from'] !== undefined ? { tasksFrom: from['tasks_from'] } : {}),
      ...(from['vars_from'] !== undefined ? { varsFrom: from['vars_from'] } : {}),
      ...(from['defaults_from'] !== undefined ? { defaultsFrom: from['defaults_from'] } : {}),
      ...(from['handlers_from'] !== undefined ? { handlersFrom: from['handlers_from'] } : {}),
      ...(from['rolespec_validate'] !== undefined && /^(false|no|off|0)$/i.test(from['rolespec_validate']) ? { skipArgumentSpec: true } : {}),
    };
    const loaded = loadRole(ctx, { name: g.file, params: { ...(task.kw.vars ?? {}) }, kw: {}, pos: task.pos, src: task.src, parent: wrapper, ...files }, {
      loadTasks: (file, value, role, parent, handler) => loadNodeList(ctx, file, [], value, { handler, role, parent, expandImport: (t) => expandImport(ctx, t, { ...br.rt.play.vars, ...br.ctx.options.extraVars }, br.rt.play, br.rt.play.handlers, handler) }),
    });
    if (loaded) {
      if (task.args['public'] === true) br.rt.play.allRoles.push(loaded.role);
      for (const hd of loaded.handlers) if (!br.rt.play.handlers.includes(hd)) br.rt.play.handlers.push(hd);
      nodes = [loaded.block];
    }
  } else {
    const staticVars = { ...br.rt.play.vars, ...br.ctx.options.extraVars };
    nodes = loadIncludeFile(ctx, g.file, task, { handler: task.handler, ...(task.role ? { role: task.role } : {}), parent: wrapper, expandImport: (t) => expandImport(ctx, t, staticVars, br.rt.play, br.rt.play.handlers, task.handler) });
  }
  ctx.diagnostics.push(...checkShapes(ctx.shapes));
  const errors = ctx.diagnostics.filter((d) => d.severity !== 'warning');
  // a file that is there but does not parse ends the run (ansible-core re-raises its parser
  // errors); one that is missing, or over a limit, fails the hosts that include it
  if (errors.length > 0 && errors.every((d) => !HOST_FAILURES.has(d.code))) {
    throw new AbortRun(formatDiagnostics(errors, { color: false, atRunTime: true }), 4);
  }
  if (errors.length > 0 || !nodes) {
    br.ctx.emit({ type: 'error', msg: formatDiagnostics(errors.length ? errors : ctx.diagnostics, { color: false, atRunTime: true }) || `could not load ${resolve(g.file)}` });
    return undefined;
  }
  wrapper.block = nodes;
  return [wrapper];
}

// The `apply:` keywords of include_tasks/include_role (tags, when, become, ...).
function applyKeywords(task: Task): Block['kw'] {
  const a = task.args['apply'];
  if (!a || typeof a !== 'object') return {};
  const kw: Block['kw'] = {};
  for (const [k, v] of Object.entries(a as Record<string, unknown>)) (kw as Record<string, unknown>)[k] = k === 'tags' || k === 'when' ? (Array.isArray(v) ? v : [v]) : v;
  return kw;
}

// The failed result of an include whose file does not load.
function includeFailure(host: string, name: string, reason: string): HostOutcome {
  return { host, name, status: 'failed', result: { failed: true, changed: false, reason, msg: reason }, changed: false, failed: true, unreachable: false, ignoredUnreachable: false, notify: false };
}
