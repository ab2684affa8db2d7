// from_yaml / from_yaml_all: YAML read like PyYAML's SafeLoader (Ansible's yaml_load): the
// YAML 1.1 resolvers of engine/py/yaml-tags.ts, floats kept as Python floats (2.0), and
// timestamps as datetime.date / naive datetime.datetime values.
import YAML from 'yaml';
import { checkYamlDocument, parseYamlDocuments, yamlDepthExceededAt } from '../source/yaml-limits.js';
import { limit, limitHint } from '../shared/limits.js';
import type { ScalarTag, Tags } from 'yaml';
import { ansibleYamlTags } from '../py/yaml-tags.js';
import { ExprRuntimeError } from './errors.js';
import { registerFilter } from './registry.js';
import { pyFloat } from '../py/float.js';
import { PyDateTime } from './pydatetime.js';

const FLOAT_TAG = 'tag:yaml.org,2002:float';
const TIMESTAMP = /^(?:\d{4}-\d\d-\d\d|\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|[ \t]+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d\d)?))?)$/;
const PARTS = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d\d):(\d\d)(?:\.(\d*))?([ \t]*(?:Z|[-+]\d{1,2}(?::\d\d)?))?)?$/;

// PyYAML's construct_yaml_timestamp for naive values; timestamps with a zone stay text.
function timestamp(text: string): unknown {
  const m = PARTS.exec(text);
  if (!m || m[8]) return text;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const micro = Number((m[7] ?? '').slice(0, 6).padEnd(6, '0'));
  try {
    return m[4] === undefined ? PyDateTime.of(y, mo, d, 0, 0, 0, 0, true) : PyDateTime.of(y, mo, d, h, mi, s, micro);
  } catch {
    return text;
  }
}

const timestampTag: ScalarTag = { tag: 'tag:yaml.org,2002:timestamp', default: true, test: TIMESTAMP, resolve: timestamp };

const EXPLICIT = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:int', FLOAT_TAG]);

// The PyYAML tags with float results as Python floats; copies without a test serve explicit
// tags (`!!float 3` is 3.0).
function pyYamlTags(tags: Tags): Tags {
  const out: Tags = [timestampTag];
  const explicit: ScalarTag[] = [];
  for (const t of ansibleYamlTags(tags)) {
    if (typeof t === 'string' || !('resolve' in t) || typeof t.resolve !== 'function' || !EXPLICIT.has(t.tag)) {
      out.push(t);
      continue;
    }
    const base = t as ScalarTag;
    const resolve: ScalarTag['resolve'] = (value, onError, options) => {
      const v: unknown = base.resolve(value, onError, options);
      return typeof v === 'number' && base.tag === FLOAT_TAG ? pyFloat(v) : v;
    };
    out.push({ ...base, resolve });
    explicit.push({ ...base, resolve, default: false, test: undefined });
  }
  return [...out, ...explicit];
}

// Parses every document of text like PyYAML's safe_load_all.
// Within the YAML limits: nesting depth, recursive aliases and alias expansion.
export function parsePyYaml(text: string): unknown[] {
  if (yamlDepthExceededAt(text) !== undefined) throw new ExprRuntimeError(`YAML collections nested more than ${limit('yamlDepth')} levels deep (${limitHint('yamlDepth')})`);
  return parseYamlDocuments(text, { version: '1.1', customTags: pyYamlTags, uniqueKeys: false, merge: true }).map((d) => {
    if (d.errors.length > 0) throw new ExprRuntimeError(d.errors[0]?.message ?? 'invalid YAML');
    const bad = checkYamlDocument(d as YAML.Document, '<from_yaml>')[0];
    if (bad) throw new ExprRuntimeError(`${bad.message}${bad.hint ? ` (${bad.hint})` : ''}`);
    return d.toJS({ maxAliasCount: limit('yamlAliases') });
  });
}

registerFilter('from_yaml', (v) => (typeof v === 'string' ? (parsePyYaml(v)[0] ?? null) : v));
registerFilter('from_yaml_all', (v) => (typeof v === 'string' ? parsePyYaml(v) : v));
