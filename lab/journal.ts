// A node's journal: entries per unit with real timestamps, queried and rendered like journalctl
// (systemd 255, Ubuntu 24.04: short-iso is `2026-06-24T16:04:10+00:00`).

// One journal entry.
export interface JournalEntry {
  ts: number;
  unit: string;
  ident: string;
  pid: number;
  msg: string;
  bootId: string;
}

// What to select.
export interface JournalQuery {
  units: string[];
  since?: number;
  until?: number;
  grep?: RegExp;
  lines?: number;
  bootId?: string;
  reverse?: boolean;
}

// The output formats journalctl -o understands here.
export type JournalFormat = 'short' | 'short-iso' | 'short-iso-precise' | 'short-precise' | 'short-unix' | 'cat' | 'json' | 'with-unit';

const MAX_ENTRIES = 20_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The journal of one node.
export class Journal {
  private readonly entries: JournalEntry[] = [];

  constructor(readonly host: string) {}

  // Append an entry (timestamps may be in the past, for history written at start-up).
  add(e: JournalEntry): void {
    const last = this.entries[this.entries.length - 1];
    if (!last || last.ts <= e.ts) this.entries.push(e);
    else this.entries.splice(this.insertAt(e.ts), 0, e);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  // Entries matching the query, oldest first (or newest first with reverse); `lines` keeps the last N.
  query(q: JournalQuery): JournalEntry[] {
    const units = new Set(q.units);
    let out = this.entries.filter(
      (e) =>
        (units.size === 0 || units.has(e.unit)) &&
        (q.since === undefined || e.ts >= q.since) &&
        (q.until === undefined || e.ts <= q.until) &&
        (q.bootId === undefined || e.bootId === q.bootId) &&
        (q.grep === undefined || q.grep.test(e.msg)),
    );
    if (q.lines !== undefined) out = q.lines === 0 ? [] : out.slice(-q.lines);
    return q.reverse ? out.reverse() : out;
  }

  // Move every entry (and the time in its logrus/klog text) back by ms, as if that much time had
  // passed; the order is unchanged and new entries, stamped now, still sort after them.
  age(ms: number): number {
    for (const e of this.entries) {
      e.ts -= ms;
      e.msg = ageStamps(e.msg, ms, e.ts);
    }
    return this.entries.length;
  }

  private insertAt(ts: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.entries[mid]?.ts ?? 0) <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// `2026-06-24T16:04:10+00:00` (UTC; with microseconds when precise).
export function isoStamp(ts: number, precise = false): string {
  const d = new Date(ts);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${base}${precise ? `.${pad(d.getUTCMilliseconds(), 3)}000` : ''}+00:00`;
}

function syslogStamp(ts: number, precise: boolean): string {
  const d = new Date(ts);
  const base = `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return precise ? `${base}.${pad(d.getUTCMilliseconds(), 3)}000` : base;
}

// One entry as journalctl prints it in `format`.
export function formatEntry(e: JournalEntry, host: string, format: JournalFormat): string {
  const tail = `${host} ${e.ident}[${e.pid}]: ${e.msg}`;
  switch (format) {
    case 'cat':
      return e.msg;
    case 'short-iso':
      return `${isoStamp(e.ts)} ${tail}`;
    case 'short-iso-precise':
      return `${isoStamp(e.ts, true)} ${tail}`;
    case 'short-precise':
      return `${syslogStamp(e.ts, true)} ${tail}`;
    case 'short-unix':
      return `${(e.ts / 1000).toFixed(6)} ${tail}`;
    case 'with-unit':
      return `${syslogStamp(e.ts, false)} ${host} ${e.unit}: ${e.msg}`;
    case 'json':
      return JSON.stringify({
        __REALTIME_TIMESTAMP: String(e.ts * 1000),
        _BOOT_ID: e.bootId.replace(/-/g, ''),
        _HOSTNAME: host,
        SYSLOG_IDENTIFIER: e.ident,
        _PID: String(e.pid),
        _SYSTEMD_UNIT: e.unit,
        MESSAGE: e.msg,
        PRIORITY: /\b(error|fatal|level=error|^E\d{4})/i.test(e.msg) ? '3' : '6',
      });
    default:
      return `${syslogStamp(e.ts, false)} ${tail}`;
  }
}

// A message's own logrus `time="…Z"` or leading klog `E0624 16:04:10.123456` stamp moved back by ms
// (the klog stamp has no year: the entry's new time supplies it).
function ageStamps(msg: string, ms: number, ts: number): string {
  const lr = /\btime="(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})Z"/.exec(msg);
  if (lr) return msg.replace(lr[0], `time="${new Date(Date.parse(`${lr[1]}Z`) - ms).toISOString().replace(/\.\d{3}Z$/, 'Z')}"`);
  const kl = /^([IWE])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})(\d{3}) /.exec(msg);
  if (!kl) return msg;
  const [, level, mo, d, h, mi, s, milli, micro] = kl;
  const year = new Date(ts + ms).getUTCFullYear();
  const t = new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(milli)) - ms);
  const stamp = `${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}${micro ?? '000'}`;
  return `${level ?? 'I'}${stamp} ${msg.slice(kl[0].length)}`;
}

// A klog-style line (`E0624 16:04:10.123456    1234 file.go:42] msg`), as kubelet/kubelite log.
export function klog(level: 'I' | 'W' | 'E', pid: number, where: string, msg: string, ts = Date.now()): string {
  const d = new Date(ts);
  const stamp = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(Math.floor(Math.random() * 1000), 3)}`;
  return `${level}${stamp} ${String(pid).padStart(7)} ${where}] ${msg}`;
}

// A logrus-style line (`time="2026-06-24T16:04:10Z" level=error msg="..."`), as k8s-dqlite logs.
export function logrus(level: 'info' | 'warning' | 'error', msg: string, ts = Date.now()): string {
  return `time="${new Date(ts).toISOString().replace(/\.\d{3}Z$/, 'Z')}" level=${level} msg=${JSON.stringify(msg)}`;
}

const SPAN_UNITS: [RegExp, number][] = [
  [/^(us|usec|µs)$/, 0.001],
  [/^(ms|msec)$/, 1],
  [/^(s|sec|secs|second|seconds)$/, 1000],
  [/^(m|min|mins|minute|minutes)$/, 60_000],
  [/^(h|hr|hrs|hour|hours)$/, 3_600_000],
  [/^(d|day|days)$/, 86_400_000],
  [/^(w|week|weeks)$/, 604_800_000],
];

// A systemd time span (`600s`, `10min`, `1h 30min`, `90`) in milliseconds, or undefined.
export function parseSpan(text: string): number | undefined {
  const parts = text.trim().match(/(\d+(?:\.\d+)?)\s*([a-zµ]*)/gi);
  if (!parts || parts.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) return undefined;
  let total = 0;
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)\s*([a-zµ]*)$/i.exec(p.trim());
    if (!m) return undefined;
    const unit = (m[2] ?? '').toLowerCase();
    const mult = unit === '' ? 1000 : SPAN_UNITS.find(([re]) => re.test(unit))?.[1];
    if (mult === undefined) return undefined;
    total += Number(m[1]) * mult;
  }
  return total;
}

// A journalctl --since/--until value as epoch ms, or undefined when systemd could not parse it.
export function parseTimestamp(text: string, now = Date.now()): number | undefined {
  const t = text.trim();
  if (t === 'now') return now;
  const day = new Date(now);
  day.setUTCHours(0, 0, 0, 0);
  if (t === 'today') return day.getTime();
  if (t === 'yesterday') return day.getTime() - 86_400_000;
  if (t === 'tomorrow') return day.getTime() + 86_400_000;
  if (/^@\d+(\.\d+)?$/.test(t)) return Number(t.slice(1)) * 1000;
  const rel = /^([+-])\s*(.+)$/.exec(t);
  if (rel) {
    const span = parseSpan(rel[2] ?? '');
    return span === undefined ? undefined : rel[1] === '-' ? now - span : now + span;
  }
  const ago = /^(.+?)\s+(ago|left)$/.exec(t);
  if (ago) {
    const span = parseSpan(ago[1] ?? '');
    return span === undefined ? undefined : ago[2] === 'ago' ? now - span : now + span;
  }
  const abs = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!abs) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', tz] = abs;
  let ts = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const off = tz && /^[+-]/.test(tz) ? /^([+-])(\d{2}):?(\d{2})$/.exec(tz) : null;
  if (off) ts -= (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000;
  return Number.isNaN(ts) ? undefined : ts;
}
