// Python string formatting: printf-style `'%s-%d' % (a, b)` and str.format / the format spec
// mini-language.
import { Undefined } from './undefined.js';
import { ExprRuntimeError } from './errors.js';
import { dictGet, isMapping, pyTypeName, toPyRepr, toPyStr } from './python-values.js';
import { isTuple } from '../py/tuple.js';
import { toExpPy, toFixedPy, toGeneralPy } from './number-format.js';
import { PyFloat, isFloat, pyFloat } from '../py/float.js';
import { checkLength } from './budget.js';

function asNumber(v: unknown, conv: string, intOnly: boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat && !intOnly) return v.value;
  if (typeof v === 'number') {
    if (intOnly && !Number.isInteger(v)) {
      throw new ExprRuntimeError(`%${conv} format: an integer is required, not float`);
    }
    return v;
  }
  const what = intOnly ? 'an integer is required' : conv === 'd' || conv === 'i' || conv === 'u' ? 'a real number is required' : 'must be real number';
  throw new ExprRuntimeError(
    what === 'must be real number' ? `must be real number, not ${pyTypeName(v)}` : `%${conv} format: ${what}, not ${pyTypeName(v)}`,
  );
}

function pad(body: string, width: number, left: boolean, zero: boolean): string {
  if (body.length >= width) return body;
  checkLength(width, 'string');
  if (left) return body.padEnd(width);
  if (zero) {
    const sign = /^[-+ ]/.test(body) ? body.slice(0, 1) : '';
    const rest = sign ? body.slice(1) : body;
    const prefix = /^0[xXob]/.test(rest) ? rest.slice(0, 2) : '';
    return sign + prefix + rest.slice(prefix.length).padStart(width - sign.length - prefix.length, '0');
  }
  return body.padStart(width);
}

function signed(n: number, text: string, plus: boolean, space: boolean): string {
  if (n < 0 || Object.is(n, -0) || text.startsWith('-')) return text.startsWith('-') ? text : `-${text}`;
  return (plus ? '+' : space ? ' ' : '') + text;
}

function convertNumber(v: unknown, conv: string, prec: number | undefined, alt: boolean): string {
  const intConv = 'xXoc'.includes(conv);
  const n = asNumber(v, conv, intConv);
  const a = Math.abs(n);
  switch (conv) {
    case 'd': case 'i': case 'u':
      return String(Math.trunc(a));
    case 'x': case 'X': {
      const t = (alt ? '0x' : '') + a.toString(16);
      return conv === 'X' ? t.toUpperCase() : t;
    }
    case 'o':
      return (alt ? '0o' : '') + a.toString(8);
    case 'f': case 'F':
      return toFixedPy(a, prec ?? 6);
    case 'e': case 'E':
      return toExpPy(a, prec ?? 6, conv === 'E');
    default:
      return toGeneralPy(a, prec ?? 6, alt, conv === 'G');
  }
}

const PRINTF = /%(?:\(([^)]*)\))?([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?[hlL]?([diouxXeEfFgGcrsa%])?/g;

// Python's `format % values`.
export function printf(format: string, values: unknown): string {
  const args = isTuple(values) ? (values as unknown[]) : [values];
  const mapping = isMapping(values) ? values : null;
  let argi = 0;
  let usedMapping = false;
  const next = (): unknown => {
    if (argi >= args.length) throw new ExprRuntimeError('not enough arguments for format string');
    return args[argi++];
  };
  const out = format.replace(PRINTF, (_m, key: string | undefined, flags: string, w?: string, p?: string, conv?: string) => {
    if (conv === undefined) throw new ExprRuntimeError('incomplete format');
    if (conv === '%') return '%';
    const width = w === '*' ? Number(next()) : w ? Number(w) : 0;
    const prec = p === '*' ? Number(next()) : p !== undefined ? Number(p) : undefined;
    let v: unknown;
    if (key !== undefined) {
      if (!mapping) throw new ExprRuntimeError('format requires a mapping');
      usedMapping = true;
      v = dictGet(mapping, key);
      if (v === undefined) throw new ExprRuntimeError(`'${key}'`);
    } else v = next();
    let body: string;
    if (conv === 's' || conv === 'r' || conv === 'a') {
      // repr() of an undefined name does not raise: Jinja's AnsibleUndefined shows its name
      body = conv === 's' ? toPyStr(v) : v instanceof Undefined && v.name !== undefined && v.hint === `'${v.name}' is undefined` ? `AnsibleUndefined(hint=None, obj=missing, name='${v.name}')` : toPyRepr(v);
      if (prec !== undefined) body = body.slice(0, prec);
      return pad(body, width, flags.includes('-'), false);
    }
    if (conv === 'c') body = typeof v === 'string' ? v : String.fromCodePoint(asNumber(v, 'c', true));
    else body = signed(asNumber(v, conv, false), convertNumber(v, conv, prec, flags.includes('#')), flags.includes('+'), flags.includes(' '));
    return pad(body, width, flags.includes('-'), flags.includes('0'));
  });
  if (!usedMapping && argi < args.length && !(mapping && args.length === 1)) {
    throw new ExprRuntimeError('not all arguments converted during string formatting');
  }
  return out;
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

// Formats one value with a format-spec ("{:>8.2f}" → spec ">8.2f").
export function formatSpec(v: unknown, spec: string): string {
  if (spec === '') return toPyStr(v);
  const m = SPEC.exec(spec);
  if (!m) throw new ExprRuntimeError(`Invalid format specifier '${spec}' for object of type '${pyTypeName(v)}'`);
  const [, fillCh, alignCh, sign, , alt, zero, w, group, p, type] = m;
  const width = w ? Number(w) : 0;
  const prec = p !== undefined ? Number(p) : undefined;
  const isNum = typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
  if (isNum && isFloat(v) && type !== undefined && 'bcdnoxX'.includes(type)) {
    throw new ExprRuntimeError(`Unknown format code '${type}' for object of type 'float'`);
  }
  let body: string;
  if (!isNum || type === 's') {
    if (type && type !== 's') throw new ExprRuntimeError(`Unknown format code '${type}' for object of type '${pyTypeName(v)}'`);
    body = toPyStr(v);
    if (prec !== undefined) body = body.slice(0, prec);
  } else {
    const n = Number(v);
    const a = Math.abs(n);
    let t: string;
    switch (type) {
      case 'b': t = (alt ? '0b' : '') + a.toString(2); break;
      case 'c': t = String.fromCodePoint(a); break;
      case '%': t = toFixedPy(a * 100, prec ?? 6) + '%'; break;
      case 'd': case 'n': t = String(Math.trunc(a)); break;
      case undefined:
        t = prec !== undefined ? toGeneralPy(a, prec, !!alt) : toPyStr(isFloat(v) ? pyFloat(a) : a);
        if (prec !== undefined && isFloat(v) && /^\d+$/.test(t)) t += '.0';
        break;
      default: t = convertNumber(a, type, prec, !!alt);
    }
    if (group) {
      const [ip = '', fp] = t.split('.');
      t = ip.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (fp !== undefined ? `.${fp}` : '');
    }
    body = signed(n, t, sign === '+', sign === ' ');
  }
  const align = alignCh ?? (zero && isNum ? '=' : isNum ? '>' : '<');
  const fill = fillCh ?? (zero && !alignCh ? '0' : ' ');
  if (body.length >= width) return body;
  const gap = width - body.length;
  checkLength(width * Math.max(1, fill.length), 'string');
  if (align === '<') return body + fill.repeat(gap);
  if (align === '>') return fill.repeat(gap) + body;
  if (align === '^') return fill.repeat(Math.floor(gap / 2)) + body + fill.repeat(Math.ceil(gap / 2));
  const signCh = /^[-+ ]/.test(body) ? body.slice(0, 1) : '';
  return signCh + fill.repeat(gap) + body.slice(signCh.length);
}

type AttrGetter = (obj: unknown, key: string | number, isIndex: boolean) => unknown;

// Python's str.format(*args, **kwargs); getter resolves `.attr` / `[key]` in field names.
export function strFormat(format: string, args: unknown[], kwargs: Record<string, unknown>, getter: AttrGetter): string {
  let auto = 0;
  return format.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (field === undefined) throw new ExprRuntimeError(`Single '${m}' encountered in format string`);
    const fm = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
    if (!fm) throw new ExprRuntimeError(`invalid format field '${field}'`);
    const [, name = '', chain = '', conv, spec = ''] = fm;
    let v: unknown;
    if (name === '') v = args[auto++];
    else if (/^\d+$/.test(name)) v = args[Number(name)];
    else v = Object.hasOwn(kwargs, name) ? kwargs[name] : undefined;
    if (v === undefined) {
      throw new ExprRuntimeError(name === '' || /^\d+$/.test(name) ? 'Replacement index out of range for positional args tuple' : `'${name}'`);
    }
    for (const part of chain.match(/\.[^.[]+|\[[^\]]*\]/g) ?? []) {
      if (part.startsWith('.')) v = getter(v, part.slice(1), false);
      else {
        const key = part.slice(1, -1);
        v = getter(v, /^\d+$/.test(key) ? Number(key) : key, true);
      }
    }
    if (conv === 'r' || conv === 'a') v = toPyRepr(v);
    else if (conv === 's') v = toPyStr(v);
    return formatSpec(v, spec);
  });
}
