// Prepares a task's module arguments: aliases → canonical names, coercion, the module's JSON
// schema (ajv), then defaults. Errors read like "systemd.state must be one of: started, ..."
// and name each argument as the task wrote it (an alias too), not one message per module.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ModuleDef } from '../module.js';
import { ajvInstance, precompiledValidator } from './ajv.js';
import { coerceArgs } from '../shared/coerce.js';
import { applyDefaults, resolveAliases, type AliasConflict } from '../shared/normalize.js';

const compiled = new WeakMap<ModuleDef, ValidateFunction>();

export interface ArgError {
  /** the argument the error is about (first path segment, as written in the task), if any */
  arg?: string;
  message: string;
}

/** The arguments as the module receives them, or why it must not run. */
export interface NormalizedModuleArgs {
  args: Record<string, unknown>;
  /** empty when the module may run with `args` */
  errors: ArgError[];
}

function validator(mod: ModuleDef): ValidateFunction {
  let v = compiled.get(mod);
  if (!v) {
    // the build's precompiled validator is for tsplay's module of that name, not a stand-in for a
    // module Ansible has under the same name (a role's library/kubectl.py)
    const ownSchema = typeof mod.schema === 'object' && mod.schema !== null && 'properties' in mod.schema;
    v = (ownSchema ? precompiledValidator(`module_${mod.name}`) : undefined) ?? ajvInstance().compile(mod.schema);
    compiled.set(mod, v);
  }
  return v;
}

// The one preparation of a module's arguments, for the static pass (skipTemplates: values that
// are still templates are not judged) and before a module runs: alias keys renamed (an option
// given twice with different values is an error), strings coerced, validated, defaults applied.
export function normalizeModuleArgs(mod: ModuleDef, args: Record<string, unknown>, opts: { skipTemplates?: boolean } = {}): NormalizedModuleArgs {
  const { args: named, givenAs, conflicts } = resolveAliases(mod.schema, args);
  const coerced = coerceArgs(mod.schema, named);
  const errors = conflicts.filter((c) => !(opts.skipTemplates && c.values.some(isTemplate))).map((c) => conflictError(mod.name, c));
  const v = validator(mod);
  if (!v(coerced)) {
    for (const e of v.errors ?? []) if (!isTemplateNoise(e, coerced, opts.skipTemplates)) errors.push(describe(mod.name, e, givenAs));
  }
  return { args: applyDefaults(mod.schema, coerced), errors };
}

// Validates args and returns readable errors (the static validation pass).
export function checkModuleArgs(mod: ModuleDef, args: Record<string, unknown>, opts: { skipTemplates?: boolean } = {}): ArgError[] {
  return normalizeModuleArgs(mod, args, opts).errors;
}

function isTemplate(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

// An error the rendered arguments may not have: about a value or a key that is still a template,
// or a missing argument when the arguments are (partly) one template (`add_host: "{{ host }}"`).
function isTemplateNoise(e: ErrorObject, args: Record<string, unknown>, skip?: boolean): boolean {
  if (!skip) return false;
  const name = (e as ErrorObject & { propertyName?: string }).propertyName ?? (e.params as { propertyName?: string }).propertyName;
  if (name !== undefined && isTemplate(name)) return true;
  if (args['_variable_params'] !== undefined && (e.keyword === 'required' || e.keyword === 'minProperties' || e.keyword === 'anyOf' || e.keyword === 'oneOf')) return true;
  const seg = e.instancePath.split('/')[1];
  if (seg === undefined) return false;
  return isTemplate(args[decodeURIComponent(seg)]);
}

// Ansible warns "Both option X and its alias Y are set." and takes one; tsplay refuses to guess.
function conflictError(mod: string, c: AliasConflict): ArgError {
  const [a, b] = c.keys;
  const what = a === c.option ? `both option '${a}' and its alias '${b}' are set` : `both aliases '${a}' and '${b}' of option '${c.option}' are set`;
  return { arg: b, message: `${mod}: ${what}, with different values` };
}

function describe(mod: string, e: ErrorObject, givenAs: Record<string, string>): ArgError {
  const seg = e.instancePath.split('/').filter(Boolean);
  const option = seg[0];
  const written = option === undefined ? undefined : (givenAs[option] ?? option);
  const named = written !== undefined && written !== option ? [`${written} (alias of ${option})`, ...seg.slice(1)] : seg;
  const arg = written !== undefined ? { arg: written } : {};
  const where = named.length ? `${mod}.${named.join('.')}` : mod;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      return { arg: extra, message: `${mod}: unsupported parameter '${extra}'` };
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return { message: `${mod}: missing required argument '${missing}'` };
    }
    case 'enum':
      return { ...arg, message: `${where} must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String).join(', ')}` };
    case 'type':
      return { ...arg, message: `${where} must be ${String((e.params as { type: string | string[] }).type).replace(',', ' or ')}` };
    default:
      return { ...arg, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}
