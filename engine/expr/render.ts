// Executes template statements: output nodes, if, for (with the `loop` variable), set.
import { ExprRuntimeError } from './errors.js';
import { Undefined } from './undefined.js';
import { Namespace, PyCallable, PyObject } from './objects.js';
import type { Stmt, Target } from './ast.js';
import { isMapping, isTruthy, toPyStr } from './python-values.js';
import { pyIter } from './access.js';
import { Frame, evalExpr } from './evaluate.js';
import type { EvalContext } from './evaluate.js';
import { step } from './budget.js';

// Jinja's `loop` object inside a for body.
class LoopContext extends PyObject {
  readonly typeName = 'LoopContext';
  index0 = 0;
  constructor(readonly items: unknown[]) {
    super();
  }
  override getAttr(name: string): unknown {
    const n = this.items.length;
    const i = this.index0;
    switch (name) {
      case 'index': return i + 1;
      case 'index0': return i;
      case 'revindex': return n - i;
      case 'revindex0': return n - i - 1;
      case 'first': return i === 0;
      case 'last': return i === n - 1;
      case 'length': return n;
      case 'depth': return 1;
      case 'depth0': return 0;
      case 'previtem': return i > 0 ? this.items[i - 1] : new Undefined('there is no previous item', 'previtem');
      case 'nextitem': return i < n - 1 ? this.items[i + 1] : new Undefined('there is no next item', 'nextitem');
      case 'cycle':
        return new PyCallable('cycle', (args) => {
          if (args.length === 0) throw new ExprRuntimeError('no items for cycling given');
          return args[i % args.length];
        });
    }
    return undefined;
  }
}

// Checks an output value the way Ansible's finalize does: no Undefined anywhere inside.
export function checkDefinedDeep(v: unknown): void {
  if (v instanceof Undefined) {
    if (!v.lenient) v.fail();
  } else if (Array.isArray(v)) {
    for (const x of v) checkDefinedDeep(x);
  } else if (isMapping(v)) {
    for (const k of Object.keys(v)) checkDefinedDeep(v[k]);
  }
}

function assign(frame: Frame, target: Target, value: unknown): void {
  if (target.kind === 'name') {
    frame.vars.set(target.name, value);
    return;
  }
  if (target.kind === 'nsattr') {
    const ns = frame.lookup(target.name);
    if (!(ns instanceof Namespace)) throw new ExprRuntimeError('cannot assign attribute on non-namespace object');
    ns.attrs[target.attr] = value;
    return;
  }
  const items = pyIter(value);
  const want = target.names.length;
  if (items.length < want) throw new ExprRuntimeError(`not enough values to unpack (expected ${want}, got ${items.length})`);
  if (items.length > want) throw new ExprRuntimeError(`too many values to unpack (expected ${want})`);
  target.names.forEach((name, i) => frame.vars.set(name, items[i]));
}

function renderFor(node: Extract<Stmt, { kind: 'for' }>, ctx: EvalContext, out: unknown[]): void {
  let items = pyIter(evalExpr(node.iter, ctx));
  const frame = new Frame(ctx.frame);
  const inner: EvalContext = { ...ctx, frame };
  if (node.filter) {
    const filter = node.filter;
    items = items.filter((item) => {
      assign(frame, node.target, item);
      return isTruthy(evalExpr(filter, inner));
    });
  }
  if (items.length === 0) {
    if (node.otherwise) renderStatements(node.otherwise, ctx, out);
    return;
  }
  const loop = new LoopContext(items);
  items.forEach((item, i) => {
    step();
    frame.vars.clear();
    loop.index0 = i;
    assign(frame, node.target, item);
    frame.vars.set('loop', loop);
    renderStatements(node.body, inner, out);
  });
}

// Renders statements, appending output values (text and finalized expression values) to out.
export function renderStatements(stmts: Stmt[], ctx: EvalContext, out: unknown[]): void {
  for (const s of stmts) {
    switch (s.kind) {
      case 'text':
        out.push(s.text);
        break;
      case 'output': {
        const v = evalExpr(s.expr, ctx);
        checkDefinedDeep(v);
        out.push(v === null || v === undefined ? '' : v instanceof Undefined ? '' : v);
        break;
      }
      case 'if': {
        const branch = s.branches.find(([cond]) => isTruthy(evalExpr(cond, ctx)));
        const body = branch ? branch[1] : s.otherwise;
        if (body) renderStatements(body, ctx, out);
        break;
      }
      case 'for':
        renderFor(s, ctx, out);
        break;
      case 'set':
        assign(ctx.frame as Frame, s.target, evalExpr(s.expr, ctx));
        break;
      case 'setblock': {
        const parts: unknown[] = [];
        renderStatements(s.body, ctx, parts);
        (ctx.frame as Frame).vars.set(s.name, setBlockValue(parts));
        break;
      }
      case 'include':
        includeImpl(s, ctx, out);
        break;
      case 'macro':
        (ctx.frame as Frame).vars.set(s.name, defineMacro(s, ctx));
        break;
    }
  }
}

// A macro as a callable: its parameters from the call's arguments or their defaults, the rest in
// `varargs` and `kwargs`; it returns its body rendered as text (Jinja's Markup).
function defineMacro(s: Extract<Stmt, { kind: 'macro' }>, def: EvalContext): PyCallable {
  return new PyCallable(s.name, (args, kwargs) => {
    const frame = new Frame(def.frame);
    const inner: EvalContext = { ...def, frame };
    const rest = { ...kwargs };
    s.params.forEach((p, i) => {
      if (i < args.length) frame.vars.set(p.name, args[i]);
      else if (Object.hasOwn(rest, p.name)) frame.vars.set(p.name, rest[p.name]);
      else frame.vars.set(p.name, p.dflt ? evalExpr(p.dflt, inner) : new Undefined(`parameter '${p.name}' was not provided`, p.name));
      delete rest[p.name];
    });
    frame.vars.set('varargs', args.slice(s.params.length));
    frame.vars.set('kwargs', rest);
    const parts: unknown[] = [];
    renderStatements(s.body, inner, parts);
    return parts.map((x) => toPyStr(x)).join('');
  });
}

type Include = (s: Extract<Stmt, { kind: 'include' }>, ctx: EvalContext, out: unknown[]) => void;
let includeImpl: Include = () => {
  throw new ExprRuntimeError('templates cannot be included here');
};

// Lets template.ts load and render `{% include %}` (it compiles; this file only runs statements).
export function setInclude(fn: Include): void {
  includeImpl = fn;
}

let concatImpl: (parts: unknown[]) => unknown = (parts) => parts.join('');

// Lets template.ts provide Ansible's concat (with literal_eval) for `{% set x %}` blocks.
export function setBlockConcat(fn: (parts: unknown[]) => unknown): void {
  concatImpl = fn;
}

function setBlockValue(parts: unknown[]): unknown {
  return concatImpl(parts);
}
