// Python json.dumps / json.loads as Ansible's to_json, to_nice_json and from_json use them.
import { ExprRuntimeError } from './errors.js';
import { Undefined } from './undefined.js';
import { PyObject } from './objects.js';
import { isMapping, pyTypeName } from './python-values.js';
import { pyFloat } from '../py/float.js';
import { jsonDumps as pyJsonDumps, type JsonOptions } from '../py/json.js';
import { PyDateTime } from './pydatetime.js';

// Python json.dumps of an expression value: datetimes as ISO text, Undefined fails, objects
// that are not dicts are not serializable.
export function jsonDumps(value: unknown, opts: JsonOptions = {}): string {
  return pyJsonDumps(value, { ...opts, convert: (v) => {
    if (v instanceof PyDateTime) return v.isoformat();
    if (v instanceof Undefined) return v.fail();
    if (isMapping(v)) return v;
    const what = v instanceof PyObject ? v.typeName : pyTypeName(v);
    throw new ExprRuntimeError(`Object of type ${what} is not JSON serializable`);
  } });
}

const FLOAT_MARK = '\u0000pyfloat:';

// Marks the JSON tokens Python reads as floats but JSON.parse would make ints ("2.0", "1e3") and
// NaN/Infinity: outside strings they become marked strings for the reviver.
function markFloats(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|Infinity)|NaN/gs, (m) => {
    if (m.startsWith('"') || !/[.eEIN]/.test(m)) return m;
    return Number.isInteger(Number(m)) || !Number.isFinite(Number(m)) ? `"\\u0000pyfloat:${m}"` : m;
  });
}

// Python json.loads: floats stay floats ("2.0" gives a PyFloat), NaN/Infinity accepted like Python.
export function jsonLoads(text: string): unknown {
  try {
    return JSON.parse(markFloats(text), (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith(FLOAT_MARK) ? pyFloat(Number(v.slice(FLOAT_MARK.length))) : v,
    );
  } catch (e) {
    throw new ExprRuntimeError(`Expecting value: ${(e as Error).message}`);
  }
}
