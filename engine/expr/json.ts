// Python json.dumps / json.loads as Ansible's to_json, to_nice_json and from_json use them.
import { ExprRuntimeError } from './errors.js';
import { Undefined } from './undefined.js';
import { PyObject } from './objects.js';
import { isMapping, pyTypeName } from './python-values.js';
import { formatNumber } from '../py/repr.js';
import { PyFloat, floatRepr, pyFloat } from '../py/float.js';
import { PyDateTime } from './pydatetime.js';

export interface JsonOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  separators?: [string, string];
}

// A JSON string literal escaped like Python's json module.
export function jsonString(s: string, ensureAscii = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    const code = s.charCodeAt(i);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (code < 0x20 || (ensureAscii && code > 0x7f)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out + '"';
}

// Python json.dumps(value, indent=..., sort_keys=..., ensure_ascii=..., separators=...).
export function jsonDumps(value: unknown, opts: JsonOptions = {}): string {
  const indentUnit = typeof opts.indent === 'number' ? ' '.repeat(opts.indent) : opts.indent ?? null;
  const [itemSep, keySep] = opts.separators ?? (indentUnit !== null ? [',', ': '] : [', ', ': ']);
  const ascii = opts.ensureAscii ?? true;
  const dump = (v: unknown, level: number): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return 'NaN';
      if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
      return formatNumber(v);
    }
    if (typeof v === 'string') return jsonString(v, ascii);
    if (v instanceof PyFloat) return floatRepr(v.value);
    if (v instanceof PyDateTime) return jsonString(v.isoformat(), ascii);
    if (v instanceof Undefined) v.fail();
    let entries: string[];
    let open: string;
    let close: string;
    if (Array.isArray(v)) {
      entries = v.map((x) => dump(x, level + 1));
      [open, close] = ['[', ']'];
    } else if (isMapping(v)) {
      const keys = Object.keys(v);
      if (opts.sortKeys) keys.sort();
      entries = keys.map((k) => jsonString(k, ascii) + keySep + dump(v[k], level + 1));
      [open, close] = ['{', '}'];
    } else {
      const what = v instanceof PyObject ? v.typeName : pyTypeName(v);
      throw new ExprRuntimeError(`Object of type ${what} is not JSON serializable`);
    }
    if (entries.length === 0) return open + close;
    if (indentUnit === null) return open + entries.join(itemSep) + close;
    const pad = '\n' + indentUnit.repeat(level + 1);
    return open + pad + entries.join(itemSep + pad) + '\n' + indentUnit.repeat(level) + close;
  };
  return dump(value, 0);
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
