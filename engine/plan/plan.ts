// The execution plan: for every play, the hosts of each batch (after --limit, order and
// serial), the tasks that run under --tags/--skip-tags, the handlers that may be notified,
// the guards, and the quorum groups with their limits. Pure: nothing is contacted.
import { hasTemplate } from '../expr/index.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import { limitHosts, resolvePattern, type Inventory } from '../inventory/index.js';
import type { Node, Play, Playbook, Task, Vars } from '../load/model.js';
import { renderStatic } from '../load/static-vars.js';
import { disruptionsOf } from '../module.js';
import { allTags, displayName } from '../load/inherit.js';
import { shouldRun, type TagFilter } from './tags.js';
import { makeBatches } from './batches.js';
import { SerialError } from '../load/serial.js';
import { checkBatches, quorumGroups, type QuorumGroup } from './quorum.js';

export interface PlannedTask {
  name: string;
  action: string;
  tags: string[];
  when?: string;
  guard?: string[];
  disruptive?: string;
  role?: string;
  include?: boolean;
}

export interface PlannedPlay {
  index: number;
  name: string;
  pattern: string;
  hosts: string[];
  batches: string[][];
  serial?: unknown;
  tasks: PlannedTask[];
  handlers: PlannedTask[];
  quorum: { group: string; maxUnavailable: number; members: string[]; source: string }[];
}

export interface ExecutionPlan {
  playbook: string;
  plays: PlannedPlay[];
  diagnostics: Diagnostic[];
}

export interface PlanOptions {
  limit?: string;
  tags: TagFilter;
  extraVars: Vars;
}

function orderHosts(hosts: string[], order?: string): string[] {
  if (order === 'reverse_inventory') return [...hosts].reverse();
  if (order === 'sorted') return [...hosts].sort();
  if (order === 'reverse_sorted') return [...hosts].sort().reverse();
  return hosts;
}

function staticTags(t: Node): string[] {
  return allTags(t).map(String).filter((x) => !hasTemplate(x));
}

function plannedTask(t: Task): PlannedTask {
  const p: PlannedTask = { name: displayName(t), action: t.action, tags: staticTags(t) };
  const when = t.kw.when?.map(String);
  if (when?.length) p.when = when.join(' and ');
  if (t.guard) p.guard = Object.keys(t.guard.raw).filter((k) => k !== 'wait' && k !== 'interval');
  const reason = disruptionsOf(t.mod, t.args).map((d) => d.what).join(', ');
  if (reason) p.disruptive = reason;
  if (t.role) p.role = t.role.name;
  if (t.mod.construct === 'include_tasks' || t.mod.construct === 'include_role') p.include = true;
  return p;
}

function collect(nodes: Node[], filter: TagFilter, out: PlannedTask[]): void {
  for (const n of nodes) {
    if (n.kind === 'block') {
      if (!n.repeatedRole) collect([...n.block, ...n.rescue, ...n.always], filter, out);
    }
    else if (shouldRun(staticTags(n), filter)) out.push(plannedTask(n));
  }
}

// Resolves a play's hosts and batches; problems become diagnostics.
function playBatches(play: Play, inv: Inventory, opts: PlanOptions, diags: Diagnostic[]): { hosts: string[]; batches: string[][]; serial?: unknown } {
  const vars = { ...play.vars, ...opts.extraVars };
  const pattern = renderStatic(play.hosts, vars);
  const r = resolvePattern(inv, pattern);
  if (!r.ok) {
    diags.push(...r.diagnostics.map((d) => ({ ...d, pos: d.pos ?? play.hostsPos })));
    return { hosts: [], batches: [] };
  }
  let hosts = r.value;
  if (opts.limit) {
    const l = limitHosts(inv, hosts, opts.limit);
    if (l.ok) hosts = l.value;
  }
  const order = typeof play.order === 'string' ? renderStatic(play.order, vars) : undefined;
  if (order === undefined || !hasTemplate(order)) {
    try {
      hosts = orderHosts(hosts, order);
    } catch {
      /* an order only known at run time (or invalid: reported by validation) */
    }
  }
  let serial = play.serial;
  if (typeof serial === 'string' && hasTemplate(serial)) serial = renderStatic(serial, vars);
  try {
    return { hosts, batches: makeBatches(hosts, serial), serial };
  } catch (e) {
    if (e instanceof SerialError) return { hosts, batches: [hosts], serial };
    throw e;
  }
}

// Builds the plan and runs the plan-time safety checks (quorum-serial).
export function buildPlan(pb: Playbook, inv: Inventory, opts: PlanOptions): ExecutionPlan {
  const diagnostics: Diagnostic[] = [];
  const groups = quorumGroups(inv, pb.dir, diagnostics);
  const plays = pb.plays.map((play): PlannedPlay => {
    const { hosts, batches, serial } = playBatches(play, inv, opts, diagnostics);
    for (const v of checkBatches(groups, batches)) diagnostics.push(quorumDiagnostic(play, v.group, v.batch, v.members, batches.length));
    const tasks: PlannedTask[] = [];
    collect([...play.pre_tasks, ...play.roles, ...play.tasks, ...play.post_tasks], opts.tags, tasks);
    const touched = groups.filter((g) => hosts.some((h) => g.members.includes(h)));
    return {
      index: play.index,
      name: play.name,
      pattern: play.hosts,
      hosts,
      batches,
      ...(serial !== undefined ? { serial } : {}),
      tasks,
      handlers: play.handlers.map(plannedTask),
      quorum: touched.map((g) => ({ group: g.name, maxUnavailable: g.maxUnavailable, members: g.members, source: g.source })),
    };
  });
  return { playbook: pb.file, plays, diagnostics };
}

function quorumDiagnostic(play: Play, g: QuorumGroup, batch: number, members: string[], batches: number): Diagnostic {
  const size = members.length;
  const what = batches === 1 ? 'its single batch' : `batch ${batch}`;
  return diag(
    'quorum-serial',
    `play '${play.name}' would run ${size} members of quorum group '${g.name}' at once (${what} holds ${members.join(', ')}); at most ${g.maxUnavailable} may be unavailable${g.datastore ? ` for the ${g.datastore} datastore` : ''}`,
    play.hostsPos,
    `add \`serial: ${Math.max(1, g.maxUnavailable)}\` to the play${g.source === 'default' ? `, or declare \`tsplay_quorum: {max_unavailable: N}\` (or false) as a group var of '${g.name}'` : ''}`,
  );
}
