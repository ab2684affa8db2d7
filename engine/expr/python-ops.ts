// Python operator semantics on JS values: equality, ordering, arithmetic and membership.
import { ExprRuntimeError } from './errors.js';
import { assertDefined, isLenientUndefined } from './undefined.js';
import { hasKey, isMapping, pyTypeName, toPyStr } from './python-values.js';
import { isTuple, makeTuple } from '../py/tuple.js';
import { printf } from './pyformat.js';
import { PyFloat, isFloat, pyFloat } from '../py/float.js';
import { PyObject } from './objects.js';
import { checkLength } from './budget.js';

// A type's name as Python's operator errors print it ('datetime.datetime').
const tn = (v: unknown): string => (v instanceof PyObject ? v.qualName : pyTypeName(v));

// The number a bool/int/float stands for (Python bools are ints), else null.
export function numeric(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  return null;
}

// The result n of a numeric operation: a float when asFloat (PyFloat if integral), else n.
export function numResult(n: number, asFloat: boolean): number | PyFloat {
  return asFloat ? pyFloat(n) : n;
}

// Python ==, deep for lists and dicts; using Undefined raises.
export function pyEquals(a: unknown, b: unknown): boolean {
  if (isLenientUndefined(a) || isLenientUndefined(b)) return isLenientUndefined(a) && isLenientUndefined(b);
  assertDefined(a);
  assertDefined(b);
  if (a === b) return true;
  if (a instanceof PyObject || b instanceof PyObject) return objectCompare(a, b) === 0;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== null && nb !== null) return na === nb;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

// Orders two values like Python's <, or raises TypeError's message for unorderable types.
export function pyCompare(a: unknown, b: unknown, op = '<'): number {
  assertDefined(a);
  assertDefined(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== null && nb !== null) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const c = objectCompare(a, b);
  if (c !== undefined) return c;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw new ExprRuntimeError(`'${op}' not supported between instances of '${tn(a)}' and '${tn(b)}'`);
}

function objectCompare(a: unknown, b: unknown): number | undefined {
  if (a instanceof PyObject) return a.compareTo(b);
  const c = b instanceof PyObject ? b.compareTo(a) : undefined;
  return c === undefined ? undefined : -c;
}

// The result of a PyObject operand's binaryOp (tried on a, then reflected on b), else undefined.
function objectOp(op: string, a: unknown, b: unknown): unknown {
  const r = a instanceof PyObject ? a.binaryOp(op, b, false) : undefined;
  return r !== undefined || !(b instanceof PyObject) ? r : b.binaryOp(op, a, true);
}

function unsupported(op: string, a: unknown, b: unknown): never {
  throw new ExprRuntimeError(`unsupported operand type(s) for ${op}: '${tn(a)}' and '${tn(b)}'`);
}

function seqResult(a: unknown[], items: unknown[]): unknown[] {
  return isTuple(a) ? makeTuple(items) : items;
}

// Python a + b.
export function pyAdd(a: unknown, b: unknown): unknown {
  assertDefined(a);
  assertDefined(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== null && nb !== null) return numResult(na + nb, isFloat(a) || isFloat(b));
  if (typeof a === 'string') {
    if (typeof b === 'string') {
      checkLength(a.length + b.length, 'string');
      return a + b;
    }
    throw new ExprRuntimeError(`can only concatenate str (not "${pyTypeName(b)}") to str`);
  }
  if (Array.isArray(a)) {
    if (Array.isArray(b)) {
      checkLength(a.length + b.length, 'list');
      return seqResult(a, [...a, ...b]);
    }
    throw new ExprRuntimeError(`can only concatenate ${pyTypeName(a)} (not "${pyTypeName(b)}") to ${pyTypeName(a)}`);
  }
  return objectOp('+', a, b) ?? unsupported('+', a, b);
}

function repeat(seq: unknown, count: unknown): unknown {
  const n = numeric(count) ?? 0;
  if (isFloat(count)) throw new ExprRuntimeError(`can't multiply sequence by non-int of type 'float'`);
  const times = Math.max(0, n);
  const length = (seq as string | unknown[]).length;
  if (length > 0) checkLength(length * times, typeof seq === 'string' ? 'string' : 'list');
  if (typeof seq === 'string') return seq.repeat(times);
  const arr = seq as unknown[];
  const out: unknown[] = [];
  for (let i = 0; i < times; i++) out.push(...arr);
  return seqResult(arr, out);
}

// Python a * b (numbers, or sequence repetition).
export function pyMul(a: unknown, b: unknown): unknown {
  assertDefined(a);
  assertDefined(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== null && nb !== null) return numResult(na * nb, isFloat(a) || isFloat(b));
  if ((typeof a === 'string' || Array.isArray(a)) && nb !== null) return repeat(a, b);
  if ((typeof b === 'string' || Array.isArray(b)) && na !== null) return repeat(b, a);
  if (typeof a === 'string' || Array.isArray(a)) {
    throw new ExprRuntimeError(`can't multiply sequence by non-int of type '${pyTypeName(b)}'`);
  }
  return objectOp('*', a, b) ?? unsupported('*', a, b);
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  assertDefined(a);
  assertDefined(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na === null || nb === null) return unsupported(op, a, b);
  return [na, nb];
}

// Python arithmetic for - / // % ** (a string left of % formats printf-style).
export function pyArith(op: string, a: unknown, b: unknown): unknown {
  if (op === '+') return pyAdd(a, b);
  if (op === '*') return pyMul(a, b);
  if (op === '%' && typeof a === 'string') {
    assertDefined(b);
    return printf(a, b);
  }
  if (a instanceof PyObject || b instanceof PyObject) return objectOp(op, a, b) ?? unsupported(op, a, b);
  const [x, y] = numbers(op, a, b);
  const floats = isFloat(a) || isFloat(b);
  switch (op) {
    case '-':
      return numResult(x - y, floats);
    case '/':
      if (y === 0) throw new ExprRuntimeError(floats ? 'float division by zero' : 'division by zero');
      return pyFloat(x / y);
    case '//':
      if (y === 0) throw new ExprRuntimeError(floats ? 'float floor division by zero' : 'integer division or modulo by zero');
      return numResult(Math.floor(x / y), floats);
    case '%': {
      if (y === 0) throw new ExprRuntimeError(floats ? 'float modulo' : 'integer division or modulo by zero');
      const r = x % y;
      return numResult(r !== 0 && r < 0 !== y < 0 ? r + y : r, floats);
    }
    case '**':
      if (x === 0 && y < 0) throw new ExprRuntimeError('0.0 cannot be raised to a negative power');
      return numResult(x ** y, floats || y < 0);
  }
  throw new ExprRuntimeError(`unknown operator ${op}`);
}

// Python unary minus / plus.
export function pyNegate(v: unknown, op: '-' | '+'): number | PyFloat {
  assertDefined(v);
  const n = numeric(v);
  if (n === null) throw new ExprRuntimeError(`bad operand type for unary ${op}: '${pyTypeName(v)}'`);
  return numResult(op === '-' ? -n : n, isFloat(v));
}

// Python `item in container`.
export function pyContains(container: unknown, item: unknown): boolean {
  assertDefined(container);
  assertDefined(item);
  if (typeof container === 'string') {
    if (typeof item !== 'string') {
      throw new ExprRuntimeError(`'in <string>' requires string as left operand, not ${pyTypeName(item)}`);
    }
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isMapping(container)) {
    if (typeof item === 'string') return hasKey(container, item);
    if (typeof item === 'number' || item instanceof PyFloat) return hasKey(container, String(numeric(item)));
    return false;
  }
  throw new ExprRuntimeError(`argument of type '${pyTypeName(container)}' is not iterable`);
}

// Jinja's `~`: both operands as Python str, concatenated.
export function pyConcat(a: unknown, b: unknown): string {
  return toPyStr(a) + toPyStr(b);
}
