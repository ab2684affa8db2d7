// How JS values stand for Python values in the expression language: type names, dict access,
// truthiness, and Python's str() / repr() of whole values (scalars and tuples: engine/py).
import { Undefined, assertDefined, isLenientUndefined } from './undefined.js';
import { Kwargs, PyObject } from './objects.js';
import { PyFloat, floatRepr } from '../py/float.js';
import { formatNumber, reprString } from '../py/repr.js';
import { isTuple } from '../py/tuple.js';

export type Dict = Record<string, unknown>;

// True for values that behave as Python dicts (plain objects, proxies, class instances).
export function isMapping(v: unknown): v is Dict {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Undefined) &&
    !(v instanceof PyObject) &&
    !(v instanceof PyFloat) &&
    !(v instanceof Kwargs)
  );
}

// True when the dict has key k (own properties; getters/proxy keys that are not functions).
export function hasKey(d: Dict, k: string): boolean {
  if (Object.hasOwn(d, k)) return true;
  return k in d && !(k in Object.prototype) && typeof d[k] !== 'function';
}

// The dict's value for k, or undefined (JS) when it has no such key.
export function dictGet(d: Dict, k: string): unknown {
  return hasKey(d, k) ? d[k] : undefined;
}

// Python's type name of a value ("str", "int", "dict", ...).
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (v instanceof Undefined) return 'AnsibleUndefined';
  if (v instanceof PyObject) return v.typeName;
  if (typeof v === 'function') return 'function';
  return 'dict';
}

// Python truthiness; using an Undefined raises.
export function isTruthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
    case 'function':
      return true;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (isLenientUndefined(v)) return false;
  assertDefined(v);
  if (v instanceof PyObject || v instanceof Kwargs) return true;
  return Object.keys(v as object).length > 0;
}

// Python repr(): strings quoted, containers recursively, True/False/None.
export function toPyRepr(v: unknown): string {
  if (typeof v === 'string') return reprString(v);
  if (Array.isArray(v)) {
    const items = v.map(toPyRepr);
    if (isTuple(v)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    return `[${items.join(', ')}]`;
  }
  if (isMapping(v)) {
    const parts = Object.keys(v).map((k) => `${reprString(k)}: ${toPyRepr(v[k])}`);
    return `{${parts.join(', ')}}`;
  }
  if (v instanceof PyObject) return v.repr();
  return toPyStr(v);
}

// Python str(): strings as is, numbers like Python, True/False/None, containers via repr.
export function toPyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return formatNumber(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof Undefined) return v.lenient ? '' : v.fail();
  if (v instanceof PyObject) return v.str();
  if (typeof v === 'function') return `<function ${v.name || 'anonymous'}>`;
  return toPyRepr(v);
}

// v as plain JS data for use outside the expression language: PyFloat becomes its number, other
// internal objects (datetimes, methods...) their Python str(). Unchanged parts are shared (and v
// itself is returned when it holds nothing internal); Undefined stays as it is.
export function toPlainData(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof PyFloat) return v.value;
  if (v instanceof Undefined) return v;
  if (v instanceof PyObject) return v.str();
  if (v instanceof Kwargs) return toPlainData(v.values);
  if (Array.isArray(v)) {
    const items = v.map(toPlainData);
    return items.some((x, i) => x !== v[i]) ? items : v;
  }
  const d = v as Dict;
  const keys = Object.keys(d);
  const values = keys.map((k) => toPlainData(d[k]));
  if (values.every((x, i) => x === d[keys[i] as string])) return v;
  const out: Dict = {};
  keys.forEach((k, i) => (out[k] = values[i]));
  return out;
}
