// Whether the built CLI matches the sources: every .ts of engine/, modules/, lab/ and bench/ must
// have its .js in dist/ written after it, and the bundle the command runs (dist/tsplay.cjs) must be
// newer than every source, so the end-to-end tests never run a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// Why the build is missing or older than the sources (undefined when it is current).
export function staleBuild(): string | undefined {
  const stale: string[] = [];
  const bundle = join(ROOT, 'dist', 'tsplay.cjs');
  const bundled = existsSync(bundle) ? statSync(bundle).mtimeMs : undefined;
  if (bundled === undefined) stale.push('dist/tsplay.cjs is missing');
  for (const src of ['engine', 'modules', 'lab', 'bench'].flatMap((d) => sources(join(ROOT, d)))) {
    const out = join(ROOT, 'dist', relative(ROOT, src).replace(/\.tsx?$/, '.js'));
    const written = statSync(src).mtimeMs;
    if (!existsSync(out)) stale.push(`${relative(ROOT, out)} is missing`);
    else if (statSync(out).mtimeMs + 1 < written) stale.push(`${relative(ROOT, src)} is newer than its build`);
    else if (bundled !== undefined && bundled + 1 < written) stale.push(`${relative(ROOT, src)} is newer than dist/tsplay.cjs`);
    if (stale.length >= 3) break;
  }
  return stale.length ? `the build is stale (${stale.join('; ')}): run \`npm run build\`` : undefined;
}
