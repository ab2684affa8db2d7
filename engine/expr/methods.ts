// Python methods callable on values: str.split(), dict.items(), list.index() ... A method is
// returned bound (PyCallable) by attribute access and invoked by a call.
import { ExprRuntimeError } from './errors.js';
import { PyCallable } from './objects.js';
import { bindArgs, noKwargs } from './args.js';
import type { KwArgs } from './args.js';
import { dictGet, isMapping, pyTypeName, toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import type { Dict } from './python-values.js';
import { pyEquals } from './python-ops.js';
import { strFormat } from './pyformat.js';
import { STR_METHODS } from './str-methods.js';
import { PyFloat } from '../py/float.js';

type Method<T> = (self: T, args: unknown[], kwargs: KwArgs) => unknown;

const DICT_METHODS: Record<string, Method<Dict>> = {
  keys: (d, a, k) => (noArgs('keys', a, k), Object.keys(d)),
  values: (d, a, k) => (noArgs('values', a, k), Object.keys(d).map((key) => d[key])),
  items: (d, a, k) => (noArgs('items', a, k), Object.keys(d).map((key) => makeTuple([key, d[key]]))),
  get: (d, a, k) => {
    noKwargs('get', k);
    const [key, dflt] = bindArgs('get', a, {}, ['key', 'default?']);
    const v = typeof key === 'string' || typeof key === 'number' || key instanceof PyFloat ? dictGet(d, String(key instanceof PyFloat ? key.value : key)) : undefined;
    return v !== undefined ? v : (dflt ?? null);
  },
  copy: (d, a, k) => (noArgs('copy', a, k), { ...d }),
};
const DICT_UNSUPPORTED = ['clear', 'fromkeys', 'pop', 'popitem', 'setdefault', 'update'];

const LIST_METHODS: Record<string, Method<unknown[]>> = {
  index: (l, a, k) => {
    noKwargs('index', k);
    const [x] = bindArgs('index', a, {}, ['value']);
    const i = l.findIndex((y) => pyEquals(y, x));
    if (i < 0) throw new ExprRuntimeError(`${toPyStr(x)} is not in list`);
    return i;
  },
  count: (l, a, k) => {
    noKwargs('count', k);
    const [x] = bindArgs('count', a, {}, ['value']);
    return l.filter((y) => pyEquals(y, x)).length;
  },
  copy: (l, a, k) => (noArgs('copy', a, k), [...l]),
};
// Methods that mutate a list or dict in place: refused at compile time (see parser).
export const MUTATING_METHODS = new Set(['append', 'extend', 'insert', 'remove', 'sort', 'reverse', 'clear', 'pop', 'popitem', 'setdefault', 'update']);
const LIST_UNSUPPORTED = ['append', 'clear', 'extend', 'insert', 'pop', 'remove', 'reverse', 'sort'];

function noArgs(name: string, args: unknown[], kwargs: KwArgs): void {
  noKwargs(name, kwargs);
  if (args.length > 0) throw new ExprRuntimeError(`${name}() takes no arguments (${args.length} given)`);
}

function unsupported(owner: string, name: string): PyCallable {
  return new PyCallable(name, () => {
    throw new ExprRuntimeError(`${owner}.${name}() is not supported`);
  }, owner);
}

// The bound method `name` of value obj, or undefined when obj has no such method.
export function methodOf(obj: unknown, name: string): PyCallable | undefined {
  if (typeof obj === 'string') {
    const m = name === 'format' ? formatMethod : Object.hasOwn(STR_METHODS, name) ? STR_METHODS[name] : undefined;
    return m ? new PyCallable(name, (a, k) => m(obj, a, k), 'str') : undefined;
  }
  if (Array.isArray(obj)) {
    const m = Object.hasOwn(LIST_METHODS, name) ? LIST_METHODS[name] : undefined;
    if (m) return new PyCallable(name, (a, k) => m(obj, a, k), pyTypeName(obj));
    return LIST_UNSUPPORTED.includes(name) ? unsupported('list', name) : undefined;
  }
  if (isMapping(obj)) {
    const m = Object.hasOwn(DICT_METHODS, name) ? DICT_METHODS[name] : undefined;
    if (m) return new PyCallable(name, (a, k) => m(obj, a, k), 'dict');
    return DICT_UNSUPPORTED.includes(name) ? unsupported('dict', name) : undefined;
  }
  return undefined;
}

let attrGetter: (obj: unknown, key: string | number, isIndex: boolean) => unknown = () => undefined;

// Lets access.ts provide attribute lookup to str.format field names (avoids an import cycle).
export function setFormatAttrGetter(fn: typeof attrGetter): void {
  attrGetter = fn;
}

const formatMethod: Method<string> = (s, args, kwargs) => strFormat(s, args, kwargs, attrGetter);
