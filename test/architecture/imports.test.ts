// The import order of docs/ARCHITECTURE.md, enforced: every relative import in the source tree
// goes from a later layer to an earlier one (or stays in its folder), the engine never imports
// modules/ or lab/, and the lab imports nothing of the engine. A new import against the order
// fails here with the file and the line.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The engine's layers, earliest first: a folder may import only folders listed before it.
export const LAYERS = [
  'engine/py', // Python emulation: shlex, literal_eval, escapes, regex translation, repr
  'engine/shared', // small pure helpers every layer may use (diagnostics, durations)
  'engine/source', // source texts, positions, code frames, diagnostic formatting
  'engine/expr', // the expression language
  'engine/template', // handlebars for the template module
  'engine/connection', // ssh and local connections; command building and quoting
  'engine/kube', // the Kubernetes API client
  'engine/inventory', // inventories, groups, patterns, host variables
  'engine/cluster', // what hosts and the cluster are: identity, disruptions, datastore membership, journals, budget
  'engine/module', // the module contract and registry type (engine/module.ts)
  'engine/load', // YAML → the playbook model
  'engine/validate', // schemas and rules → diagnostics
  'engine/plan', // plays → batches → steps; quorum checks
  'engine/run', // the executor
  'engine/report', // events → plain log, JSON lines, recap, listings
  'engine/incluster', // unattended runs inside the cluster: the journal in ConfigMaps, hand-offs, the install's objects
  'engine/ui', // the ink live view
  'engine/cli', // argument parsing and wiring
] as const;

/** what the modules may use: the contract and the support layers, never a stage */
const MODULE_MAY_IMPORT = new Set(['engine/py', 'engine/shared', 'engine/source', 'engine/expr', 'engine/template', 'engine/connection', 'engine/kube', 'engine/module', 'engine/cluster']);

// The layer (or top-level area) a source file belongs to.
export function unitOf(file: string): string {
  const rel = relative(ROOT, file).replace(/\\/g, '/');
  const parts = rel.split('/');
  if (parts[0] !== 'engine') return parts[0] as string;
  if (parts.length === 2) return rel === 'engine/module.ts' ? 'engine/module' : 'engine/shared';
  return `engine/${parts[1]}`;
}

// Whether `from` may import `to`.
export function allowed(from: string, to: string): boolean {
  if (from === to) return true;
  if (to === 'lab') return from === 'engine/cli';
  if (from === 'lab') return false;
  if (to === 'modules') return from === 'engine/cli' || from === 'bench';
  if (from === 'modules') return MODULE_MAY_IMPORT.has(to);
  if (from === 'bench') return true;
  const a = LAYERS.indexOf(from as (typeof LAYERS)[number]);
  const b = LAYERS.indexOf(to as (typeof LAYERS)[number]);
  return a >= 0 && b >= 0 && b < a;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

interface Edge {
  file: string;
  line: number;
  spec: string;
  from: string;
  to: string;
}

// Every relative import (static, re-export, dynamic) of the source tree.
function edges(): Edge[] {
  const out: Edge[] = [];
  const roots = ['engine', 'modules', 'lab', 'bench'].map((d) => join(ROOT, d));
  for (const file of roots.flatMap((r) => { try { return sources(r); } catch { return []; } })) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/g)) {
        const spec = m[1] as string;
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        out.push({ file: relative(ROOT, file), line: i + 1, spec, from: unitOf(file), to: unitOf(target) });
      }
    });
  }
  return out;
}

describe('the import order (docs/ARCHITECTURE.md)', () => {
  const all = edges();

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(all.some((e) => e.from === 'engine/run' && e.to === 'engine/load')).toBe(true);
  });

  it('has no import against the declared order', () => {
    const bad = all.filter((e) => !allowed(e.from, e.to)).map((e) => `${e.file}:${e.line}: ${e.from} must not import ${e.to} ('${e.spec}')`);
    expect(bad).toEqual([]);
  });

  it('knows every engine folder', () => {
    const unknown = [...new Set(all.map((e) => e.from).filter((u) => u.startsWith('engine/') && !LAYERS.includes(u as (typeof LAYERS)[number])))];
    expect(unknown).toEqual([]);
  });

  it('rejects what it should (the checker itself)', () => {
    expect(allowed('engine/plan', 'engine/run')).toBe(false);
    expect(allowed('engine/run', 'engine/plan')).toBe(true);
    expect(allowed('engine/run', 'modules')).toBe(false);
    expect(allowed('engine/load', 'lab')).toBe(false);
    expect(allowed('engine/cli', 'lab')).toBe(true);
    expect(allowed('modules', 'engine/run')).toBe(false);
    expect(allowed('engine/expr', 'engine/inventory')).toBe(false);
    expect(allowed('lab', 'engine/kube')).toBe(false);
  });
});
