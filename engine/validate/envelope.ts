// The envelope schema pass: playbook.schema.json (the file editors use too) checked with
// ajv against the raw YAML, each error mapped back to the YAML node's position.
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ajvInstance, precompiledValidator } from './ajv.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import { posAt, type YamlFile, type YamlPath } from '../source/yaml-file.js';
import type { ReadShape } from '../load/model.js';

const SCHEMA_ID = 'https://tsplay.dev/playbook.schema.json';

let loaded = false;

// Finds playbook.schema.json next to package.json (source tree or installed package).
function loadSchema(): Record<string, unknown> {
  for (const rel of ['../../playbook.schema.json', '../../../playbook.schema.json']) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as Record<string, unknown>;
    } catch {
      /* try the next location */
    }
  }
  throw new Error('playbook.schema.json not found next to the tsplay package');
}

function validator(def?: string): ValidateFunction {
  const pre = precompiledValidator(def ?? 'playbook');
  if (pre) return pre;
  const ajv = ajvInstance();
  if (!loaded) {
    ajv.addSchema(loadSchema());
    loaded = true;
  }
  const v = ajv.getSchema(def ? `${SCHEMA_ID}#/definitions/${def}` : SCHEMA_ID);
  if (!v) throw new Error(`schema definition ${def ?? '(root)'} not found`);
  return v;
}

const SKIP = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not', 'additionalProperties', 'required']);

function describe(errs: ErrorObject[]): string {
  const types = new Set<string>();
  const other: string[] = [];
  for (const e of errs) {
    if (e.keyword === 'type') for (const t of String((e.params as { type: string | string[] }).type).split(',')) types.add(t === 'null' ? 'empty' : t === 'object' ? 'mapping' : t === 'array' ? 'list' : t);
    else if (e.keyword === 'pattern') types.add(e.instancePath.endsWith('/register') ? 'a variable name' : 'a matching string');
    else if (e.keyword === 'enum') other.push(`one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`);
    else other.push(e.message ?? 'invalid');
  }
  const parts = [...(types.size ? [[...types].join(' or ')] : []), ...other];
  return parts.join('; ');
}

// The envelope pass over every file the loader read (playbooks and task lists).
export function checkShapes(shapes: readonly ReadShape[]): Diagnostic[] {
  return shapes.flatMap((s) => checkShape(s.file, s.file.value, [], s.def));
}

// Checks `value` (at `base` in `file`) against the schema (root or a named definition).
export function checkShape(file: YamlFile, value: unknown, base: YamlPath = [], def?: string): Diagnostic[] {
  const v = validator(def);
  if (v(value)) return [];
  const errs = (v.errors ?? []).filter((e) => !SKIP.has(e.keyword));
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errs) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const paths = [...byPath.keys()].filter((p) => ![...byPath.keys()].some((q) => q !== p && q.startsWith(p + '/')));
  return paths.map((p) => {
    const segs: (string | number)[] = p.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    const key = [...segs].reverse().find((s) => typeof s === 'string') ?? 'value';
    return diag('schema', `${String(key)} must be ${describe(byPath.get(p) ?? [])}`, posAt(file, [...base, ...segs]));
  });
}
