// journal: counts the journald lines of a unit matching a pattern over a time window (e.g.
// "database is locked" in snap.microk8s.daemon-k8s-dqlite over 10 minutes), keeping the last
// few lines as evidence. Read-only; the engine's `journal:` guard reads it the same way (engine/cluster/journal.ts).
import { defineModule, type ArgsOf } from '../engine/module.js';
import { readJournal, sinceArg, type JournalQuery } from '../engine/cluster/journal.js';

// The journal arguments (validation, `tsplay modules journal` and the argument type).
export const schema = {
  type: 'object',
  properties: {
    unit: { type: ['string', 'array'], items: { type: 'string' }, description: 'the unit(s) to read (journalctl -u), e.g. snap.microk8s.daemon-k8s-dqlite' },
    pattern: { type: 'string', description: 'POSIX extended regular expression (grep -E) a line must match' },
    since: { type: ['string', 'integer'], default: '10m', description: 'the window: a duration (600, 90s, 10m, 1h) or any journalctl --since value' },
    max_lines: { type: 'integer', default: 20, minimum: 0, description: 'how many of the last matching lines to keep as evidence' },
  },
  required: ['unit', 'pattern'],
  additionalProperties: false,
} as const;

// The arguments as the module receives them (aliases renamed, defaults applied by the engine).
export type JournalArgs = ArgsOf<typeof schema>;

export default defineModule({
  name: 'journal',
  summary: 'Count journald lines of a unit matching a pattern over a time window (read-only)',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual (read-only)',
  example: '- journal:\n    unit: snap.microk8s.daemon-k8s-dqlite\n    pattern: database is locked\n    since: 10m\n  register: locks',
  async probe(ctx, args) {
    const q: JournalQuery = { unit: args.unit, pattern: args.pattern, since: args.since, maxLines: args.max_lines };
    try {
      const { count, lines } = await readJournal(ctx.host_, q);
      return { changed: false, result: { changed: false, count, lines, unit: args.unit, pattern: args.pattern, since: sinceArg(args.since) } };
    } catch (e) {
      return { changed: false, failed: e instanceof Error ? e.message : String(e) };
    }
  },
});
