// Whether the built CLI matches the sources: every .ts of engine/, modules/, lab/ and bench/ must
// have its .js in dist/ written after it, so the end-to-end tests never run a stale build.
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
  for (const src of ['engine', 'modules', 'lab', 'bench'].flatMap((d) => sources(join(ROOT, d)))) {
    const out = join(ROOT, 'dist', relative(ROOT, src).replace(/\.tsx?$/, '.js'));
    if (!existsSync(out)) stale.push(`${relative(ROOT, out)} is missing`);
    else if (statSync(out).mtimeMs + 1 < statSync(src).mtimeMs) stale.push(`${relative(ROOT, src)} is newer than its build`);
    if (stale.length >= 3) break;
  }
  return stale.length ? `the build is stale (${stale.join('; ')}): run \`npm run build\`` : undefined;
}
