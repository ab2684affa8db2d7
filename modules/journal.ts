// journal: counts the journald lines of a unit matching a pattern over a time window (e.g.
// "database is locked" in snap.microk8s.daemon-k8s-dqlite over 10 minutes), keeping the last
// few lines as evidence. Read-only; the engine's `journal:` guard calls readJournal directly.
import { raw, sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type ArgsOf, type HostReader } from '../engine/module.js';
import { parseDuration } from '../engine/validate/guards.js';

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

// The module's defaults, also for the engine's `journal:` guard, which queries without the module.
const DEFAULT_SINCE = schema.properties.since.default;
const DEFAULT_MAX_LINES = schema.properties.max_lines.default;

// What to count.
export interface JournalQuery {
  unit: string | string[];
  pattern: string;
  since?: string | number | undefined;
  maxLines?: number | undefined;
}

// How many lines matched, and the last maxLines of them.
export interface JournalCount {
  count: number;
  lines: string[];
}

// journalctl's --since value: durations become relative seconds (`10m` → `-600s`), anything else is passed on.
export function sinceArg(since: string | number | undefined): string {
  const secs = parseDuration(since ?? DEFAULT_SINCE);
  return secs !== undefined ? `-${Math.ceil(secs)}s` : String(since);
}

const TAIL = raw(`'{ b[NR % m] = $0 } END { print NR + 0; for (i = (NR > m ? NR - m + 1 : 1); i <= NR; i++) print b[i % m] }'`);

// The one command: journalctl piped through grep -E, then the count and the last lines.
export function journalCommand(q: JournalQuery): ShellCommand {
  const units = (Array.isArray(q.unit) ? q.unit : [q.unit]).map((u) => sh`-u ${u}`);
  const max = Math.max(0, Math.floor(q.maxLines ?? DEFAULT_MAX_LINES));
  const read = sh`journalctl ${units} --since ${sinceArg(q.since)} --no-pager -o short-iso -q`;
  if (max === 0) return sh`${read} | grep -E -c -e ${q.pattern}`;
  return sh`${read} | grep -E -e ${q.pattern} | awk -v ${`m=${max}`} ${TAIL}`;
}

// Counts matching journal lines in one round trip. Throws (fail-closed) when journalctl or grep
// complain, so a bad pattern or window never reads as "no matches".
export async function readJournal(host: HostReader, q: JournalQuery): Promise<JournalCount> {
  const r = await host.query(journalCommand(q));
  const err = r.stderr.trim();
  if (err !== '' || (r.rc !== 0 && !(r.rc === 1 && (q.maxLines ?? DEFAULT_MAX_LINES) === 0))) {
    throw new Error(`reading the journal of ${String(q.unit)} failed: ${err || `rc ${r.rc}`}`);
  }
  const [first, ...rest] = r.stdout.replace(/\n$/, '').split('\n');
  const count = Number((first ?? '0').trim() || '0');
  if (!Number.isInteger(count)) throw new Error(`reading the journal of ${String(q.unit)} failed: unexpected output ${JSON.stringify(r.stdout.slice(0, 200))}`);
  return { count, lines: count === 0 ? [] : rest };
}

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
