// The depth of an expression tree, computed without recursion: a chain of 10 000 `+` or filters
// parses in a loop but would be evaluated recursively, so deep trees are refused at compile time.
import type { Expr } from './ast.js';

function children(e: Expr): (Expr | null)[] {
  switch (e.kind) {
    case 'const':
    case 'name':
      return [];
    case 'list':
    case 'tuple':
      return e.items;
    case 'dict':
      return e.pairs.flat();
    case 'attr':
      return [e.obj];
    case 'item':
      return [e.obj, e.key];
    case 'slice':
      return [e.obj, e.start, e.stop, e.step];
    case 'call':
      return [e.callee, ...e.args, ...e.kwargs.map((k) => k[1])];
    case 'filter':
    case 'test':
      return [e.value, ...e.args, ...e.kwargs.map((k) => k[1])];
    case 'unary':
      return [e.operand];
    case 'star':
      return [e.value];
    case 'binary':
    case 'and':
    case 'or':
      return [e.left, e.right];
    case 'compare':
      return [e.first, ...e.rest.map((r) => r[1])];
    case 'cond':
      return [e.test, e.then, e.otherwise];
  }
}

// The first node found deeper than `max` levels, or undefined.
export function nodeDeeperThan(root: Expr, max: number): Expr | undefined {
  const stack: [Expr, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [e, d] = stack.pop() as [Expr, number];
    if (d > max) return e;
    for (const c of children(e)) if (c) stack.push([c, d + 1]);
  }
  return undefined;
}
