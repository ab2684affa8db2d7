// Attribute, item and slice access with Jinja's rules (a.b tries the Python attribute, then the
// key; a['b'] tries the key, then the attribute), plus iteration and len().
import { ExprRuntimeError } from './errors.js';
import { Undefined, assertDefined, isLenientUndefined } from './undefined.js';
import { PyObject } from './objects.js';
import { dictGet, isMapping, pyTypeName, toPyRepr } from './python-values.js';
import { isTuple, makeTuple } from '../py/tuple.js';
import { numeric } from './python-ops.js';
import { methodOf, setFormatAttrGetter } from './methods.js';
import { PyFloat, isFloat } from '../py/float.js';
import { checkLength } from './budget.js';
import { limit } from '../shared/limits.js';

function typeRepr(obj: unknown): string {
  return obj === null || obj === undefined ? 'None' : `${pyTypeName(obj)} object`;
}

// The Undefined for a missing attribute (string name) or element (other keys).
export function missingAttr(obj: unknown, name: unknown): Undefined {
  if (typeof name === 'string') return new Undefined(`'${typeRepr(obj)}' has no attribute '${name}'`, name);
  return new Undefined(`${typeRepr(obj)} has no element ${toPyRepr(name)}`, String(name));
}

function pyAttribute(obj: unknown, name: string): unknown {
  if (obj instanceof PyObject) return obj.getAttr(name);
  return methodOf(obj, name);
}

// Jinja getattr: `obj.name`.
export function getAttr(obj: unknown, name: string): unknown {
  if (obj instanceof Undefined) return obj.lenient ? obj.fail() : obj;
  const attr = pyAttribute(obj, name);
  if (attr !== undefined) return attr;
  if (isMapping(obj)) {
    const v = dictGet(obj, name);
    if (v !== undefined) return v;
  }
  return missingAttr(obj, name);
}

function indexSeq(seq: ArrayLike<unknown>, i: number): unknown {
  if (!Number.isInteger(i)) return undefined;
  const idx = i < 0 ? seq.length + i : i;
  return idx >= 0 && idx < seq.length ? seq[idx] : undefined;
}

// Jinja getitem: `obj[key]`.
export function getItem(obj: unknown, key: unknown): unknown {
  if (obj instanceof Undefined) return obj.lenient ? obj.fail() : obj;
  assertDefined(key);
  let v: unknown;
  const n = isFloat(key) ? null : numeric(key);
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (n !== null) v = indexSeq(obj, n);
  } else if (isMapping(obj)) {
    if (typeof key === 'string' || typeof key === 'number' || key instanceof PyFloat) v = dictGet(obj, String(key instanceof PyFloat ? key.value : key));
    else if (typeof key === 'boolean') v = dictGet(obj, key ? 'True' : 'False');
  }
  if (v !== undefined) return v;
  if (typeof key === 'string') {
    const attr = pyAttribute(obj, key);
    if (attr !== undefined) return attr;
  }
  return missingAttr(obj, key);
}

function sliceIndex(v: unknown, what: string): number | null {
  if (v === null || v === undefined) return null;
  const n = numeric(v);
  if (n === null || isFloat(v)) {
    throw new ExprRuntimeError(`slice indices must be integers or None or have an __index__ method`);
  }
  void what;
  return n;
}

// Python slicing obj[start:stop:step] for lists, tuples and strings.
export function getSlice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (obj instanceof Undefined) return obj;
  if (!Array.isArray(obj) && typeof obj !== 'string') {
    throw new ExprRuntimeError(`'${pyTypeName(obj)}' object is not subscriptable`);
  }
  const len = obj.length;
  const st = sliceIndex(step, 'step') ?? 1;
  if (st === 0) throw new ExprRuntimeError('slice step cannot be zero');
  const norm = (v: number | null, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    const x = v < 0 ? v + len : v;
    return Math.min(Math.max(x, lo), hi);
  };
  const a = norm(sliceIndex(start, 'start'), st > 0 ? 0 : len - 1, st > 0 ? 0 : -1, st > 0 ? len : len - 1);
  const b = norm(sliceIndex(stop, 'stop'), st > 0 ? len : -1, st > 0 ? 0 : -1, st > 0 ? len : len - 1);
  const items: unknown[] = [];
  for (let i = a; st > 0 ? i < b : i > b; i += st) items.push(obj[i]);
  if (typeof obj === 'string') return (items as string[]).join('');
  return isTuple(obj) ? makeTuple(items) : items;
}

// The items Python would iterate over: list items, string characters, dict keys.
export function pyIter(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') {
    // a string of more characters than a list may hold is refused before it is split
    const max = limit('listItems');
    if (v.length > 2 * max || (v.length > max && [...v].length > max)) checkLength(v.length, 'list');
    return Array.from(v);
  }
  if (isLenientUndefined(v)) return [];
  assertDefined(v);
  if (isMapping(v)) return Object.keys(v);
  throw new ExprRuntimeError(`'${pyTypeName(v)}' object is not iterable`);
}

// Python len().
export function pyLen(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isLenientUndefined(v)) return 0;
  assertDefined(v);
  if (isMapping(v)) return Object.keys(v).length;
  throw new ExprRuntimeError(`object of type '${pyTypeName(v)}' has no len()`);
}

setFormatAttrGetter((obj, key, isIndex) => (isIndex ? getItem(obj, key) : getAttr(obj, String(key))));
