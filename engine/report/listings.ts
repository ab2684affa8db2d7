// ansible-playbook's --syntax-check, --list-hosts, --list-tasks and --list-tags output, in its
// exact format: a `playbook:` line, then per play its pattern and tags, the hosts it targets,
// the tasks the tag filter selects (only block bodies, as Ansible lists them) with their
// effective tags, and the union of the task tags.
import type { Node, Playbook, Vars } from '../load/model.js';
import { renderStatic, renderStaticValue } from '../load/static-vars.js';
import type { ExecutionPlan } from '../plan/plan.js';
import { allTags, displayName } from '../load/inherit.js';
import { shouldRun, type TagFilter } from '../plan/tags.js';

export interface ListFlags {
  hosts: boolean;
  tasks: boolean;
  tags: boolean;
}

function strings(v: unknown[]): string[] {
  return v.map(String);
}

// The block bodies' tasks in order (rescue and always are not listed by Ansible).
function bodyTasks(nodes: Node[], out: Node[] = []): Node[] {
  for (const n of nodes) {
    if (n.kind === 'block') bodyTasks(n.block, out);
    else out.push(n);
  }
  return out;
}

// The listing text, without its last newline (the caller's output adds it).
// Task tags are rendered with the play's vars and the extra vars (as Ansible's list-tasks does;
// a tag that does not render stays as written); the play line shows the play's tags as written.
export function formatListings(playbookArg: string, pb: Playbook, plan: ExecutionPlan, filter: TagFilter, f: ListFlags, extraVars: Vars = {}): string {
  let text = '';
  // Ansible's display(): a message gets a newline unless it already ends with one
  const display = (s: string) => (text += s.endsWith('\n') ? s : `${s}\n`);
  display(`\nplaybook: ${playbookArg}`);
  if (!f.hosts && !f.tasks && !f.tags) return text.replace(/\n$/, '');
  pb.plays.forEach((play, i) => {
    const playTags = strings(play.scope.kw.tags ?? []);
    const pattern = play.hosts.split(',').map((s) => s.trim());
    let msg = `\n  play #${i + 1} (${pattern.join(',')}): ${play.name}\tTAGS: [${[...new Set(playTags)].join(',')}]`;
    if (f.hosts) {
      const hosts = plan.plays[i]?.hosts ?? [];
      msg += `\n    pattern: [${[play.hosts].map((p) => `'${p}'`).join(', ')}]\n    hosts (${hosts.length}):`;
      for (const h of hosts) msg += `\n      ${h}`;
    }
    display(msg);
    if (!f.tasks && !f.tags) return;
    let taskMsg = f.tasks ? '    tasks:\n' : '';
    const seen = new Set<string>();
    for (const t of bodyTasks([...play.pre_tasks, ...play.roles, ...play.tasks, ...play.post_tasks])) {
      if (t.kind === 'block') continue;
      // a tag templated to a list adds each of its items (ansible-core's Taggable)
      const tags = strings(allTags(t)).flatMap((x) => {
        const v = renderStaticValue(x, { ...play.vars, ...extraVars });
        return Array.isArray(v) ? v.map(String) : [typeof v === 'string' ? v : renderStatic(x, { ...play.vars, ...extraVars })];
      });
      if (!shouldRun(tags, filter)) continue;
      for (const x of tags) seen.add(x);
      if (f.tasks) taskMsg += `      ${t.name ? displayName(t) : t.action}\tTAGS: [${[...new Set([...playTags, ...tags])].sort().join(', ')}]\n`;
    }
    if (f.tags) taskMsg += `      TASK TAGS: [${[...new Set([...playTags, ...seen])].sort().join(', ')}]\n`;
    display(taskMsg);
  });
  return text.replace(/\n$/, '');
}
