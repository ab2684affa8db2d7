// Python's json.dumps: its spacing, indent, sort_keys, ensure_ascii and separators, ints and
// floats as Python prints them (2.0, 1e-07, NaN, Infinity).
import { PyFloat, floatRepr } from './float.js';
import { formatNumber } from './repr.js';

export interface JsonOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
  /** default true, as in Python */
  ensureAscii?: boolean;
  separators?: [string, string];
  /**
   * json.dumps's `default`, asked about every object (or function) that is not an array or a float: it returns
   * the object itself to write it as a dict, or what to write instead; it throws for values that
   * are not serializable
   */
  convert?: (v: object) => unknown;
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
    else if (code < 0x20 || (ensureAscii && code >= 0x7f)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out + '"';
}

// Python's json.dumps(value, indent=..., sort_keys=..., ensure_ascii=..., separators=...).
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
    if (typeof v !== 'object' && typeof v !== 'function') return jsonString(String(v), ascii);
    let entries: string[];
    let open: string;
    let close: string;
    if (Array.isArray(v)) {
      entries = v.map((x) => dump(x, level + 1));
      [open, close] = ['[', ']'];
    } else {
      const d = opts.convert ? opts.convert(v) : v;
      if (d !== v) return dump(d, level);
      const keys = Object.keys(v);
      if (opts.sortKeys) keys.sort();
      entries = keys.map((k) => jsonString(k, ascii) + keySep + dump((v as Record<string, unknown>)[k], level + 1));
      [open, close] = ['{', '}'];
    }
    if (entries.length === 0) return open + close;
    if (indentUnit === null) return open + entries.join(itemSep) + close;
    const pad = '\n' + indentUnit.repeat(level + 1);
    return open + pad + entries.join(itemSep + pad) + '\n' + indentUnit.repeat(level) + close;
  };
  return dump(value, 0);
}
