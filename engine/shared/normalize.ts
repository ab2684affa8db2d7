// Resolves module arguments the way Ansible's argument spec does before a module runs: keys
// given under an alias get the canonical name (schema `aliases`), strings are coerced to the
// schema's types, and arguments not given get the schema's `default`. Pure: new objects out.
import { coerceArgs } from './coerce.js';

interface Prop {
  aliases?: readonly string[];
  default?: unknown;
}

/** An option given twice, under two of its names, with different values. */
export interface AliasConflict {
  /** the canonical name */
  option: string;
  /** the two keys as written: the one kept first, then the one that clashes */
  keys: [string, string];
  values: [unknown, unknown];
}

/** The arguments under their canonical names. */
export interface AliasResolution {
  args: Record<string, unknown>;
  /** canonical name → the alias it was written as (only for options given under an alias) */
  givenAs: Record<string, string>;
  conflicts: AliasConflict[];
}

function properties(schema: object): Record<string, Prop> {
  return ((schema as { properties?: Record<string, Prop> }).properties ?? {});
}

// alias → canonical name, from the schema's `aliases` keywords.
export function aliasMap(schema: object): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, p] of Object.entries(properties(schema))) for (const a of p.aliases ?? []) out.set(a, name);
  return out;
}

// Whether two values of one option are the same once coerced to its type ("yes" and true are).
function sameValue(schema: object, option: string, a: unknown, b: unknown): boolean {
  const s = schema as Record<string, unknown>;
  return JSON.stringify(coerceArgs(s, { [option]: a })[option]) === JSON.stringify(coerceArgs(s, { [option]: b })[option]);
}

// Renames alias keys to their canonical names, keeping key order; the canonical name (else the
// first alias written) wins, and a second name with a different value is reported as a conflict.
export function resolveAliases(schema: object, args: Record<string, unknown>): AliasResolution {
  const aliases = aliasMap(schema);
  const out: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();
  const conflicts: AliasConflict[] = [];
  for (const [key, value] of Object.entries(args)) {
    const option = aliases.get(key) ?? key;
    const first = writtenAs.get(option);
    if (first === undefined) {
      out[option] = value;
      writtenAs.set(option, key);
      continue;
    }
    if (!sameValue(schema, option, out[option], value)) conflicts.push({ option, keys: key === option ? [key, first] : [first, key], values: key === option ? [value, out[option]] : [out[option], value] });
    if (key === option) {
      out[option] = value;
      writtenAs.set(option, key);
    }
  }
  const givenAs: Record<string, string> = {};
  for (const [option, key] of writtenAs) if (key !== option) givenAs[option] = key;
  return { args: out, givenAs, conflicts };
}

// Adds the schema's `default` for each argument not given (absent or undefined; null counts as given).
export function applyDefaults(schema: object, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const [name, p] of Object.entries(properties(schema))) {
    if (p.default !== undefined && out[name] === undefined) out[name] = structuredClone(p.default);
  }
  return out;
}

// Aliases, coercion and defaults without validation or conflict errors (the canonical name wins):
// for reading arguments before they are checked, e.g. a module's disruptive() at plan time.
export function normalizeArgs(schema: object, args: Record<string, unknown>): Record<string, unknown> {
  return applyDefaults(schema, coerceArgs(schema as Record<string, unknown>, resolveAliases(schema, args).args));
}
