// The ajv set-up shared by the run-time compiler (ajv.ts) and the build-time precompiler
// (scripts/gen-validators.mjs): options, and the annotation keywords module schemas use.
import type { Ajv, Options } from 'ajv';

/** Options of every ajv instance that compiles tsplay's schemas. */
export const AJV_OPTIONS: Options = { allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false };

// Declares `aliases` (an argument's other names; the engine renames them before validation) as
// an annotation: it validates nothing, and strict mode accepts it instead of failing the schema.
export function addTsplayKeywords(ajv: Ajv): Ajv {
  if (!ajv.getKeyword('aliases')) ajv.addKeyword({ keyword: 'aliases', schemaType: 'array', metaSchema: { type: 'array', items: { type: 'string' } } });
  return ajv;
}
