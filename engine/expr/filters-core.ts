// Core filters: default, mandatory, type conversions (int, float, bool, string, list), length,
// ternary, type_debug, abs, round.
import { ExprRuntimeError } from './errors.js';
import { Undefined } from './undefined.js';
import { bindArgs } from './args.js';
import { registerFilter } from './registry.js';
import type { FilterFn } from './registry.js';
import { isMapping, isTruthy, pyTypeName, toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import { numeric, pyEquals } from './python-ops.js';
import { missingAttr, pyIter, pyLen } from './access.js';
import { PyObject } from './objects.js';
import { methodOf } from './methods.js';
import { pyRound } from './number-format.js';
import { PyFloat, isFloat, pyFloat } from '../py/float.js';

// Python int(str, base) (None when not parseable).
export function parseIntPy(s: string, base: number): number | null {
  let t = s.trim().replace(/(?<=[\da-zA-Z])_(?=[\da-zA-Z])/g, '');
  let sign = 1;
  if (t.startsWith('-') || t.startsWith('+')) {
    sign = t.startsWith('-') ? -1 : 1;
    t = t.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/i.exec(t)?.[1]?.toLowerCase();
  const pb = prefix === 'x' ? 16 : prefix === 'o' ? 8 : prefix === 'b' ? 2 : 0;
  if (pb && (b === pb || b === 0)) {
    t = t.slice(2);
    b = pb;
  } else if (b === 0) {
    if (/^0+$/.test(t)) return 0;
    if (/^0/.test(t)) return null;
    b = 10;
  }
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  if (t === '' || ![...t.toLowerCase()].every((c) => digits.includes(c))) return null;
  return sign * parseInt(t, b);
}

// Python float(str) (None when not parseable).
export function parseFloatPy(s: string): number | null {
  const t = s.trim().replace(/(?<=\d)_(?=\d)/g, '').toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

// Jinja's int filter: int(value) else int(float(value)) else default.
export function toInt(value: unknown, dflt: unknown = 0, base: unknown = 10): unknown {
  if (typeof value === 'string') {
    const n = parseIntPy(value, Number(base));
    if (n !== null) return n;
    const f = parseFloatPy(value);
    if (f === null || Number.isNaN(f)) return dflt;
    if (!Number.isFinite(f)) throw new ExprRuntimeError('cannot convert float infinity to integer');
    return Math.trunc(f);
  }
  const n = numeric(value);
  if (n === null || Number.isNaN(n)) return dflt;
  if (!Number.isFinite(n)) throw new ExprRuntimeError('cannot convert float infinity to integer');
  return Math.trunc(n);
}

// Ansible's bool filter: True for yes/on/1/true (any case) and 1; None stays None.
export function toBool(v: unknown): boolean | null {
  if (v === null || typeof v === 'boolean') return v;
  if (v instanceof Undefined) v.fail();
  const s = typeof v === 'string' ? v.toLowerCase() : v;
  return ['yes', 'on', '1', 'true'].includes(s as string) || pyEquals(s, 1);
}

const defaultFilter: FilterFn = (value, args, kwargs) => {
  const [dflt, boolean] = bindArgs('default', args, kwargs, ['default_value?', 'boolean?']);
  const d = dflt === undefined ? '' : dflt;
  if (value instanceof Undefined || (isTruthy(boolean ?? false) && !isTruthy(value))) return d;
  return value;
};
registerFilter('default', defaultFilter, { acceptsUndefined: true });
registerFilter('d', defaultFilter, { acceptsUndefined: true });
registerFilter(
  'mandatory',
  (value, args, kwargs) => {
    const [msg] = bindArgs('mandatory', args, kwargs, ['msg?']);
    if (!(value instanceof Undefined)) return value;
    if (msg !== undefined && msg !== null) throw new ExprRuntimeError(toPyStr(msg));
    throw new ExprRuntimeError(`Mandatory variable ${value.name !== undefined ? `'${value.name}' ` : ''} not defined.`);
  },
  { acceptsUndefined: true },
);
registerFilter('type_debug', (value) => (value instanceof Undefined ? 'AnsibleUndefined' : pyTypeName(value)), { acceptsUndefined: true });

registerFilter('int', (value, args, kwargs) => {
  const [dflt, base] = bindArgs('int', args, kwargs, ['default?', 'base?']);
  return toInt(value, dflt ?? 0, base ?? 10);
});
registerFilter('float', (value, args, kwargs) => {
  const [dflt] = bindArgs('float', args, kwargs, ['default?']);
  const d = dflt ?? new PyFloat(0);
  const n = typeof value === 'string' ? parseFloatPy(value) : numeric(value);
  return n === null ? d : pyFloat(n);
});
registerFilter('bool', (value) => toBool(value));
registerFilter('string', (value) => toPyStr(value));
registerFilter('list', (value) => [...pyIter(value)]);
registerFilter('length', (value) => pyLen(value));
registerFilter('count', (value) => pyLen(value));
registerFilter('items', (value) => {
  if (value instanceof Undefined) return [];
  if (!isMapping(value)) throw new ExprRuntimeError('Can only get item pairs from a mapping.');
  return Object.keys(value).map((k) => makeTuple([k, value[k]]));
});
registerFilter('attr', (value, args, kwargs) => {
  // Jinja's attr() looks up the Python attribute only, never a dict key
  const [name] = bindArgs('attr', args, kwargs, ['name']);
  const key = toPyStr(name);
  const attr = value instanceof PyObject ? value.getAttr(key) : methodOf(value, key);
  return attr !== undefined ? attr : missingAttr(value, key);
});
registerFilter('ternary', (value, args, kwargs) => {
  const [t, f, n] = bindArgs('ternary', args, kwargs, ['true_val', 'false_val', 'none_val?']);
  if (value === null && n !== undefined && n !== null) return n;
  return isTruthy(value) ? t : f;
});
registerFilter('abs', (value) => {
  const n = numeric(value);
  if (n === null) throw new ExprRuntimeError(`bad operand type for abs(): '${pyTypeName(value)}'`);
  return isFloat(value) ? pyFloat(Math.abs(n)) : Math.abs(n);
});
registerFilter('round', (value, args, kwargs) => {
  const [precision, method] = bindArgs('round', args, kwargs, ['precision?', 'method?']);
  const p = Number(precision ?? 0);
  const n = numeric(value);
  if (n === null) throw new ExprRuntimeError(`type ${pyTypeName(value)} doesn't define __round__ method`);
  const m = method ?? 'common';
  if (m === 'common') return isFloat(value) ? pyFloat(pyRound(n, p)) : p >= 0 ? n : pyRound(n, p);
  if (m !== 'ceil' && m !== 'floor') throw new ExprRuntimeError('method must be common, ceil or floor');
  const f = 10 ** p;
  return pyFloat((m === 'ceil' ? Math.ceil(n * f) : Math.floor(n * f)) / f);
});

function mathFilter(name: string, params: string[], fn: (x: number, ...a: number[]) => number): void {
  registerFilter(name, (value, args, kwargs) => {
    const bound = bindArgs(name, args, kwargs, params);
    const nums = [value, ...bound.filter((b) => b !== undefined)].map((v) => {
      const n = numeric(v);
      if (n === null) throw new ExprRuntimeError(`${name}() can only be used on numbers: must be real number, not ${pyTypeName(v)}`);
      return n;
    });
    const r = fn(...(nums as [number, ...number[]]));
    if (Number.isNaN(r)) throw new ExprRuntimeError('math domain error');
    return pyFloat(r);
  });
}
mathFilter('pow', ['y'], (x, y = 1) => x ** y);
mathFilter('log', ['base?'], (x, base = Math.E) => (base === 10 ? Math.log10(x) : Math.log(x) / Math.log(base)));
mathFilter('root', ['base?'], (x, base = 2) => (base === 2 ? Math.sqrt(x) : x ** (1 / base)));
