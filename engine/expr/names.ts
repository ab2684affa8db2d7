// referencedNames: the top-level variable names an expression or template reads (for
// diagnostics such as "uses undefined variable"), excluding template locals.
import type { Expr, Stmt, Target } from './ast.js';
import type { Expression, Template } from './template.js';

function targetNames(t: Target): string[] {
  return t.kind === 'names' ? t.names : [t.name];
}

function walkExpr(e: Expr | null, bound: Set<string>, out: Set<string>): void {
  if (!e) return;
  const w = (x: Expr | null): void => walkExpr(x, bound, out);
  switch (e.kind) {
    case 'name':
      if (!bound.has(e.name)) out.add(e.name);
      return;
    case 'const':
      return;
    case 'list':
    case 'tuple':
      e.items.forEach(w);
      return;
    case 'dict':
      e.pairs.forEach(([k, v]) => (w(k), w(v)));
      return;
    case 'attr':
      w(e.obj);
      return;
    case 'item':
      w(e.obj);
      w(e.key);
      return;
    case 'slice':
      [e.obj, e.start, e.stop, e.step].forEach(w);
      return;
    case 'call':
      if (e.callee.kind !== 'name') w(e.callee);
      e.args.forEach(w);
      e.kwargs.forEach(([, v]) => w(v));
      return;
    case 'filter':
    case 'test':
      w(e.value);
      e.args.forEach(w);
      e.kwargs.forEach(([, v]) => w(v));
      return;
    case 'unary':
      w(e.operand);
      return;
    case 'star':
      w(e.value);
      return;
    case 'binary':
    case 'and':
    case 'or':
      w(e.left);
      w(e.right);
      return;
    case 'compare':
      w(e.first);
      e.rest.forEach(([, x]) => w(x));
      return;
    case 'cond':
      [e.then, e.test, e.otherwise].forEach(w);
      return;
  }
}

function walkStmts(stmts: Stmt[], bound: Set<string>, out: Set<string>): void {
  for (const s of stmts) {
    switch (s.kind) {
      case 'text':
        break;
      case 'output':
        walkExpr(s.expr, bound, out);
        break;
      case 'if':
        for (const [cond, body] of s.branches) {
          walkExpr(cond, bound, out);
          walkStmts(body, bound, out);
        }
        if (s.otherwise) walkStmts(s.otherwise, bound, out);
        break;
      case 'for': {
        walkExpr(s.iter, bound, out);
        const inner = new Set([...bound, ...targetNames(s.target), 'loop']);
        walkExpr(s.filter, inner, out);
        walkStmts(s.body, inner, out);
        if (s.otherwise) walkStmts(s.otherwise, bound, out);
        break;
      }
      case 'set':
        walkExpr(s.expr, bound, out);
        if (s.target.kind === 'nsattr') {
          if (!bound.has(s.target.name)) out.add(s.target.name);
        } else targetNames(s.target).forEach((n) => bound.add(n));
        break;
      case 'setblock':
        walkStmts(s.body, bound, out);
        bound.add(s.name);
        break;
      case 'macro': {
        for (const p of s.params) walkExpr(p.dflt, bound, out);
        bound.add(s.name);
        walkStmts(s.body, new Set([...bound, ...s.params.map((p) => p.name), 'varargs', 'kwargs']), out);
        break;
      }
    }
  }
}

// Top-level variable names used by a compiled expression or template, in first-use order.
export function referencedNames(e: Expression | Template): string[] {
  const out = new Set<string>();
  if (e.kind === 'expression') walkExpr(e.ast, new Set(), out);
  else walkStmts(e.body, new Set(), out);
  return [...out];
}
