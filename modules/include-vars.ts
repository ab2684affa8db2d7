// include_vars: loads variables from a YAML/JSON file on the controller (include_vars precedence).
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
    name: { type: 'string', description: 'put the variables under this key instead of at the top level' },
  },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'include_vars',
  factsAs: 'include_vars',
  summary: 'Load variables from a YAML/JSON file on the controller',
  schema,
  freeForm: 'raw',
  checkMode: 'runs as usual (reads a controller file)',
  example: '- include_vars: versions.yml',
  async action(ctx, args) {
    const name = args.file ?? args._raw_params ?? '';
    const path = findSource(name, ctx.searchPaths, 'vars');
    if (!path) return { failed: true, changed: false, ansible_included_var_files: [], msg: `Could not find or access '${name}'` };
    const read = readSourceFile(path);
    if (read.text === undefined) return { failed: true, changed: false, msg: `Unable to read ${path}: ${read.diagnostics[0]?.message ?? ''}` };
    const { file, diagnostics } = parseYaml(path, read.text, true);
    if (!file || diagnostics.length > 0) return { failed: true, changed: false, msg: `Syntax error in ${path}: ${diagnostics[0]?.message ?? ''}` };
    const v = file.value ?? {};
    if (typeof v !== 'object' || Array.isArray(v)) return { failed: true, changed: false, msg: `${path} must contain a mapping of variables` };
    const facts = args.name ? { [args.name]: v } : (v as Record<string, unknown>);
    return { ansible_facts: facts, ansible_included_var_files: [path], changed: false };
  },
});
