// Parsing of calls, filters and tests (`f(a, k=v)`, `x | f(...)`, `x is t ...`), with the
// compile-time checks that name unknown filters, tests and functions.
import type { Expr } from './ast.js';
import type { Token } from './tokenizer.js';
import { TokenStream } from './token-stream.js';
import { findFilter, findGlobal, findTest } from './registry.js';
import { MUTATING_METHODS } from './methods.js';

const SELECT_FILTERS: Record<string, number> = { select: 0, reject: 0, selectattr: 1, rejectattr: 1 };

type Args = { args: Expr[]; kwargs: [string, Expr][] };

export abstract class CallParser extends TokenStream {
  abstract parseExpression(): Expr;
  abstract parsePrimary(): Expr;
  abstract parsePostfix(node: Expr): Expr;
  /** names a template defines as callables before this point (its macros) */
  localCallables: ReadonlySet<string> = new Set();

  parseArgs(): Args {
    this.expectOp('(');
    const out: Args = { args: [], kwargs: [] };
    // Jinja's order: positional arguments, then keywords and one `*args` in any order, `**kwargs` last
    let star = false;
    let starStar = false;
    while (!this.isOp(')')) {
      if (out.args.length + out.kwargs.length > 0) this.expectOp(',');
      if (this.isOp(')')) break;
      const at = this.cur;
      if (this.isOp('*') || this.isOp('**')) {
        const double = this.isOp('**');
        if (starStar || (!double && star)) this.fail(`invalid syntax for function call expression`);
        this.next();
        const value = this.parseExpression();
        const node: Expr = { kind: 'star', value, offset: at.offset, end: value.end };
        if (double) {
          starStar = true;
          out.kwargs.push(['**', node]);
        } else {
          star = true;
          out.args.push(node);
        }
      } else if (this.cur.type === 'name' && this.peek().type === 'op' && this.peek().value === '=') {
        if (starStar) this.fail(`invalid syntax for function call expression`);
        const name = this.next().value;
        this.next();
        out.kwargs.push([name, this.parseExpression()]);
      } else {
        if (star || starStar) this.fail(`invalid syntax for function call expression`);
        if (out.kwargs.length > 0) this.fail('positional argument follows keyword argument');
        out.args.push(this.parseExpression());
      }
    }
    this.next();
    return out;
  }
  parseCall(callee: Expr): Expr {
    if (callee.kind === 'name' && !findGlobal(callee.name) && !this.localCallables.has(callee.name)) {
      this.fail(`unknown function '${callee.name}'`, { ...this.cur, offset: callee.offset, end: callee.end });
    }
    if (callee.kind === 'attr' && MUTATING_METHODS.has(callee.name)) {
      this.fail(`unsupported method '${callee.name}' (it would modify a value in place)`, { ...this.cur, offset: callee.offset, end: callee.end });
    }
    const { args, kwargs } = this.parseArgs();
    return { kind: 'call', callee, args, kwargs, offset: callee.offset, end: this.tokens[this.pos - 1]?.end ?? callee.end };
  }
  dottedName(): { name: string; first: Token; last: Token } {
    const first = this.expectName();
    let name = first.value;
    let last = first;
    while (this.isOp('.')) {
      this.next();
      last = this.expectName();
      name += `.${last.value}`;
    }
    return { name, first, last };
  }
  parseFilter(value: Expr): Expr {
    this.expectOp('|');
    const { name, first, last } = this.dottedName();
    if (!findFilter(name)) this.fail(`unknown filter '${name}'`, { ...first, end: last.end });
    const { args, kwargs } = this.isOp('(') ? this.parseArgs() : { args: [], kwargs: [] };
    this.checkNamedArg(name, args, kwargs);
    return { kind: 'filter', value, name, args, kwargs, offset: value.offset, end: this.tokens[this.pos - 1]?.end ?? last.end };
  }
  parseTest(value: Expr): Expr {
    this.next();
    const negated = this.skipName('not');
    const { name, first, last } = this.dottedName();
    if (!findTest(name)) this.fail(`unknown test '${name}'`, { ...first, end: last.end });
    let args: Expr[] = [];
    let kwargs: [string, Expr][] = [];
    const c = this.cur;
    if (this.isOp('(')) ({ args, kwargs } = this.parseArgs());
    else if (
      (['name', 'string', 'number'].includes(c.type) || this.isOp('[') || this.isOp('{')) &&
      !(c.type === 'name' && ['else', 'or', 'and'].includes(c.value))
    ) {
      if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
      args = [this.parsePostfix(this.parsePrimary())];
    }
    return { kind: 'test', value, name, args, kwargs, negated, offset: value.offset, end: this.tokens[this.pos - 1]?.end ?? last.end };
  }
  // map('f') / select('t') / selectattr('a', 't'): check a literal filter/test name now.
  checkNamedArg(filter: string, args: Expr[], kwargs: [string, Expr][]): void {
    const base = filter.replace(/^ansible\.(builtin|legacy)\./, '');
    const isMap = base === 'map' && !kwargs.some(([k]) => k === 'attribute');
    const idx = isMap ? 0 : SELECT_FILTERS[base];
    const arg = idx === undefined ? undefined : args[idx];
    if (arg?.kind !== 'const' || typeof arg.value !== 'string') return;
    if (isMap ? !findFilter(arg.value) : !findTest(arg.value)) {
      this.fail(`unknown ${isMap ? 'filter' : 'test'} '${arg.value}'`, { ...this.cur, offset: arg.offset, end: arg.end });
    }
  }
}
