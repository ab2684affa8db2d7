// Parses template parts into statements: output, if/elif/else, for/else, set, set blocks, include,
// macro. Other Jinja statements (call, import, block, ...) are compile errors naming them.
import { ExprSyntaxError } from './errors.js';
import type { Token } from './tokenizer.js';
import type { Stmt, Target } from './ast.js';
import { Parser } from './parser.js';
import { lexTemplate } from './template-lexer.js';
import { limit } from '../shared/limits.js';

const UNSUPPORTED = new Set([
  'call', 'filter', 'import', 'from', 'extends', 'block', 'with', 'autoescape',
  'do', 'break', 'continue', 'trans', 'pluralize', 'endcall', 'endfilter', 'endblock',
  'endwith', 'endautoescape', 'endtrans', 'print', 'debug',
]);

type Open =
  | { tag: 'if'; node: Extract<Stmt, { kind: 'if' }>; body: Stmt[]; at: Token }
  | { tag: 'for'; node: Extract<Stmt, { kind: 'for' }>; body: Stmt[]; at: Token }
  | { tag: 'set'; node: Extract<Stmt, { kind: 'setblock' }>; body: Stmt[]; at: Token }
  | { tag: 'macro'; node: Extract<Stmt, { kind: 'macro' }>; body: Stmt[]; at: Token };

function parseTarget(p: Parser, withNamespace: boolean): Target {
  const paren = p.skipOp('(');
  const first = p.expectName();
  if (withNamespace && p.isOp('.')) {
    p.next();
    return { kind: 'nsattr', name: first.value, attr: p.expectName().value };
  }
  const names = [first.value];
  let tuple = paren;
  while (p.skipOp(',')) {
    tuple = true;
    if (p.cur.type !== 'name' || p.isName('in')) break;
    names.push(p.expectName().value);
  }
  if (paren) p.expectOp(')');
  return tuple ? { kind: 'names', names } : { kind: 'name', name: first.value };
}

// Parses the template source into a statement list.
export function parseTemplate(src: string): Stmt[] {
  const root: Stmt[] = [];
  const stack: Open[] = [];
  const maxDepth = limit('exprDepth');
  const body = (): Stmt[] => stack.at(-1)?.body ?? root;
  const macros = new Set<string>();
  for (const part of lexTemplate(src)) {
    if (part.kind === 'text') {
      body().push({ kind: 'text', text: part.text, offset: part.offset, end: part.offset + part.text.length });
      continue;
    }
    const p = new Parser(part.tokens, src);
    p.localCallables = macros;
    if (part.kind === 'var') {
      const expr = p.checkDepth(p.parseTuple());
      p.expectEnd();
      body().push({ kind: 'output', expr, offset: part.offset, end: part.end });
      continue;
    }
    parseBlock(p, part, stack, body, macros);
    if (stack.length > maxDepth) p.tooDeep(part.offset, part.end);
  }
  const open = stack.at(-1);
  if (open) {
    const end = open.tag === 'set' ? 'endset' : `end${open.tag}`;
    throw new ExprSyntaxError(`missing '{% ${end} %}' for '{% ${open.tag} %}'`, open.at.offset, open.at.end - open.at.offset);
  }
  return root;
}

function parseBlock(p: Parser, part: { offset: number; end: number }, stack: Open[], body: () => Stmt[], macros: Set<string>): void {
  const tag = p.cur;
  if (tag.type !== 'name') p.fail('expected a statement name');
  const name = tag.value;
  if (UNSUPPORTED.has(name)) p.fail(`unsupported template statement '${name}'`);
  p.next();
  const top = stack.at(-1);
  const pos = { offset: part.offset, end: part.end };
  switch (name) {
    case 'if': {
      const cond = p.checkDepth(p.parseTuple([], false));
      const node: Open['node'] & { kind: 'if' } = { kind: 'if', branches: [[cond, []]], otherwise: null, ...pos };
      body().push(node);
      stack.push({ tag: 'if', node, body: node.branches[0]?.[1] as Stmt[], at: tag });
      break;
    }
    case 'elif': {
      if (top?.tag !== 'if' || top.node.otherwise) p.fail("unexpected '{% elif %}'", tag);
      const branch: [typeof top.node.branches[0][0], Stmt[]] = [p.checkDepth(p.parseTuple([], false)), []];
      top.node.branches.push(branch);
      top.body = branch[1];
      break;
    }
    case 'else': {
      if ((top?.tag !== 'if' && top?.tag !== 'for') || top.node.otherwise) p.fail("unexpected '{% else %}'", tag);
      top.node.otherwise = [];
      top.body = top.node.otherwise;
      break;
    }
    case 'for': {
      const target = parseTarget(p, false);
      if (!p.skipName('in')) p.fail(`expected 'in', got ${p.describe(p.cur)}`);
      const iter = p.checkDepth(p.parseTuple(['if', 'recursive'], false));
      const filter = p.skipName('if') ? p.checkDepth(p.parseExpression()) : null;
      if (p.isName('recursive')) p.fail("unsupported template statement 'for ... recursive'");
      const node: Extract<Stmt, { kind: 'for' }> = { kind: 'for', target, iter, filter, body: [], otherwise: null, ...pos };
      body().push(node);
      stack.push({ tag: 'for', node, body: node.body, at: tag });
      break;
    }
    case 'set': {
      const target = parseTarget(p, true);
      if (p.skipOp('=')) {
        const expr = p.checkDepth(p.parseTuple());
        body().push({ kind: 'set', target, expr, ...pos });
      } else {
        if (target.kind !== 'name') p.fail('a block set needs a single name');
        if (p.isOp('|')) p.fail("unsupported syntax: filter on a block '{% set %}'");
        const node: Extract<Stmt, { kind: 'setblock' }> = { kind: 'setblock', name: target.name, body: [], ...pos };
        body().push(node);
        stack.push({ tag: 'set', node, body: node.body, at: tag });
      }
      break;
    }
    case 'macro': {
      const macroName = p.expectName().value;
      macros.add(macroName);
      p.expectOp('(');
      const params: Extract<Stmt, { kind: 'macro' }>['params'] = [];
      while (!p.isOp(')')) {
        const param = p.expectName().value;
        const dflt = p.skipOp('=') ? p.checkDepth(p.parseExpression()) : null;
        params.push({ name: param, dflt });
        if (!p.skipOp(',')) break;
      }
      p.expectOp(')');
      const node: Extract<Stmt, { kind: 'macro' }> = { kind: 'macro', name: macroName, params, body: [], ...pos };
      body().push(node);
      stack.push({ tag: 'macro', node, body: node.body, at: tag });
      break;
    }
    case 'include': {
      const template = p.checkDepth(p.parseExpression());
      let ignoreMissing = false;
      if (p.skipName('ignore')) {
        if (!p.skipName('missing')) p.fail(`expected 'missing', got ${p.describe(p.cur)}`);
        ignoreMissing = true;
      }
      let withContext = true;
      if (p.isName('with') || p.isName('without')) {
        withContext = p.next().value === 'with';
        if (!p.skipName('context')) p.fail(`expected 'context', got ${p.describe(p.cur)}`);
      }
      body().push({ kind: 'include', template, ignoreMissing, withContext, ...pos });
      break;
    }
    case 'endif':
    case 'endfor':
    case 'endset':
    case 'endmacro':
      if (top?.tag !== name.slice(3)) p.fail(`unexpected '{% ${name} %}'`, tag);
      stack.pop();
      break;
    default:
      p.fail(`unknown template statement '${name}'`, tag);
  }
  p.expectEnd();
}
