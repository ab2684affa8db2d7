// The simulated `journalctl`: -u UNIT, --since/--until, -n, --grep (smart case, exit 1 when nothing
// matches), -b, -r, -q, --no-pager, -o short|short-iso|short-iso-precise|short-precise|short-unix|cat|json.
import { formatEntry, parseTimestamp, type JournalFormat } from '../journal.js';
import { unitId } from '../units.js';
import { fail, has, last, ok, parseOpts, text, type OptSpec, type ToolFn } from './util.js';

const SPECS: OptSpec[] = [
  { key: 'u', short: 'u', long: ['unit'], arg: true }, { key: 'since', short: 'S', long: ['since'], arg: true }, { key: 'until', short: 'U', long: ['until'], arg: true },
  { key: 'n', short: 'n', long: ['lines'], arg: true }, { key: 'grep', short: 'g', long: ['grep'], arg: true }, { key: 'o', short: 'o', long: ['output'], arg: true },
  { key: 'q', short: 'q', long: ['quiet'] }, { key: 'nopager', long: ['no-pager'] }, { key: 'b', short: 'b', long: ['boot'] }, { key: 'r', short: 'r', long: ['reverse'] },
  { key: 'x', short: 'x', long: ['catalog'] }, { key: 'all', short: 'a', long: ['all'] }, { key: 'e', short: 'e', long: ['pager-end'] }, { key: 'f', short: 'f', long: ['follow'] },
  { key: 'case', long: ['case-sensitive'], arg: true }, { key: 'nohost', long: ['no-hostname'] }, { key: 'utc', long: ['utc'] }, { key: 'full', short: 'l', long: ['full'] },
  { key: 'p', short: 'p', long: ['priority'], arg: true }, { key: 'k', short: 'k', long: ['dmesg'] }, { key: 'version', long: ['version'] },
];

const FORMATS: JournalFormat[] = ['short', 'short-iso', 'short-iso-precise', 'short-precise', 'short-unix', 'cat', 'json', 'with-unit'];

// The journalctl entry point.
export const journalctl: ToolFn = (_sim, node, call) => {
  const p = parseOpts(call.args, SPECS);
  if (p.error) return fail(1, `journalctl: ${p.error}`);
  if (has(p, 'version')) return ok('systemd 255 (255.4-1ubuntu8.4)\n');
  if (has(p, 'f')) return fail(1, 'lab: journalctl --follow is not simulated (it would never end); use --since');
  const now = Date.now();
  const since = last(p, 'since');
  const until = last(p, 'until');
  const parsed = since === undefined ? undefined : parseTimestamp(since, now);
  if (since !== undefined && parsed === undefined) return fail(1, `Failed to parse timestamp: ${since}`);
  // Entries carry millisecond stamps; one stamped in this query's own millisecond was written before
  // it (the lab does one thing at a time), so a window that starts now (`--since -0s`) leaves it
  // out, as journald's microseconds would.
  const sinceTs = parsed === undefined ? undefined : parsed >= now ? now + 1 : parsed;
  const untilTs = until === undefined ? undefined : parseTimestamp(until, now);
  if (until !== undefined && untilTs === undefined) return fail(1, `Failed to parse timestamp: ${until}`);
  const format = (last(p, 'o') ?? 'short') as JournalFormat;
  if (!FORMATS.includes(format)) return fail(1, `Failed to parse output format: ${format}`);
  const nRaw = last(p, 'n');
  const lines = nRaw === undefined ? undefined : nRaw === 'all' ? undefined : Number(nRaw.replace(/^\+/, ''));
  if (lines !== undefined && !Number.isInteger(lines)) return fail(1, `Failed to parse lines '${nRaw}'`);
  const pattern = last(p, 'grep');
  let grep: RegExp | undefined;
  if (pattern !== undefined) {
    const cs = last(p, 'case');
    const insensitive = cs === undefined ? pattern === pattern.toLowerCase() : cs === 'no' || cs === 'false';
    try {
      grep = new RegExp(pattern, insensitive ? 'i' : '');
    } catch {
      return fail(1, `Bad pattern "${pattern}": invalid regular expression`);
    }
  }
  const matches = [...p.positionals.filter((a) => a.startsWith('_SYSTEMD_UNIT=')).map((a) => a.slice('_SYSTEMD_UNIT='.length)), ...(p.opts.get('u') ?? [])];
  const entries = node.journal.query({
    units: matches.map(unitId),
    ...(sinceTs !== undefined ? { since: sinceTs } : {}),
    ...(untilTs !== undefined ? { until: untilTs } : {}),
    ...(grep ? { grep } : {}),
    ...(lines !== undefined ? { lines } : {}),
    ...(has(p, 'b') ? { bootId: node.bootId } : {}),
    reverse: has(p, 'r'),
  });
  const host = node.name;
  if (entries.length === 0) {
    const out = has(p, 'q') || format === 'json' ? '' : '-- No entries --\n';
    return { stdout: out, stderr: '', rc: grep ? 1 : 0 };
  }
  return ok(text(entries.map((e) => formatEntry(e, host, format))));
};
