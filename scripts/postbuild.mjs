// After tsc: marks the CLI entry executable (tsc does not keep file modes) and precompiles
// the JSON-schema validators (scripts/gen-validators.mjs).
import { chmodSync, existsSync } from 'node:fs';
const bin = new URL('../dist/engine/cli/main.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
await import('./gen-validators.mjs');
await import('./bundle.mjs');
