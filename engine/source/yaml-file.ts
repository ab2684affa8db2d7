// Reads YAML files the way Ansible does (YAML 1.1: yes/no booleans, 0755 octals, merge keys)
// and keeps the parsed document so any value can be traced back to its source offset.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { diag, type Diagnostic, type SourcePos } from '../diagnostics.js';
import type { Tags } from 'yaml';
import { ansibleYamlTags } from '../py/yaml-tags.js';
import { forgetSourceTexts, rememberSource } from './text.js';
import { forgetLineStarts } from './position.js';
import { checkSourceText, readSourceFile } from './read.js';
import { checkYamlDepth, checkYamlDocument, parseYamlDocument } from './yaml-limits.js';
import { limit } from '../shared/limits.js';

// Ansible's `!unsafe` marks text that must never be templated: keep it literal by wrapping
// any template markers in {% raw %}.
function playbookTags(tags: Tags): Tags {
  return ansibleYamlTags(tags).map((t) =>
    typeof t !== 'string' && t.tag === '!unsafe'
      ? { ...t, resolve: (s: string) => (/\{\{|\{%|\{#/.test(s) ? `{% raw %}${s}{% endraw %}` : s) }
      : t,
  ) as Tags;
}

export type YamlPath = ReadonlyArray<string | number>;

export interface YamlFile {
  path: string;
  text: string;
  doc: Document.Parsed;
  value: unknown;
}

const cache = new Map<string, { file: YamlFile; diagnostics: Diagnostic[] }>();

// Parses YAML text; syntax errors become `yaml-syntax` diagnostics with positions. The text is
// checked first (control characters, line length, nesting depth: `checked` when readSourceFile
// has done the first two), the document after (tags, recursive aliases, alias expansion).
export function parseYaml(path: string, text: string, checked = false): { file: YamlFile; diagnostics: Diagnostic[] } {
  rememberSource(path, text);
  const early = [...(checked ? [] : checkSourceText(path, text)), ...checkYamlDepth(path, text)];
  if (early.length > 0) return { file: { path, text, doc: parseDocument('', { version: '1.1' }), value: null }, diagnostics: early };
  const doc = parseYamlDocument(text, { version: '1.1', merge: true, uniqueKeys: false, prettyErrors: false, strict: false, customTags: playbookTags });
  const diagnostics: Diagnostic[] = doc.errors.map((e) =>
    diag('yaml-syntax', e.message.split('\n')[0] ?? e.message, { file: path, offset: e.pos[0], length: Math.max(1, e.pos[1] - e.pos[0]) }),
  );
  if (diagnostics.length === 0) diagnostics.push(...checkYamlDocument(doc, path));
  let value: unknown = null;
  if (diagnostics.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: limit('yamlAliases') });
    } catch (e) {
      diagnostics.push(diag('yaml-syntax', (e as Error).message, { file: path, offset: 0 }));
    }
  }
  const file = { path, text, doc, value };
  cache.set(path, { file, diagnostics });
  return { file, diagnostics };
}

// Forgets every file read and parsed so far (the cache by path, texts, line tables): for a
// process that reads changing files under the same names.
export function forgetSources(): void {
  cache.clear();
  forgetSourceTexts();
  forgetLineStarts();
}

// Reads and parses a YAML file (cached by path); a missing file is a `missing-file` diagnostic.
export function readYaml(path: string, from?: SourcePos): { file?: YamlFile; diagnostics: Diagnostic[] } {
  const hit = cache.get(path);
  if (hit) return { file: hit.file, diagnostics: [] };
  const read = readSourceFile(path, from);
  if (read.text === undefined) return { diagnostics: read.diagnostics };
  return parseYaml(path, read.text, true);
}


function child(node: unknown, seg: string | number): { key?: Node; value?: Node } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (isPair(item)) {
        const k = isScalar(item.key) ? item.key.value : item.key;
        if (String(k) === String(seg)) return { key: item.key as Node, value: (item.value ?? undefined) as Node | undefined };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const v = node.items[seg];
    return v ? { value: v as Node } : undefined;
  }
  return undefined;
}

// Source position of the node at `path` (its key when `key` is set); falls back to the
// nearest ancestor that exists, so a position is always returned.
export function posAt(file: YamlFile, path: YamlPath, key = false): SourcePos {
  let node: unknown = file.doc.contents;
  let best: SourcePos = { file: file.path, offset: rangeOf(node)?.[0] ?? 0 };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    const c = child(node, seg);
    if (!c) return best;
    const last = i === path.length - 1;
    const target = last && key && c.key ? c.key : (c.value ?? c.key);
    const r = rangeOf(target);
    if (r) best = { file: file.path, offset: r[0], length: Math.max(1, r[1] - r[0]) };
    node = c.value;
  }
  return best;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

// Offset inside a scalar's source where its string value starts (1 for quoted scalars).
export function scalarValueOffset(file: YamlFile, path: YamlPath): number {
  const p = posAt(file, path);
  const ch = file.text[p.offset];
  return ch === '"' || ch === "'" ? p.offset + 1 : p.offset;
}
