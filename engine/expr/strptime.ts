// Python's datetime.strptime (the _strptime regexes, C locale) for to_datetime, plus the
// to_datetime filter and the now() global.
import { ExprRuntimeError } from './errors.js';
import { bindArgs } from './args.js';
import { registerFilter, registerGlobal } from './registry.js';
import { Kwargs } from './objects.js';
import { isTruthy, toPyStr } from './python-values.js';
import { reprString } from '../py/repr.js';
import { PyDateTime, daysFromCivil, nowDateTime } from './pydatetime.js';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const names = (list: string[], short: boolean): string => `(${list.map((n) => (short ? n.slice(0, 3) : n)).join('|')})`;

const DIRECTIVES: Record<string, string> = {
  d: '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
  f: '(\\d{1,6})',
  H: '(2[0-3]|[0-1]\\d|\\d)',
  I: '(1[0-2]|0[1-9]|[1-9])',
  j: '(36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])',
  m: '(1[0-2]|0[1-9]|[1-9])',
  M: '([0-5]\\d|\\d)',
  S: '(6[0-1]|[0-5]\\d|\\d)',
  U: '(5[0-3]|[0-4]\\d|\\d)',
  W: '(5[0-3]|[0-4]\\d|\\d)',
  w: '([0-6])',
  u: '([1-7])',
  y: '(\\d\\d)',
  Y: '(\\d\\d\\d\\d)',
  a: names(DAYS, true),
  A: names(DAYS, false),
  b: names(MONTHS, true),
  B: names(MONTHS, false),
  h: names(MONTHS, true),
  p: '(am|pm)',
};

interface Compiled {
  re: RegExp;
  fields: string[];
}
const cache = new Map<string, Compiled>();

function compile(format: string): Compiled {
  const hit = cache.get(format);
  if (hit) return hit;
  const fields: string[] = [];
  let src = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c === '%' && i + 1 < format.length) {
      const d = format[++i] as string;
      if (d === '%') src += '%';
      else if (Object.hasOwn(DIRECTIVES, d)) {
        fields.push(d);
        src += DIRECTIVES[d];
      } else throw new ExprRuntimeError(`'${d}' is a bad directive in format '%${d}'`);
    } else if (c === '%') throw new ExprRuntimeError(`stray % in format '${format}'`);
    else if (/\s/.test(c)) {
      while (i + 1 < format.length && /\s/.test(format[i + 1] as string)) i++;
      src += '\\s+';
    } else src += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  const compiled = { re: new RegExp(`^${src}`, 'i'), fields };
  if (cache.size > 500) cache.clear();
  cache.set(format, compiled);
  return compiled;
}

// datetime.datetime.strptime(text, format): ValueError's messages on mismatch.
export function strptime(text: string, format: string): PyDateTime {
  const { re, fields } = compile(format);
  const m = re.exec(text);
  if (!m) throw new ExprRuntimeError(`time data ${reprString(text)} does not match format ${reprString(format)}`);
  if (m[0].length !== text.length) throw new ExprRuntimeError(`unconverted data remains: ${text.slice(m[0].length)}`);
  let [year, month, day, hour, minute, second, micro] = [1900, 1, 1, 0, 0, 0, 0];
  let ampm: string | null = null;
  let julian: number | null = null;
  fields.forEach((f, i) => {
    const v = (m[i + 1] as string).toLowerCase();
    const n = Number(v);
    switch (f) {
      case 'Y': year = n; break;
      case 'y': year = n + (n <= 68 ? 2000 : 1900); break;
      case 'm': month = n; break;
      case 'b': case 'h': case 'B': month = MONTHS.findIndex((x) => x.startsWith(v)) + 1; break;
      case 'd': day = Number(v.trim()); break;
      case 'H': hour = n; break;
      case 'I': hour = n; ampm ??= 'am'; break;
      case 'p': ampm = v; break;
      case 'M': minute = n; break;
      case 'S': second = n; break;
      case 'f': micro = Number(v.padEnd(6, '0')); break;
      case 'j': julian = n; break;
    }
  });
  if (fields.includes('I')) {
    if (ampm === 'am' && hour === 12) hour = 0;
    else if (ampm === 'pm' && hour !== 12) hour += 12;
  }
  if (julian !== null && !fields.some((f) => 'mbBhd'.includes(f))) {
    const dt = new PyDateTime(daysFromCivil(year, 1, 1) + julian - 1, 0);
    [month, day] = [dt.month, dt.day];
  }
  return PyDateTime.of(year, month, day, hour, minute, second, micro);
}

registerFilter('to_datetime', (v, a, k) => {
  const [format] = bindArgs('to_datetime', a, k, ['format?']);
  return strptime(toPyStr(v), format === undefined ? '%Y-%m-%d %H:%M:%S' : toPyStr(format));
});

registerGlobal('now', (...raw) => {
  const last = raw.at(-1);
  const args = last instanceof Kwargs ? raw.slice(0, -1) : raw;
  const [utc, fmt] = bindArgs('now', args, last instanceof Kwargs ? last.values : {}, ['utc?', 'fmt?']);
  const now = nowDateTime(isTruthy(utc ?? false));
  return fmt === undefined || fmt === null || !isTruthy(fmt) ? now : now.strftime(toPyStr(fmt));
});
