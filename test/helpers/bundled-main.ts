// main(argv, io) of the built CLI bundle (dist/tsplay.cjs, what the tsplay command runs), for
// tests that run commands in their own process: it loads in about 0.1 s from V8's code cache,
// where the sources through vitest's module runner take seconds of CPU in every test process.
// The build must be current (`npm run build`).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { main as Main } from '../../engine/cli/app.js';
import { loadBundle } from '../../engine/cli/bundled.js';
import { staleBuild } from './build.js';

function load(): typeof Main {
  const stale = staleBuild();
  if (stale) throw new Error(stale);
  const bundle = loadBundle(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'tsplay.cjs'));
  if (!bundle) throw new Error('dist/tsplay.cjs is missing: run `npm run build`');
  return bundle.exports['main'] as typeof Main;
}

export const main: typeof Main = load();
