// Compiling (once, cached) and rendering templates and bare expressions with Ansible 2.14's
// non-native semantics: output joined as text, then literal_eval'd when it looks like a
// list, dict or bool.
import './builtins.js';
import { tokenize } from './tokenizer.js';
import { Parser } from './parser.js';
import { parseTemplate } from './template-parser.js';
import type { Expr, Stmt } from './ast.js';
import { Frame, evalExpr, newContext } from './evaluate.js';
import type { Scope } from './evaluate.js';
import { renderStatements, setBlockConcat, setInclude } from './render.js';
import { isMapping, toPyStr } from './python-values.js';
import { isTuple } from '../py/tuple.js';
import { literalEval as pyLiteralEval, type LiteralResult } from '../py/literal-eval.js';
import { TemplateNotFoundError, UndefinedVariableError } from './errors.js';
import { Undefined } from './undefined.js';
import { normalizeName } from './registry.js';
import { PyFloat } from '../py/float.js';
import { checkLength, evaluation } from './budget.js';

/** a compiled template (opaque outside engine/expr) */
export interface Template {
  readonly kind: 'template';
  readonly source: string;
  readonly body: Stmt[];
  /** `{{ name }}` alone: Ansible returns a bool/number/None variable as is */
  readonly singleVar: string | null;
  /** a single `{{ x | to_json }}`-like output: text kept as text (NativeJinjaText) */
  readonly nativeText: boolean;
  readonly trailingNewlines: number;
}

/** a compiled bare expression (opaque outside engine/expr) */
export interface Expression {
  readonly kind: 'expression';
  readonly source: string;
  readonly ast: Expr;
}

const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);
const SINGLE_VAR = /^\{\{\s*([\p{L}\p{N}_]*)\s*\}\}\n?$/u;
const MAX_CACHE = 20_000;
const templates = new Map<string, Template>();
const expressions = new Map<string, Expression>();
const conditionExprs = new Map<string, Expression>();

const MAX_CACHED_CHARS = 4 * 1024 * 1024;
const cachedChars = new Map<Map<string, unknown>, number>();

// Caches a compiled source; a cache is emptied past MAX_CACHE entries or MAX_CACHED_CHARS of
// source (a long-running process compiling generated text must not keep all of it).
function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  const chars = (cachedChars.get(cache) ?? 0) + key.length;
  if (cache.size >= MAX_CACHE || chars > MAX_CACHED_CHARS) {
    cache.clear();
    cachedChars.set(cache, key.length);
  } else cachedChars.set(cache, chars);
  cache.set(key, value);
  return value;
}

// True when s contains a template marker: '{{', '{%' or '{#'.
export function hasTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

function countTrailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\n') n++;
  return n;
}

// Compiles a template string (cached); throws ExprSyntaxError.
export function compileTemplate(src: string): Template {
  const hit = templates.get(src);
  if (hit) return hit;
  const body = parseTemplate(src);
  const only = body.length === 1 ? body[0] : undefined;
  const nativeText = only?.kind === 'output' && only.expr.kind === 'filter' && STRING_TYPE_FILTERS.has(normalizeName(only.expr.name));
  const t: Template = {
    kind: 'template',
    source: src,
    body,
    singleVar: SINGLE_VAR.exec(src)?.[1] || null,
    nativeText,
    trailingNewlines: countTrailingNewlines(src),
  };
  return remember(templates, src, t);
}

function parseExpression(src: string, withCond: boolean): Expression {
  const p = new Parser(tokenize(src, 0, 'eof').tokens, src);
  const ast = p.checkDepth(p.parseTuple([], withCond));
  p.expectEnd();
  return { kind: 'expression', source: src, ast };
}

// Compiles a bare expression such as `x | default(1) > 2` (cached); throws ExprSyntaxError.
export function compileExpression(src: string): Expression {
  return expressions.get(src) ?? remember(expressions, src, parseExpression(src, true));
}

// Compiles a bare condition as Ansible wraps it: `{% if <cond> %}` (no if-expression at the top).
export function compileConditionExpression(src: string): Expression {
  return conditionExprs.get(src) ?? remember(conditionExprs, src, parseExpression(src, false));
}

// Evaluates a compiled expression; the result may be an Undefined.
export function evaluate(e: Expression, scope: Scope): unknown {
  return evaluation(undefined, () => evalExpr(e.ast, newContext(scope)));
}

function renderParts(t: Template, scope: Scope): unknown[] {
  return evaluation(undefined, () => {
    const ctx = newContext(scope);
    ctx.frame = new Frame(null);
    const out: unknown[] = [];
    renderStatements(t.body, ctx, out);
    return out;
  });
}

// The parts of a render joined as text, refused before joining when longer than the limit.
function joinText(parts: unknown[]): string {
  const texts = parts.map(toPyStr);
  let total = 0;
  for (const s of texts) total += s.length;
  checkLength(total, 'string');
  return texts.join('');
}

/** finds a template `{% include %}` names: its label (for the chain of files) and text */
export type TemplateLoader = (name: string) => { label: string; source: string } | undefined;

// The loaders of the template files being rendered (rendering is synchronous: a stack).
const loaders: TemplateLoader[] = [];

// Renders a template file's text, labelled with its name so that a template including itself
// is refused with the chain of files (the template lookup and module; engine/run/render.ts);
// `loader` finds the files it includes.
// `convert`: a result that reads as a list, dict or bool becomes one (the lookup's convert_data).
export function renderTemplateText(label: string, source: string, scope: Scope, loader?: TemplateLoader, convert = false): string {
  if (loader) loaders.push(loader);
  try {
    return evaluation(label, () => (convert ? renderTemplate : renderToString)(compileTemplate(source), scope)) as string;
  } finally {
    if (loader) loaders.pop();
  }
}

// `{% include %}`: the first of the names the loader finds, rendered into the output with the
// includer's variables (or only the template's own with `without context`).
setInclude((s, ctx, out) => {
  const v = evalExpr(s.template, ctx);
  if (v instanceof Undefined) v.fail();
  const names = (Array.isArray(v) ? v : [v]).map((n) => toPyStr(n));
  const loader = loaders.at(-1);
  for (const name of names) {
    const found = loader?.(name);
    if (!found) continue;
    const t = compileTemplate(found.source);
    const inner = s.withContext ? { ...ctx, frame: new Frame(ctx.frame) } : { ...newContext(ctx.scope), frame: new Frame(null) };
    evaluation(found.label, () => renderStatements(t.body, inner, out));
    return;
  }
  if (!s.ignoreMissing) throw new TemplateNotFoundError(names.length === 1 ? (names[0] as string) : `None of the templates given were found: ${names.join(', ')}`);
});

function restoreNewlines(t: Template, v: unknown): unknown {
  if (typeof v !== 'string' || t.trailingNewlines === 0) return v;
  const missing = t.trailingNewlines - countTrailingNewlines(v);
  return missing > 0 ? v + '\n'.repeat(missing) : v;
}

const NOT_PLAIN = Symbol('not plain');

// What repr() + literal_eval gives back for a list/dict of plain data (a deep copy), without
// the round trip; NOT_PLAIN when the text form would not parse back (nan, objects...).
function plainCopy(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : NOT_PLAIN;
  if (v instanceof PyFloat) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const c = plainCopy(x);
      if (c === NOT_PLAIN) return NOT_PLAIN;
      out.push(c);
    }
    return out;
  }
  if (!isMapping(v)) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const c = plainCopy(v[k]);
    if (c === NOT_PLAIN) return NOT_PLAIN;
    out[k] = c;
  }
  return out;
}

// ast.literal_eval(ast.parse(text)) after Ansible's Json2Python (true/false/null are names too).
export function literalEval(text: string): LiteralResult {
  return pyLiteralEval(text, { json: true, keepIndent: true });
}

// Ansible's ansible_eval_concat: join as text; literal_eval text that looks like a list/dict/bool.
export function ansibleConcat(parts: unknown[], nativeText = false): unknown {
  if (parts.length === 0) return '';
  const only = parts.length === 1 ? parts[0] : undefined;
  if (nativeText && typeof only === 'string') return only;
  if ((Array.isArray(only) && !isTuple(only)) || isMapping(only)) {
    const copy = plainCopy(only);
    if (copy !== NOT_PLAIN) return copy;
  }
  const text = parts.length === 1 ? toPyStr(only) : joinText(parts);
  if (text.startsWith('{') || text.startsWith('[') || text === 'True' || text === 'False') {
    const r = literalEval(text);
    if (r.ok) return r.value;
  }
  return text;
}
setBlockConcat((parts) => ansibleConcat(parts));

// Renders a template to the value Ansible would produce (string, or list/dict/bool/number).
export function renderTemplate(t: Template, scope: Scope): unknown {
  if (!hasTemplate(t.source)) return t.source;
  if (t.singleVar !== null) {
    const v = scope.get(t.singleVar);
    if (typeof v === 'boolean' || typeof v === 'number' || v === null || v instanceof PyFloat) return v;
  }
  return restoreNewlines(t, ansibleConcat(renderParts(t, scope), t.nativeText));
}

// Renders a template to plain text (no literal_eval), e.g. for messages and file content.
export function renderToString(t: Template, scope: Scope): string {
  return restoreNewlines(t, joinText(renderParts(t, scope))) as string;
}

// Renders every template string inside value (arrays and objects deeply; keys untouched).
export function templateValue(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return hasTemplate(value) ? renderTemplate(compileTemplate(value), scope) : value;
  if (Array.isArray(value)) return value.map((v) => templateValue(v, scope));
  if (isMapping(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = templateValue(value[k], scope);
    return out;
  }
  return value;
}

// How Ansible's AnsibleJ2Vars reads a variable: its templates are rendered on access, and an
// undefined name inside becomes an Undefined ("{{ nope }}: 'nope' is undefined") that only fails
// when used (so `var | default(x)` and `var is defined` still work). For Scope.get.
export function templateVariable(name: string, value: unknown, scope: Scope): unknown {
  try {
    return evaluation(name, () => templateValue(value, scope));
  } catch (e) {
    if (e instanceof UndefinedVariableError) return new Undefined(`${toPyStr(value)}: ${e.message}`, name);
    throw e;
  }
}
