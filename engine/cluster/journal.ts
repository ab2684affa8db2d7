// Reads a unit's journal on a host: how many lines match a pattern over a time window, and the
// last few of them as evidence. Shared by the journal module and the engine's guards.
import { raw, sh, type ShellCommand } from '../connection/command.js';
import type { ExecOptions, ExecResult } from '../connection/types.js';

/** read-only access to a host (the module contract's HostReader has this shape) */
export interface HostReader {
  query(cmd: ShellCommand, opts?: ExecOptions): Promise<ExecResult>;
}
import { parseDuration } from '../shared/duration.js';

/** the window and the evidence kept when a query does not say (the journal module's defaults too) */
export const DEFAULT_SINCE = '10m';
export const DEFAULT_MAX_LINES = 20;

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
