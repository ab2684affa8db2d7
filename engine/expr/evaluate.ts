// Tree-walking evaluator for expression ASTs (no eval / Function): Python semantics for
// operators, Jinja rules for attribute access, filters, tests and calls.
import { ExprRuntimeError, ExprSyntaxError, UndefinedVariableError } from './errors.js';
import { Undefined, undefinedName } from './undefined.js';
import { Kwargs as KwargsBox, PyCallable } from './objects.js';
import type { CompareOp, Expr } from './ast.js';
import { isMapping, isTruthy, pyTypeName, toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import { pyArith, pyCompare, pyConcat, pyContains, pyEquals, pyNegate } from './python-ops.js';
import { getAttr, getItem, getSlice } from './access.js';
import { PyFloat } from '../py/float.js';
import { applyFilter, applyTest, findGlobal } from './registry.js';
import type { CallContext } from './registry.js';
import { asExprError, checkSize, step } from './budget.js';

/** the variables an expression sees; unknown names give an Undefined (or JS undefined) */
export interface Scope {
  get(name: string): unknown;
}

/** template-local variables (for-loop targets, `set`), chained to the enclosing block */
export class Frame {
  readonly vars = new Map<string, unknown>();
  constructor(readonly parent: Frame | null) {}
  // The local value of name, or undefined (JS) when it is not local.
  lookup(name: string): unknown {
    for (let f: Frame | null = this; f; f = f.parent) {
      if (f.vars.has(name)) return f.vars.get(name);
    }
    return undefined;
  }
}

export interface EvalContext {
  scope: Scope;
  frame: Frame | null;
  call: CallContext;
}

// A fresh evaluation context for scope.
export function newContext(scope: Scope): EvalContext {
  return { scope, frame: null, call: { scope } };
}

// Resolves a variable: template locals, then the scope, then global functions.
export function lookupName(ctx: EvalContext, name: string): unknown {
  const local = ctx.frame?.lookup(name);
  if (local !== undefined) return local;
  const v = ctx.scope.get(name);
  if (v !== undefined && !(v instanceof Undefined)) return v;
  const g = findGlobal(name);
  if (g) return new PyCallable(name, (args, kwargs) => callGlobal(ctx, name, args, kwargs));
  return v ?? undefinedName(name);
}

function callGlobal(ctx: EvalContext, name: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const fn = findGlobal(name);
  if (!fn) throw new ExprRuntimeError(`'${name}' is undefined`);
  const all = Object.keys(kwargs).length > 0 ? [...args, new KwargsBox(kwargs)] : args;
  try {
    return checkSize(fn.apply(ctx.call, all));
  } catch (e) {
    throw asExprError(e, `${name}()`);
  }
}


function dictKey(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat) return toPyStr(v);
  if (v instanceof Undefined) v.fail();
  throw new ExprRuntimeError(`unhashable type: '${pyTypeName(v)}'`);
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==': return pyEquals(a, b);
    case '!=': return !pyEquals(a, b);
    case 'in': return pyContains(b, a);
    case 'not in': return !pyContains(b, a);
    case '<': return pyCompare(a, b, op) < 0;
    case '<=': return pyCompare(a, b, op) <= 0;
    case '>': return pyCompare(a, b, op) > 0;
    case '>=': return pyCompare(a, b, op) >= 0;
  }
}

function evalArgs(ctx: EvalContext, args: Expr[], kwargs: [string, Expr][]): [unknown[], Record<string, unknown>] {
  const kw: Record<string, unknown> = {};
  for (const [k, e] of kwargs) {
    if (e.kind !== 'star') kw[k] = evalExpr(e, ctx);
    else Object.assign(kw, unpackKwargs(evalExpr(e.value, ctx)));
  }
  const out: unknown[] = [];
  for (const a of args) {
    if (a.kind === 'star') out.push(...unpackArgs(evalExpr(a.value, ctx)));
    else out.push(evalExpr(a, ctx));
  }
  return [out, kw];
}

// `*value`: the items of a list, tuple or string, or the keys of a mapping (Python's iteration).
function unpackArgs(v: unknown): unknown[] {
  if (v instanceof Undefined) v.fail();
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isMapping(v)) return Object.keys(v);
  throw new ExprRuntimeError(`argument after * must be an iterable, not ${pyTypeName(v)}`);
}

// `**value`: a mapping's entries as keyword arguments.
function unpackKwargs(v: unknown): Record<string, unknown> {
  if (v instanceof Undefined) v.fail();
  if (!isMapping(v)) throw new ExprRuntimeError(`argument after ** must be a mapping, not ${pyTypeName(v)}`);
  return { ...(v as Record<string, unknown>) };
}

function callValue(ctx: EvalContext, node: Extract<Expr, { kind: 'call' }>): unknown {
  if (node.callee.kind === 'name' && ctx.frame?.lookup(node.callee.name) === undefined) {
    const [args, kwargs] = evalArgs(ctx, node.args, node.kwargs);
    return callGlobal(ctx, node.callee.name, args, kwargs);
  }
  const fn = evalExpr(node.callee, ctx);
  if (fn instanceof Undefined) fn.fail();
  if (!(fn instanceof PyCallable)) throw new ExprRuntimeError(`'${pyTypeName(fn)}' object is not callable`);
  const [args, kwargs] = evalArgs(ctx, node.args, node.kwargs);
  try {
    return checkSize(fn.impl(args, kwargs));
  } catch (e) {
    throw asExprError(e, `${fn.name}()`);
  }
}

// Evaluates an expression node to a value (possibly an Undefined).
export function evalExpr(node: Expr, ctx: EvalContext): unknown {
  step();
  switch (node.kind) {
    case 'const':
      return node.value;
    case 'name':
      return lookupName(ctx, node.name);
    case 'list':
      return node.items.map((e) => evalExpr(e, ctx));
    case 'tuple':
      return makeTuple(node.items.map((e) => evalExpr(e, ctx)));
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of node.pairs) out[dictKey(evalExpr(k, ctx))] = evalExpr(v, ctx);
      return out;
    }
    case 'attr':
      return getAttr(evalExpr(node.obj, ctx), node.name);
    case 'item':
      return getItem(evalExpr(node.obj, ctx), evalExpr(node.key, ctx));
    case 'slice': {
      const part = (e: Expr | null): unknown => (e ? evalExpr(e, ctx) : null);
      return getSlice(evalExpr(node.obj, ctx), part(node.start), part(node.stop), part(node.step));
    }
    case 'call':
      return callValue(ctx, node);
    case 'filter': {
      const value = evalExpr(node.value, ctx);
      const [args, kwargs] = evalArgs(ctx, node.args, node.kwargs);
      try {
        return checkSize(applyFilter(node.name, value, args, kwargs, ctx.call));
      } catch (e) {
        throw asExprError(e, `the ${node.name} filter`);
      }
    }
    case 'test': {
      const value = evalExpr(node.value, ctx);
      const [args, kwargs] = evalArgs(ctx, node.args, node.kwargs);
      let r: unknown;
      try {
        r = applyTest(node.name, value, args, kwargs, ctx.call);
      } catch (e) {
        throw asExprError(e, `the ${node.name} test`);
      }
      return node.negated ? !isTruthy(r) : r;
    }
    case 'star':
      throw new ExprRuntimeError('unpacking (*) is only allowed among call arguments');
    case 'unary':
      if (node.op === 'not') return !isTruthy(evalExpr(node.operand, ctx));
      return pyNegate(evalExpr(node.operand, ctx), node.op);
    case 'binary': {
      const a = evalExpr(node.left, ctx);
      const b = evalExpr(node.right, ctx);
      return checkSize(node.op === '~' ? pyConcat(a, b) : pyArith(node.op, a, b));
    }
    case 'and': {
      const a = evalExpr(node.left, ctx);
      return isTruthy(a) ? evalExpr(node.right, ctx) : a;
    }
    case 'or': {
      const a = evalExpr(node.left, ctx);
      return isTruthy(a) ? a : evalExpr(node.right, ctx);
    }
    case 'compare': {
      let a = evalExpr(node.first, ctx);
      for (const [op, e] of node.rest) {
        const b = evalExpr(e, ctx);
        if (!compare(op, a, b)) return false;
        a = b;
      }
      return true;
    }
    case 'cond':
      if (isTruthy(evalExpr(node.test, ctx))) return evalExpr(node.then, ctx);
      if (node.otherwise) return evalExpr(node.otherwise, ctx);
      return new Undefined(`the inline if-expression on line ${node.line} evaluated to false and no else section was defined.`, undefined, true);
  }
}
