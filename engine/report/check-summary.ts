// The end of a --check run: what a real run would change, per host (the tasks that reported
// `changed`), so the operator can review the whole effect in one place. Not part of Ansible's
// output; printed after the PLAY RECAP in plain and live-view modes.
import { Chalk } from 'chalk';
import type { RunEvent } from '../run/events.js';
import { banner, wouldRun } from './plain.js';

// Collects changed results; `text()` is the summary block.
export function checkSummary(): { listener: (e: RunEvent) => void; text: (o: { color: boolean; columns?: number }) => string } {
  const changed = new Map<string, Map<string, number>>();
  const commands = new Map<string, string[]>();
  const failed = new Set<string>();
  const add = (host: string, task: string) => {
    const tasks = changed.get(host) ?? new Map<string, number>();
    tasks.set(task, (tasks.get(task) ?? 0) + 1);
    changed.set(host, tasks);
  };
  return {
    listener: (e) => {
      if ((e.type === 'result' || e.type === 'item') && e.status === 'changed') add(e.host, e.handler ? `${e.task} (handler)` : e.task);
      const would = (e.type === 'result' || e.type === 'item') && e.status === 'skipped' && e.result ? wouldRun(e.result) : undefined;
      if (would && (e.type === 'result' || e.type === 'item')) commands.set(e.host, [...(commands.get(e.host) ?? []), `${e.task}: ${would}`]);
      if (e.type === 'result' && (e.status === 'failed' || e.status === 'unreachable')) failed.add(e.host);
    },
    text: (o) => {
      const c = new Chalk({ level: o.color ? 1 : 0 });
      const hosts = [...changed.keys()].sort();
      const total = [...changed.values()].reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);
      const lines = [banner('CHECK SUMMARY (check mode: nothing was changed)', o.columns ?? 80)];
      if (hosts.length === 0) lines.push('a real run would change nothing');
      else lines.push(`a real run would make ${total} change(s) on ${hosts.length} host(s):`);
      for (const h of hosts) lines.push(`${c.yellow(h)}: ${[...(changed.get(h) ?? new Map<string, number>())].map(([t, n]) => (n > 1 ? `${t} (x${n})` : t)).join(', ')}`);
      const cmdHosts = [...commands.keys()].sort();
      if (cmdHosts.length > 0) lines.push(`and would run these commands, which check mode does not run:`);
      for (const h of cmdHosts) lines.push(`${c.yellow(h)}: ${(commands.get(h) ?? []).join('; ')}`);
      if (failed.size > 0) lines.push(c.red(`failed in check mode (a real run would stop there too): ${[...failed].sort().join(', ')}`));
      return lines.join('\n') + '\n';
    },
  };
}
