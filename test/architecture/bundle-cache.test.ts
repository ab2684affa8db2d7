// The bundled CLI's code cache (engine/cli/bundled.ts): used for the bundle it was made from,
// never for another bundle of the same length (V8 itself checks only the source length).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBundle } from '../../engine/cli/bundled.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A bundle and its cache as scripts/bundle.mjs writes them: both start with the content line.
function writeBundle(file: string, header: string, body: string): void {
  writeFileSync(file, `${header}\n${body}`);
  writeFileSync(`${file}.cache`, '');
  const made = loadBundle(file);
  if (!made) throw new Error('no bundle');
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(`${header}\n`), made.script.createCachedData()]));
}

describe('the bundle code cache', () => {
  it('is used for its own bundle', () => {
    const file = join(dir, 'a.cjs');
    writeBundle(file, '// tsplay bundle aaaa', 'module.exports.v = 1;');
    const b = loadBundle(file);
    expect(b?.exports['v']).toBe(1);
    expect(b?.script.cachedDataRejected).toBe(false);
  });

  it('is not used for another bundle of the same length: its code runs', () => {
    const file = join(dir, 'b.cjs');
    writeBundle(file, '// tsplay bundle aaaa', 'module.exports.v = 1;');
    // the build replaced the bundle (same length, new content and hash) but not yet its cache
    writeFileSync(file, '// tsplay bundle bbbb\nmodule.exports.v = 2;');
    const b = loadBundle(file);
    expect(b?.exports['v']).toBe(2);
    expect(b?.script.cachedDataRejected).toBeUndefined();
  });

  it('is undefined without a bundle (main.js then imports the compiled modules)', () => {
    expect(loadBundle(join(dir, 'missing.cjs'))).toBeUndefined();
  });
});
