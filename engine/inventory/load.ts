// loadInventory: reads every -i source (INI file, YAML/JSON file, directory, or a literal
// "h1,h2" host list) into one inventory, like ansible's InventoryManager, then finds the
// group_vars/ and host_vars/ directories next to the sources (and the playbook).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { diag } from '../diagnostics.js';
import { readSourceFile } from '../source/read.js';
import type { Diagnostic, Result } from '../diagnostics.js';
import { parseIniInventory } from './ini.js';
import { addHost, createInventory, groupDeeperThan, reconcileInventory } from './model.js';
import { limit, limitHint } from '../shared/limits.js';
import type { Inventory, VarsDir } from './model.js';
import { parseAnsibleYaml } from './py-yaml.js';
import { parseAddress } from './ranges.js';
import { createVarsDir, varFilesFor } from './vars-dirs.js';
import { parseScriptInventory } from './script-json.js';
import { parseYamlInventory } from './yaml.js';

const YAML_EXTS = ['.yml', '.yaml', '.json'];
const IGNORED_NAMES = /^\.|^host_vars$|^group_vars$|^vars_plugins$/;
const IGNORED_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];
const INVALID_GROUP_CHARS = /^\p{Nd}|[^\p{L}\p{N}_]/u;

const isError = (d: Diagnostic): boolean => d.severity !== 'warning';

// Parses one inventory file, choosing YAML or INI the way ansible's plugin chain does.
export function parseInventoryFile(inv: Inventory, file: string, text: string): Diagnostic[] {
  const ext = extname(file);
  if (ext !== '' && !YAML_EXTS.includes(ext)) return parseIniInventory(inv, text, file);
  const { doc, diagnostics } = parseAnsibleYaml(text, file);
  const root = doc.contents;
  const firstLine = text.split('\n', 50).find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l)) ?? '';
  const looksYaml = ext !== '' || /^---/.test(firstLine) || /^[^\s[][^=]*:\s*(?:#.*)?$/.test(firstLine);
  // valid YAML that must not be used (tags, alias bombs, nesting): refused, not retried as INI
  const refused = diagnostics.filter((d) => d.code !== 'inventory');
  if (refused.length > 0 && looksYaml) return refused;
  if (diagnostics.length === 0) {
    if (root === null || (isScalar(root) && root.value === null)) return [];
    if (isMap(root) && root.items.some((p) => isScalar(p.key) && p.key.value === '_meta')) return parseScriptInventory(inv, doc, file);
    const groupLike = isMap(root) && root.items.every((p) => isMap(p.value) || p.value === null || (isScalar(p.value) && p.value.value === null));
    if (isMap(root) && (ext !== '' || groupLike)) return parseYamlInventory(inv, doc, file);
  }
  // try INI on a copy, so that a failed attempt leaves nothing behind
  const scratch = structuredClone(inv);
  const ini = parseIniInventory(scratch, text, file);
  if (!ini.some(isError)) {
    Object.assign(inv, scratch);
    return ini;
  }
  if (refused.length > 0) return refused;
  if (diagnostics.length === 0 && isMap(root)) return parseYamlInventory(inv, doc, file);
  if (!looksYaml) return ini;
  return diagnostics.length > 0 ? diagnostics : parseYamlInventory(createInventory(), doc, file);
}

function parseDirectory(inv: Inventory, dir: string, diags: Diagnostic[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (IGNORED_NAMES.test(name) || IGNORED_EXTS.some((e) => name.endsWith(e))) continue;
    parsePath(inv, join(dir, name), diags);
  }
}

function parsePath(inv: Inventory, path: string, diags: Diagnostic[]): void {
  if (statSync(path).isDirectory()) parseDirectory(inv, path, diags);
  else {
    const read = readSourceFile(path);
    if (read.text === undefined) diags.push(...read.diagnostics);
    else diags.push(...parseInventoryFile(inv, path, read.text));
  }
}

// ansible's host_list source: "h1,h2:2222" (no ranges); hosts join 'ungrouped'.
function parseHostList(inv: Inventory, list: string): void {
  for (const raw of list.split(',')) {
    const h = raw.trim();
    if (!h) continue;
    const parsed = parseAddress(h, false) ?? { host: h };
    if (!inv.hosts.has(parsed.host)) addHost(inv, parsed.host, 'ungrouped', parsed.port);
  }
}

function nameWarnings(inv: Inventory): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = [...inv.groups.values()].filter((g) => INVALID_GROUP_CHARS.test(g.name));
  if (bad.length > 0) {
    const d = diag('inventory', `Invalid characters were found in group names but not replaced: ${bad.map((g) => g.name).join(', ')}`, bad[0]?.pos);
    out.push({ ...d, severity: 'warning' });
  }
  for (const g of inv.groups.values()) {
    if (inv.hosts.has(g.name)) out.push({ ...diag('inventory', `Found both group and host with same name: ${g.name}`, g.pos), severity: 'warning' });
  }
  return out;
}

// Loads (and caches) the group_vars/ host_vars/ next to a playbook directory.
export function playbookVarsDir(inv: Inventory, playbookDir: string): VarsDir {
  const key = resolve(playbookDir);
  let vd = inv.playbookVarsDirs.get(key);
  if (!vd) {
    vd = createVarsDir(key);
    inv.playbookVarsDirs.set(key, vd);
  }
  return vd;
}

// Reads and merges inventory sources; a missing source or any parse error fails the load.
export function loadInventory(sources: string[], opts: { playbookDir?: string } = {}): Result<Inventory> {
  const inv = createInventory();
  const diags: Diagnostic[] = [];
  const dirs: string[] = [];
  for (const source of sources) {
    if (!source) continue;
    if (source.includes(',') && !existsSync(source)) {
      inv.sources.push(source);
      parseHostList(inv, source);
      continue;
    }
    const path = resolve(source.replace(/^~(?=$|\/)/, homedir()));
    inv.sources.push(path);
    if (!existsSync(path)) {
      diags.push(diag('missing-file', `inventory source not found: ${source}`, undefined, 'pass an INI or YAML file, a directory, or a comma-separated host list ("h1,h2,")'));
      continue;
    }
    try {
      parsePath(inv, path, diags);
    } catch (e) {
      diags.push(diag('inventory', `cannot read inventory source ${source}: ${(e as Error).message}`));
    }
    dirs.push(statSync(path).isDirectory() ? path : dirname(path));
  }
  if (inv.sources.length === 0) {
    diags.push({ ...diag('inventory', 'No inventory was parsed, only implicit localhost is available'), severity: 'warning' });
  }
  reconcileInventory(inv);
  const deep = groupDeeperThan(inv, limit('groupDepth'));
  if (deep) {
    diags.push(diag('nesting-too-deep', `group '${deep.name}' is nested more than ${limit('groupDepth')} levels deep (children of children)`, deep.pos, limitHint('groupDepth')));
    return { ok: false, diagnostics: diags };
  }
  diags.push(...nameWarnings(inv));
  inv.varsDirs = dirs.filter((d, i) => dirs.lastIndexOf(d) === i).map(createVarsDir);
  const varsDirs = [...inv.varsDirs];
  if (opts.playbookDir) varsDirs.push(playbookVarsDir(inv, opts.playbookDir));
  for (const vd of varsDirs) {
    for (const g of inv.groups.keys()) varFilesFor(vd, 'group_vars', g);
    for (const h of inv.hosts.keys()) varFilesFor(vd, 'host_vars', h);
    diags.push(...vd.problems);
  }
  const errors = diags.filter(isError);
  if (errors.length > 0) return { ok: false, diagnostics: diags };
  const warnings = diags.filter((d) => !isError(d));
  return warnings.length > 0 ? { ok: true, value: inv, warnings } : { ok: true, value: inv };
}
