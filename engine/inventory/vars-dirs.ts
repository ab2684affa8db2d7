// group_vars/ and host_vars/ directories, found like ansible's host_group_vars plugin:
// for NAME the first of `NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json` that exists; a directory
// contributes its files (recursively, sorted, skipping hidden and `~` files) in order.

import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { diag } from '../diagnostics.js';
import type { VarFile, VarsDir } from './model.js';
import { parseAnsibleYaml, toPlain } from './py-yaml.js';
import { readSourceFile } from '../source/read.js';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

export type VarsKind = 'group_vars' | 'host_vars';

// A (not yet loaded) vars directory rooted at `dir` (an inventory or playbook directory).
export function createVarsDir(dir: string): VarsDir {
  let real = resolve(dir);
  try {
    real = realpathSync(real);
  } catch {
    // a missing directory simply has no vars
  }
  return { dir: real, cache: new Map(), problems: [] };
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extname(name);
    if (isDir(full)) {
      if (!ext) out.push(...filesIn(full));
    } else if (!ext || EXTENSIONS.includes(ext)) out.push(full);
  }
  return out;
}

// The files that hold vars for `name` under `<root>/<kind>/`, in merge order.
export function findVarsFiles(root: string, kind: VarsKind, name: string): string[] {
  const base = join(root, kind);
  if (name.startsWith('/') || !isDir(base)) return [];
  for (const ext of ['', ...EXTENSIONS]) {
    const full = join(base, name + ext);
    if (!existsSync(full)) continue;
    return isDir(full) ? filesIn(full) : [full];
  }
  return [];
}

function loadVarFile(vd: VarsDir, file: string): VarFile | undefined {
  const read = readSourceFile(file);
  if (read.text === undefined) {
    vd.problems.push(...(read.missing ? [diag('missing-file', `cannot read vars file ${file}: ${read.diagnostics[0]?.message ?? ''}`, { file, offset: 0 })] : read.diagnostics));
    return undefined;
  }
  const text = read.text;
  const { doc, diagnostics } = parseAnsibleYaml(text, file);
  if (diagnostics.length > 0) {
    vd.problems.push(...diagnostics);
    return undefined;
  }
  const data = toPlain(doc, doc.contents);
  if (data === null || data === undefined) return undefined;
  if (typeof data !== 'object' || Array.isArray(data)) {
    const r = doc.contents?.range;
    const what = Array.isArray(data) ? 'list' : typeof data;
    vd.problems.push(diag('inventory', `failed to combine variables, expected dicts but got a '${what}' in ${file}`, { file, offset: r ? r[0] : 0 }));
    return undefined;
  }
  if (Object.keys(data).length === 0) return undefined;
  return { file, vars: data as Record<string, unknown> };
}

// The loaded, non-empty vars files for a group or host name (cached per directory).
export function varFilesFor(vd: VarsDir, kind: VarsKind, name: string): VarFile[] {
  const key = `${kind}/${name}`;
  let files = vd.cache.get(key);
  if (!files) {
    files = [];
    for (const f of findVarsFiles(vd.dir, kind, name)) {
      const loaded = loadVarFile(vd, f);
      if (loaded) files.push(loaded);
    }
    vd.cache.set(key, files);
  }
  return files;
}
