// Schema validators: the ones precompiled at build time (dist/.../validators.generated.js)
// when present, else compiled with ajv on first use (ajv is loaded only then).
import { createRequire } from 'node:module';
import type { Ajv as AjvType, ValidateFunction } from 'ajv';
import { AJV_OPTIONS, addTsplayKeywords } from './ajv-setup.js';

type Table = Record<string, ValidateFunction>;

const generatedPath = './validators.generated.js';
const precompiled: Table | null = await import(generatedPath).then((m: Table) => m, () => null);

let ajv: AjvType | undefined;

// The shared ajv instance (loaded lazily: start-up does not pay for ajv's compiler).
export function ajvInstance(): AjvType {
  if (!ajv) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    ajv = addTsplayKeywords(new Ajv(AJV_OPTIONS));
  }
  return ajv;
}

// A precompiled validator by its export name (playbook, tasks, module_<name>), if built.
export function precompiledValidator(name: string): ValidateFunction | undefined {
  return precompiled?.[name];
}
