// Loads the bundled CLI (dist/tsplay.cjs, made by scripts/bundle.mjs) as a CommonJS module
// compiled from V8's code cache beside it (tsplay.cjs.cache); undefined when there is no bundle.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

export interface Bundle {
  exports: Record<string, unknown>;
  script: Script;
}

// The CommonJS wrapper; the cache is valid only for exactly this text around the bundle. The
// bundle's dynamic imports call __tsplayImport (scripts/bundle.mjs rewrites them): a script compiled
// from a code cache cannot import() by itself in Node 20.
const wrap = (text: string) => `(function (exports, require, module, __filename, __dirname, __tsplayImport) { ${text}\n});`;

// The cache's data when it was made from exactly this bundle: both start with the same line, the
// bundle's content hash (V8 itself checks only the length of the source).
function cacheFor(file: string, text: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  const header = text.slice(0, text.indexOf('\n') + 1);
  return header.startsWith('// tsplay bundle ') && data.subarray(0, header.length).toString('latin1') === header ? data.subarray(header.length) : undefined;
}

// Compiles (with the cache, unless it is missing or made by another Node) and runs the bundle's
// top level. Its dynamic imports (the live view, a few built-ins) go to Node's own loader.
export function loadBundle(file: string): Bundle | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const script = new Script(wrap(text), { filename: file, cachedData: cacheFor(file, text) });
  type Run = (e: object, r: NodeJS.Require, m: object, f: string, d: string, i: (spec: string) => Promise<unknown>) => void;
  const run = script.runInThisContext() as Run;
  const module = { exports: {} as Record<string, unknown> };
  const importFromBundle = (spec: string) => import(spec.startsWith('.') ? new URL(spec, pathToFileURL(file)).href : spec);
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), importFromBundle);
  return { exports: module.exports, script };
}
