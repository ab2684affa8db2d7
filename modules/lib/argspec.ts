// Ansible's role argument validation (ArgumentSpecValidator, as validate_argument_spec uses it):
// required options, types with Ansible's conversions (str, int, float, bool, list, dict, path,
// raw), choices, list elements and nested options; messages worded like Ansible's.
import { toPyRepr } from '../../engine/expr/index.js';

export interface OptionSpec {
  type?: string;
  required?: boolean;
  default?: unknown;
  choices?: unknown[];
  elements?: string;
  options?: Record<string, OptionSpec>;
  aliases?: string[];
}

const PY_TYPE: Record<string, string> = { string: "<class 'str'>", number: "<class 'int'>", boolean: "<class 'bool'>", object: "<class 'dict'>" };

function pyType(v: unknown): string {
  if (Array.isArray(v)) return "<class 'list'>";
  if (typeof v === 'number' && !Number.isInteger(v)) return "<class 'float'>";
  return PY_TYPE[typeof v] ?? "<class 'NoneType'>";
}

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f', '0.0']);

// Converts `v` to `type` like Ansible's check_type_*; throws a message when it cannot.
function convert(v: unknown, type: string): unknown {
  switch (type) {
    case 'str':
    case 'path':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      break;
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string' && /^[-+]?\d+$/.test(v.trim())) return Number(v);
      break;
    case 'float':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      break;
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (TRUE.has(String(v).toLowerCase())) return true;
      if (FALSE.has(String(v).toLowerCase())) return false;
      break;
    case 'list':
      if (Array.isArray(v)) return v;
      if (typeof v === 'string') return v.split(',');
      if (typeof v === 'number') return [String(v)];
      break;
    case 'dict':
      if (v && typeof v === 'object' && !Array.isArray(v)) return v;
      break;
    case 'raw':
      return v;
    default:
      return v;
  }
  throw new Error(`${pyType(v)} cannot be converted to ${type === 'path' ? 'a str' : `a${type === 'int' ? 'n' : ''} ${type}`}`);
}

// Validates `given` against `spec`; returns Ansible's error messages (empty: valid).
export function validateArgs(spec: Record<string, OptionSpec>, given: Record<string, unknown>, prefix = ''): string[] {
  const errors: string[] = [];
  const where = prefix ? ` found in ${prefix}` : '';
  const missing = Object.entries(spec).filter(([k, o]) => o.required === true && (given[k] === undefined || given[k] === null)).map(([k]) => k);
  if (missing.length > 0) errors.push(`missing required arguments: ${missing.sort().join(', ')}${where}`);
  for (const [k, o] of Object.entries(spec)) {
    let v = given[k];
    if (v === undefined || v === null) continue;
    const type = o.type ?? 'str';
    try {
      v = convert(v, type);
    } catch (e) {
      errors.push(`argument '${k}' is of type ${pyType(given[k])}${where} and we were unable to convert to ${type}: ${(e as Error).message}`);
      continue;
    }
    if (o.choices && !(Array.isArray(v) ? v : [v]).every((x) => o.choices?.some((c) => String(c) === String(x)))) {
      errors.push(`value of ${k} must be one of: ${o.choices.map(String).join(', ')}, got: ${Array.isArray(v) ? v.map(String).join(', ') : String(v)}${where}`);
    }
    if (type === 'list' && o.elements && Array.isArray(v)) {
      for (const item of v) {
        try {
          convert(item, o.elements);
        } catch {
          errors.push(`Elements value for option '${k}'${where} is of type ${pyType(item)} and we were unable to convert to ${o.elements}: ${toPyRepr(item)}`);
        }
      }
    }
    if (o.options && v && typeof v === 'object') {
      for (const item of Array.isArray(v) ? v : [v]) if (item && typeof item === 'object') errors.push(...validateArgs(o.options, item as Record<string, unknown>, prefix ? `${prefix}.${k}` : k));
    }
  }
  return errors;
}
