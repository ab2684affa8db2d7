// include_vars: loads variables from a YAML/JSON file on the controller (include_vars precedence),
// or from every file of a directory (dir:, depth, files_matching, ignore_files, extensions).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../engine/source/yaml-file.js';
import { defineModule } from '../engine/module.js';
import { findSource } from './copy.js';
import { readSourceFile } from '../engine/source/read.js';

// The include_vars arguments.
export const schema = {
  type: 'object',
  properties: {
    _raw_params: { type: 'string', description: 'the file (free form)' },
    file: { type: 'string', description: "the file, searched in the role's vars/ and the playbook dir" },
    dir: { type: 'string', description: "a directory whose files are all loaded (sorted by path), searched like file" },
    depth: { type: 'integer', default: 0, description: 'dir: how many directories of the walk to read (0: all)' },
    files_matching: { type: 'string', description: 'dir: only files whose name matches this regular expression' },
    ignore_files: { type: 'array', items: { type: 'string' }, description: 'dir: file names (regular expressions, anchored at the end) to skip' },
    extensions: { type: 'array', items: { type: 'string' }, default: ['json', 'yaml', 'yml'], description: 'dir: the file extensions loaded' },
    ignore_unknown_extensions: { type: 'boolean', default: false, description: 'dir: skip files with other extensions instead of failing' },
    name: { type: 'string', description: 'put the variables under this key instead of at the top level' },
    hash_behaviour: { enum: ['replace', 'merge'], description: 'merge: mappings are merged, recursively, into the values the host already has' },
  },
  additionalProperties: false,
} as const;

type Loaded = { vars: Record<string, unknown> } | { error: string };

// Reads one vars file (a YAML/JSON mapping).
function loadFile(path: string): Loaded {
  const read = readSourceFile(path);
  if (read.text === undefined) return { error: `Unable to read ${path}: ${read.diagnostics[0]?.message ?? ''}` };
  const { file, diagnostics } = parseYaml(path, read.text, true);
  if (!file || diagnostics.length > 0) return { error: `Syntax error in ${path}: ${diagnostics[0]?.message ?? ''}` };
  const v = file.value ?? {};
  if (typeof v !== 'object' || Array.isArray(v)) return { error: `${path} must be stored as a dictionary/hash` };
  return { vars: v as Record<string, unknown> };
}

// The directories of a walk under `root` sorted by path, each with its sorted file names; like
// Ansible, `depth` counts the directories of that sorted walk, not their nesting.
function walk(root: string, depth: number): [string, string[]][] {
  const all: [string, string[]][] = [];
  const visit = (d: string) => {
    const names = readdirSync(d).sort();
    const files: string[] = [];
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) visit(p);
      else files.push(n);
    }
    all.push([d, files]);
  };
  visit(root);
  all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return depth > 0 ? all.slice(0, depth) : all;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

// ansible-core's combine_vars with hash_behaviour=merge: mappings merged recursively, the rest replaced.
function mergeHash(old: unknown, next: unknown, depth = 0): unknown {
  if (!isMap(old) || !isMap(next) || depth > 64) return next;
  const out: Record<string, unknown> = { ...old };
  for (const [k, v] of Object.entries(next)) out[k] = mergeHash(out[k], v, depth + 1);
  return out;
}

// A file or folder include_vars cannot use: ansible-core words it under `message` (msg kept for our output).
const refused = (why: string) => ({ failed: true, changed: false, ansible_facts: {}, ansible_included_var_files: [], message: why, msg: why });

export default defineModule({
  name: 'include_vars',
  factsAs: 'include_vars',
  summary: 'Load variables from a YAML/JSON file (or every file of a directory) on the controller',
  schema,
  freeForm: 'raw',
  checkMode: 'runs as usual (reads controller files)',
  example: '- include_vars: versions.yml',
  async action(ctx, args) {
    const vars: Record<string, unknown> = {};
    const files: string[] = [];
    if (args.dir !== undefined) {
      const dir = findSource(args.dir, ctx.searchPaths, 'vars');
      if (!dir || !statSync(dir).isDirectory()) return refused(`${args.dir} directory does not exist`);
      const matching = args.files_matching !== undefined ? new RegExp(args.files_matching) : undefined;
      const ignored = (args.ignore_files ?? []).map((p) => new RegExp(`${p}$`));
      const exts = new Set(args.extensions);
      for (const [d, names] of walk(dir, args.depth)) {
        for (const n of names) {
          if ((matching && !matching.test(n)) || ignored.some((r) => r.test(n))) continue;
          const ext = n.includes('.') ? n.slice(n.lastIndexOf('.') + 1) : '';
          if (!exts.has(ext)) {
            if (args.ignore_unknown_extensions) continue;
            return refused(`${join(d, n)} does not have a valid extension: ${[...exts].join(', ')}`);
          }
          const r = loadFile(join(d, n));
          if ('error' in r) return refused(r.error);
          Object.assign(vars, r.vars);
          files.push(join(d, n));
        }
      }
    } else {
      const name = args.file ?? args._raw_params ?? '';
      if (!name) return refused('Could not find file on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option');
      const path = findSource(name, ctx.searchPaths, 'vars');
      if (!path) return refused(`Could not find or access '${name}'`);
      const r = loadFile(path);
      if ('error' in r) return refused(r.error);
      Object.assign(vars, r.vars);
      files.push(path);
    }
    let facts: Record<string, unknown> = args.name ? { [args.name]: vars } : vars;
    if (args.hash_behaviour === 'merge') facts = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, mergeHash(ctx.hostVar(k), v)]));
    return { ansible_facts: facts, ansible_included_var_files: files, changed: false };
  },
});
