// YAML as ansible reads it: PyYAML's scalar rules (engine/py/yaml-tags.ts); duplicate keys are
// allowed, the last one wins; syntax errors become inventory diagnostics.

import { isMap, isScalar, parseDocument, YAMLMap } from 'yaml';
import type { Document, Node } from 'yaml';
import { diag } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import { ansibleYamlTags } from '../py/yaml-tags.js';
import { checkYamlDepth, checkYamlDocument, parseYamlDocument } from '../source/yaml-limits.js';

// Parses YAML text the way ansible's loader does; syntax errors become diagnostics.
// The text is checked for nesting depth first, the document for tags and aliases after.
export function parseAnsibleYaml(text: string, file: string): { doc: Document; diagnostics: Diagnostic[] } {
  const deep = checkYamlDepth(file, text);
  if (deep.length > 0) return { doc: parseDocument('', { version: '1.1' }), diagnostics: deep };
  const doc = parseYamlDocument(text, { version: '1.1', customTags: ansibleYamlTags, uniqueKeys: false, merge: true, prettyErrors: false });
  const diagnostics = doc.errors.map((e) =>
    diag('inventory', `YAML syntax error: ${e.message.split('\n')[0] ?? ''}`, { file, offset: e.pos[0], length: Math.max(1, e.pos[1] - e.pos[0]) }),
  );
  if (diagnostics.length === 0) diagnostics.push(...checkYamlDocument(doc, file));
  return { doc, diagnostics };
}

// A node's value as plain JSON-like data (maps become objects).
export function toPlain(doc: Document, node: unknown): unknown {
  const js: unknown = isMap(node) || isScalar(node) || (node && typeof node === 'object' && 'toJS' in node)
    ? (node as Node).toJS(doc, { mapAsMap: true, maxAliasCount: -1 })
    : node;
  return mapsToObjects(js);
}

// Converts Map values (from mapAsMap) to plain objects, recursively.
export function mapsToObjects(v: unknown): unknown {
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v) out[String(k)] = mapsToObjects(val);
    return out;
  }
  if (v instanceof Set) return [...v].map(mapsToObjects);
  if (Array.isArray(v)) return v.map(mapsToObjects);
  return v;
}

// Start offset (and length) of the key of `key` inside a map node, for diagnostics.
export function keyRange(map: unknown, key: unknown): { offset: number; length: number } | undefined {
  if (!(map instanceof YAMLMap)) return undefined;
  for (const item of map.items) {
    const k = item.key as Node | null;
    if (isScalar(k) && k.value === key && k.range) return { offset: k.range[0], length: Math.max(1, k.range[1] - k.range[0]) };
  }
  return undefined;
}
