// Python's datetime.datetime / datetime.date (naive) and datetime.timedelta, as to_datetime,
// now() and from_yaml produce them: attributes, str()/repr(), subtraction and comparison.
import { ExprRuntimeError } from './errors.js';
import { PyCallable, PyObject } from './objects.js';
import { bindArgs } from './args.js';
import { pyFloat } from '../py/float.js';
import { strftime } from './filters-time.js';

const DAY_US = 86_400_000_000;
const p2 = (n: number): string => String(n).padStart(2, '0');
const p6 = (n: number): string => String(n).padStart(6, '0');

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

// Python's checks of datetime(year, month, day, ...) arguments (ValueError messages).
export function checkDate(y: number, m: number, d: number): void {
  if (y < 1 || y > 9999) throw new ExprRuntimeError(`year ${y} is out of range`);
  if (m < 1 || m > 12) throw new ExprRuntimeError('month must be in 1..12');
  const dim = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
  if (d < 1 || d > dim) throw new ExprRuntimeError('day is out of range for month');
}

/** datetime.timedelta, normalized like Python: days, 0 <= seconds < 86400, 0 <= microseconds < 10**6 */
export class PyTimeDelta extends PyObject {
  readonly typeName = 'timedelta';
  override get qualName(): string {
    return 'datetime.timedelta';
  }
  readonly days: number;
  readonly seconds: number;
  readonly micros: number;
  constructor(totalMicros: number) {
    super();
    this.days = Math.floor(totalMicros / DAY_US);
    const rest = totalMicros - this.days * DAY_US;
    this.seconds = Math.floor(rest / 1e6);
    this.micros = rest - this.seconds * 1e6;
  }
  get total(): number {
    return this.days * DAY_US + this.seconds * 1e6 + this.micros;
  }
  override getAttr(name: string): unknown {
    if (name === 'days') return this.days;
    if (name === 'seconds') return this.seconds;
    if (name === 'microseconds') return this.micros;
    if (name === 'total_seconds') return new PyCallable(name, () => pyFloat(this.total / 1e6), 'datetime.timedelta');
    return undefined;
  }
  override str(): string {
    const s = this.seconds;
    let out = `${Math.floor(s / 3600)}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
    if (this.days) out = `${this.days} day${Math.abs(this.days) !== 1 ? 's' : ''}, ${out}`;
    return this.micros ? `${out}.${p6(this.micros)}` : out;
  }
  override repr(): string {
    const parts = [['days', this.days], ['seconds', this.seconds], ['microseconds', this.micros]].filter(([, v]) => v !== 0);
    return `datetime.timedelta(${parts.map(([k, v]) => `${k}=${v}`).join(', ') || '0'})`;
  }
  override binaryOp(op: string, other: unknown, reflected: boolean): unknown {
    if (!(other instanceof PyTimeDelta)) return undefined;
    if (op === '+') return new PyTimeDelta(this.total + other.total);
    if (op === '-') return new PyTimeDelta(reflected ? other.total - this.total : this.total - other.total);
    return undefined;
  }
  override compareTo(other: unknown): number | undefined {
    return other instanceof PyTimeDelta ? Math.sign(this.total - other.total) : undefined;
  }
}

/** datetime.time (from datetime.time()): str() and repr() */
class PyTime extends PyObject {
  readonly typeName = 'time';
  constructor(readonly hms: [number, number, number, number]) {
    super();
  }
  override getAttr(name: string): unknown {
    const i = ['hour', 'minute', 'second', 'microsecond'].indexOf(name);
    return i >= 0 ? this.hms[i] : undefined;
  }
  override str(): string {
    const [h, mi, s, us] = this.hms;
    return `${p2(h)}:${p2(mi)}:${p2(s)}${us ? `.${p6(us)}` : ''}`;
  }
  override repr(): string {
    const f = [...this.hms];
    for (let n = 0; n < 2 && f.length > 2 && f.at(-1) === 0; n++) f.pop();
    return `datetime.time(${f.join(', ')})`;
  }
}

const FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'] as const;

/** a naive datetime.datetime, or a datetime.date when dateOnly */
export class PyDateTime extends PyObject {
  readonly typeName: 'datetime' | 'date';
  override get qualName(): string {
    return `datetime.${this.typeName}`;
  }
  readonly year: number;
  readonly month: number;
  readonly day: number;
  constructor(readonly days: number, readonly micros: number, readonly dateOnly = false) {
    super();
    this.typeName = dateOnly ? 'date' : 'datetime';
    [this.year, this.month, this.day] = civilFromDays(days);
  }
  // datetime(y, m, d, h, mi, s, us) with Python's range checks.
  static of(y: number, m: number, d: number, h = 0, mi = 0, s = 0, us = 0, dateOnly = false): PyDateTime {
    checkDate(y, m, d);
    if (h < 0 || h > 23) throw new ExprRuntimeError('hour must be in 0..23');
    if (mi < 0 || mi > 59) throw new ExprRuntimeError('minute must be in 0..59');
    if (s < 0 || s > 59) throw new ExprRuntimeError('second must be in 0..59');
    return new PyDateTime(daysFromCivil(y, m, d), ((h * 60 + mi) * 60 + s) * 1e6 + us, dateOnly);
  }
  get fields(): number[] {
    const secs = Math.floor(this.micros / 1e6);
    return [this.year, this.month, this.day, Math.floor(secs / 3600), Math.floor(secs / 60) % 60, secs % 60, this.micros % 1e6];
  }
  // Python weekday(): Monday is 0.
  get weekday(): number {
    return (((this.days + 3) % 7) + 7) % 7;
  }
  isoformat(sep = 'T'): string {
    const [y, mo, d, h, mi, s, us] = this.fields as [number, number, number, number, number, number, number];
    const date = `${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}`;
    if (this.dateOnly) return date;
    return `${date}${sep}${p2(h)}:${p2(mi)}:${p2(s)}${us ? `.${p6(us)}` : ''}`;
  }
  // strftime with datetime's extras: %f microseconds; %z and %Z empty (naive).
  strftime(format: string): string {
    const f = format.replace(/%([%fzZ])/g, (m, c: string) => (c === '%' ? m : c === 'f' ? p6(this.fields[6] as number) : ''));
    return strftime(f, (this.days * DAY_US + this.micros - (this.fields[6] as number)) / 1e6, true);
  }
  override getAttr(name: string): unknown {
    const i = (FIELDS as readonly string[]).indexOf(name);
    if (i >= 0 && (!this.dateOnly || i < 3)) return this.fields[i];
    const method = (fn: (a: unknown[], k: Record<string, unknown>) => unknown): PyCallable => new PyCallable(name, fn, `datetime.${this.typeName}`);
    switch (name) {
      case 'strftime': return method((a, k) => this.strftime(String(bindArgs('strftime', a, k, ['format'])[0])));
      case 'isoformat': return method((a, k) => this.isoformat(String(bindArgs('isoformat', a, k, ['sep?'])[0] ?? 'T')));
      case 'weekday': return method(() => this.weekday);
      case 'isoweekday': return method(() => this.weekday + 1);
      case 'date': return method(() => new PyDateTime(this.days, 0, true));
      case 'time': return this.dateOnly ? undefined : method(() => new PyTime(this.fields.slice(3) as [number, number, number, number]));
      case 'timestamp': return this.dateOnly ? undefined : method(() => {
        const [y, mo, d, h, mi, s, us] = this.fields as [number, number, number, number, number, number, number];
        const local = new Date(2000, mo - 1, d, h, mi, s);
        local.setFullYear(y);
        return pyFloat(local.getTime() / 1000 + us / 1e6);
      });
      case 'replace': return method((a, k) => {
        const vals = bindArgs('replace', a, k, this.dateOnly ? FIELDS.slice(0, 3).map((f) => `${f}?`) : FIELDS.map((f) => `${f}?`));
        const f = this.fields.map((v, j) => (vals[j] === undefined ? v : Number(vals[j])));
        return PyDateTime.of(f[0]!, f[1]!, f[2]!, f[3], f[4], f[5], f[6], this.dateOnly);
      });
    }
    return undefined;
  }
  override str(): string {
    return this.isoformat(' ');
  }
  override repr(): string {
    const f = this.fields.slice(0, this.dateOnly ? 3 : 7);
    if (!this.dateOnly) for (let n = 0; n < 2 && f.at(-1) === 0; n++) f.pop();
    return `datetime.${this.typeName}(${f.join(', ')})`;
  }
  override binaryOp(op: string, other: unknown, reflected: boolean): unknown {
    const here = this.days * DAY_US + this.micros;
    if (other instanceof PyTimeDelta && (op === '+' || (op === '-' && !reflected))) {
      const t = op === '+' ? here + other.total : here - other.total;
      const days = Math.floor(t / DAY_US);
      const r = new PyDateTime(days, this.dateOnly ? 0 : t - days * DAY_US, this.dateOnly);
      if (r.year < 1 || r.year > 9999) throw new ExprRuntimeError('date value out of range');
      return r;
    }
    if (op === '-' && other instanceof PyDateTime && other.dateOnly === this.dateOnly) {
      const there = other.days * DAY_US + other.micros;
      return new PyTimeDelta(reflected ? there - here : here - there);
    }
    return undefined;
  }
  override compareTo(other: unknown): number | undefined {
    if (!(other instanceof PyDateTime) || other.dateOnly !== this.dateOnly) return undefined;
    return Math.sign(this.days - other.days || this.micros - other.micros);
  }
}

// The current local (or UTC) time as a naive datetime, like datetime.now() / utcnow().
export function nowDateTime(utc: boolean): PyDateTime {
  const t = new Date();
  const ms = utc ? t.getTime() : t.getTime() - t.getTimezoneOffset() * 60_000;
  const days = Math.floor(ms / 86_400_000);
  return new PyDateTime(days, (ms - days * 86_400_000) * 1000);
}
