// The checks every YAML source goes through before its values are used: nesting depth (scanned
// on the lexer's tokens, before the parser builds anything), tags (what Ansible's loader can
// construct: YAML's own types, !unsafe and !vault — never !!python/...), aliases that refer to
// their own anchor, and alias expansion (the yaml library's maxAliasCount).
import { Composer, CST, isAlias, isCollection, isNode, Lexer, parseDocument, Parser, visit, YAMLParseError, type Document, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions } from 'yaml';
import { diag, type Diagnostic } from '../diagnostics.js';
import { limit, limitHint } from '../shared/limits.js';

const YAML_TAGS = ['str', 'int', 'float', 'bool', 'null', 'map', 'seq', 'omap', 'pairs', 'set', 'binary', 'timestamp', 'merge'];
const ALLOWED_TAGS = new Set(['!', '!unsafe', '!vault', '!vault-encrypted', ...YAML_TAGS.map((t) => `tag:yaml.org,2002:${t}`)]);

const MAX_ERRORS = 50;

class TooManyErrors extends Error {}

// Parses YAML text into its documents like the yaml library's parseAllDocuments, but stops
// after MAX_ERRORS errors: a line of 900 000 quotes would otherwise make 450 000 error objects
// (650 MB, seconds). The documents parsed so far keep their errors; an abandoned parse returns
// one empty document holding the first errors and a last one saying the rest were not read.
export function parseYamlDocuments(text: string, options: ParseOptions & DocumentOptions & SchemaOptions, maxDocs = Infinity): Document.Parsed[] {
  const composer = new Composer(options);
  // the composer's error callback and pending errors are private in the typings, public at runtime
  const inner = composer as unknown as { onError: (source: unknown, code: string, message: string, warning?: boolean) => void; errors: YAMLParseError[] };
  const report = inner.onError;
  let errors = 0;
  let warnings = 0;
  inner.onError = (source, code, message, warning) => {
    if (warning ? ++warnings > MAX_ERRORS : ++errors > MAX_ERRORS) {
      if (warning) return;
      throw new TooManyErrors();
    }
    report(source, code, message, warning);
  };
  const docs: Document.Parsed[] = [];
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const doc of composer.compose(new Parser().parse(text), true, text.length)) {
      docs.push(doc);
      if (docs.length >= maxDocs) break;
    }
    return docs;
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
    const first = [...docs.flatMap((d) => d.errors), ...inner.errors].slice(0, MAX_ERRORS);
    const doc = parseDocument('', options);
    const at = first.at(-1)?.pos ?? [0, 1];
    doc.errors.push(...first, new YAMLParseError([at[0], at[1]], 'IMPOSSIBLE', `more than ${MAX_ERRORS} YAML errors: the rest of the file was not read`));
    return [doc];
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
}

// parseDocument with the error bound of parseYamlDocuments (a second document is an error).
export function parseYamlDocument(text: string, options: ParseOptions & DocumentOptions & SchemaOptions): Document.Parsed {
  const [doc, second] = parseYamlDocuments(text, options, 2);
  const out = doc ?? parseDocument('', options);
  if (second) out.errors.push(new YAMLParseError([second.range[0], second.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
  return out;
}

// The offset where the nesting depth of the YAML text first exceeds `max`, or undefined. Block
// nesting is estimated from the columns where nodes start, flow nesting from [ and {.
export function yamlDepthExceededAt(text: string, max = limit('yamlDepth')): number | undefined {
  let offset = 0;
  let col = 0;
  let flow = 0;
  const stack: number[] = [];
  let scalarNext = false;
  let blockContent = false;
  for (const tok of new Lexer().lex(text)) {
    if (tok === '\u0002' || tok === '\u0018') continue;
    if (tok === '\u001f') {
      scalarNext = true;
      continue;
    }
    const type = CST.tokenType(tok);
    let node = false;
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      flow++;
      if (stack.length + flow > max) return offset;
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') {
      if (flow > 0) flow--;
    } else if (type === 'doc-start' || type === 'doc-end') {
      stack.length = 0;
      flow = 0;
    } else if (scalarNext) {
      node = flow === 0 && !blockContent;
      blockContent = false;
    } else if (type === 'block-scalar-header') {
      node = flow === 0;
      blockContent = true;
    } else if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'alias' || type === 'anchor' || type === 'tag') {
      node = flow === 0;
    }
    scalarNext = false;
    if (node) {
      while (stack.length > 0 && (stack[stack.length - 1] as number) >= col) stack.pop();
      stack.push(col);
      if (stack.length + flow > max) return offset;
    }
    const nl = tok.lastIndexOf('\n');
    col = nl >= 0 ? tok.length - nl - 1 : col + tok.length;
    offset += tok.length;
  }
  return undefined;
}

// A depth diagnostic for the text, if it nests deeper than the limit.
export function checkYamlDepth(path: string, text: string): Diagnostic[] {
  const at = yamlDepthExceededAt(text);
  if (at === undefined) return [];
  return [diag('nesting-too-deep', `YAML collections nested more than ${limit('yamlDepth')} levels deep`, { file: path, offset: at }, limitHint('yamlDepth'))];
}

function rangeOf(node: unknown, path: string): { file: string; offset: number; length?: number } {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? { file: path, offset: r[0], length: Math.max(1, Math.min(r[1], r[0] + 200) - r[0]) } : { file: path, offset: 0 };
}

// Tags Ansible's loader cannot construct, aliases that refer to their own anchor or to none.
export function checkYamlNodes(doc: Document, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const anchors = new Map<string, Node>();
  visit(doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key)) out.push(diag('yaml-syntax', 'found unhashable key: a list or mapping cannot be a mapping key', rangeOf(pair.key, path)));
    },
    Node(_key, node, ancestors) {
      if (isAlias(node)) {
        const src = anchors.get(node.source);
        if (!src) out.push(diag('yaml-syntax', `unknown alias *${node.source}: no anchor &${node.source} before it`, rangeOf(node, path)));
        else if (ancestors.includes(src as never)) out.push(diag('recursion', `the alias *${node.source} is inside the node anchored &${node.source}: a recursive structure`, rangeOf(node, path), 'a YAML alias may only repeat a node that is already complete'));
        return;
      }
      if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
      const tag = (node as { tag?: string }).tag;
      if (tag !== undefined && !ALLOWED_TAGS.has(tag)) {
        const shown = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag;
        const python = /^tag:yaml\.org,2002:python\//.test(tag);
        out.push(diag('yaml-tag', `could not determine a constructor for the tag '${shown}'${python ? ' (Python objects are never constructed)' : ''}`, rangeOf(node, path), "Ansible's YAML types only: strings, numbers, booleans, null, lists, mappings, !unsafe and !vault"));
      }
      return undefined;
    },
  });
  return out;
}

// Whether the aliases of doc expand to more nodes than the limit (a "billion laughs"); the
// diagnostic points at the first alias whose anchor holds aliases itself, else the first alias.
export function checkYamlAliases(doc: Document, path: string): Diagnostic[] {
  let first: Node | undefined;
  visit(doc, { Alias: (_k, node) => ((first = node), visit.BREAK) });
  if (!first) return [];
  try {
    doc.toJS({ maxAliasCount: limit('yamlAliases') });
    return [];
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/alias count/i.test(e.message)) return [];
  }
  const holdsAliases = new Set<unknown>();
  const anchors = new Map<string, unknown>();
  let amplifier: Node | undefined;
  visit(doc, {
    Node(_k, node, ancestors) {
      if (isAlias(node)) {
        for (const a of ancestors) if (isNode(a) && a.anchor) holdsAliases.add(a);
        if (!amplifier && holdsAliases.has(anchors.get(node.source))) amplifier = node;
      } else if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
    },
  });
  return [diag('too-many-aliases', 'YAML aliases expand to too many nodes (a "billion laughs"): the limit of aliased nodes was exceeded', rangeOf(amplifier ?? first, path), limitHint('yamlAliases'))];
}

// Every check of a parsed YAML document (nodes, then aliases when the nodes are sound).
export function checkYamlDocument(doc: Document, path: string): Diagnostic[] {
  const nodes = checkYamlNodes(doc, path);
  return nodes.length > 0 ? nodes : checkYamlAliases(doc, path);
}
