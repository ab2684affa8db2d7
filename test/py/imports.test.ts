// engine/py is a support folder: it imports only its own files and npm packages.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../engine/py/', import.meta.url);

describe('engine/py imports', () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith('.ts')))('%s imports nothing outside engine/py', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const sources = [...text.matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map((m) => m[1] as string);
    expect(sources.filter((s) => s.startsWith('.') && !s.startsWith('./'))).toEqual([]);
  });
});
