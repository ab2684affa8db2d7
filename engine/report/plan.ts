// Prints the execution plan: plays, the hosts of each batch, the tasks that will run under
// the given tags, handlers, guards and quorum groups with their limits.
import { Chalk } from 'chalk';
import type { ExecutionPlan, PlannedTask } from '../plan/plan.js';
import type { HostIdentity } from '../run/safety/preview.js';

/** what the plan shows of the run's built-in safety */
export interface PlanSafety {
  /** hosts resolved to nodes (tsplay plan); absent: resolved when the run starts */
  identities?: HostIdentity[];
  allowUnsafe?: string[];
}

function identityLine(i: HostIdentity): string {
  if (i.unknown) return `${i.host}: ${i.unknown}`;
  if (!i.node) return `${i.host}: not a cluster node`;
  return `${i.host} = node ${i.node} of ${i.cluster}${i.member ? ', datastore member' : ''} (${i.via})`;
}

function safetyLines(p: ExecutionPlan['plays'][number], s: PlanSafety, c: InstanceType<typeof Chalk>): string[] {
  const out: string[] = [];
  const ids = s.identities?.filter((i) => p.hosts.includes(i.host));
  if (ids && ids.length > 0) out.push(c.magenta(`  members by identity: ${ids.map(identityLine).join('; ')}`));
  if (p.tasks.some((t) => t.disruptive) || p.handlers.some((t) => t.disruptive)) {
    const off = new Set(s.allowUnsafe ?? []);
    out.push(c.magenta('  built-in safety: one node and a minority of datastore members out at a time across the run (tsplay_max_unavailable_nodes, max_unavailable); health gate after each batch that disrupts'));
    out.push(c.magenta(`  built-in safety: ${off.has('datastore-guard') ? c.red('datastore guard OFF (--allow-unsafe datastore-guard)') : 'datastore guard on datastore members (other members healthy, no lock contention in the last ≥60 s)'}; ${off.has('reboot-undrained') ? c.red('reboot of undrained nodes ALLOWED (--allow-unsafe reboot-undrained)') : 'no reboot of a node this run has not drained'}; never the node tsplay runs on`));
  }
  return out;
}

function taskLine(t: PlannedTask, n: number | string, width: number, c: InstanceType<typeof Chalk>): string {
  const notes: string[] = [];
  if (t.when) notes.push(`when: ${t.when}`);
  if (t.guard?.length) notes.push(c.magenta(`guard: ${t.guard.join(', ')}`));
  if (t.disruptive) notes.push(c.yellow(`disruptive: ${t.disruptive}`));
  if (t.tags.length) notes.push(c.dim(`tags: ${t.tags.join(',')}`));
  const head = `${String(n).padStart(3)}. ${t.name.padEnd(width)} ${c.cyan(t.action)}`;
  return notes.length ? `${head}  ${notes.join('  ')}` : head;
}

// Formats the plan for the terminal.
export function formatPlan(plan: ExecutionPlan, o: { color: boolean; tags?: string[]; skipTags?: string[]; limit?: string; safety?: PlanSafety }): string {
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const lines: string[] = [];
  const filters = [o.tags?.length ? `--tags ${o.tags.join(',')}` : '', o.skipTags?.length ? `--skip-tags ${o.skipTags.join(',')}` : '', o.limit ? `--limit ${o.limit}` : ''].filter(Boolean);
  lines.push(c.bold(`EXECUTION PLAN ${plan.playbook}${filters.length ? ` (${filters.join(' ')})` : ''}`));
  for (const p of plan.plays) {
    lines.push('');
    const serial = p.serial !== undefined ? `  serial: ${JSON.stringify(p.serial)}` : '';
    lines.push(c.bold(`PLAY ${p.index} [${p.name}]`) + `  hosts: ${p.pattern} (${p.hosts.length} host${p.hosts.length === 1 ? '' : 's'})${serial}`);
    if (p.hosts.length === 0) {
      lines.push('  no hosts matched: the play will be skipped');
      continue;
    }
    for (const q of p.quorum) lines.push(c.magenta(`  quorum group ${q.group}: at most ${q.maxUnavailable} of ${q.members.length} (${q.members.join(', ')}) unavailable at once${q.source === 'default' ? ' (default for this group name)' : ''}`));
    lines.push(...safetyLines(p, o.safety ?? {}, c));
    p.batches.forEach((b, i) => lines.push(`  batch ${i + 1}/${p.batches.length}: ${b.join(', ')}`));
    const width = Math.min(48, Math.max(8, ...p.tasks.map((t) => t.name.length), ...p.handlers.map((t) => t.name.length)));
    lines.push('  tasks:');
    if (p.tasks.length === 0) lines.push('    (none selected by the tags)');
    p.tasks.forEach((t, i) => lines.push(`  ${taskLine(t, i + 1, width, c)}`));
    if (p.handlers.length > 0) {
      lines.push('  handlers (run when notified, at the end of each section and batch):');
      for (const h of p.handlers) lines.push(`  ${taskLine(h, '-', width, c)}`);
    }
  }
  return lines.join('\n');
}
