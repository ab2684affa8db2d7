// Recursive-descent parser for Jinja expressions, following Jinja's grammar and precedence:
// cond-expr < or < and < not < compare < + - < ~ < * / // % < ** < unary < postfix/filters.
import type { CompareOp, Expr } from './ast.js';
import { CallParser } from './parser-calls.js';
import { pyFloat } from '../py/float.js';

const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);

export class Parser extends CallParser {
  // expr, or a tuple "a, b" (as in `{{ a, b }}` and `{% for x in a, b %}`).
  parseTuple(stopNames: string[] = [], withCond = true): Expr {
    const start = this.cur.offset;
    const items: Expr[] = [];
    let comma = false;
    for (;;) {
      if (items.length > 0) {
        if (!this.skipOp(',')) break;
        comma = true;
      }
      if (this.cur.type === 'eof' || this.cur.type === 'end' || this.isOp(')') || stopNames.some((n) => this.isName(n))) break;
      items.push(withCond ? this.parseExpression() : this.parseOr());
    }
    if (!comma && items.length === 1) return items[0] as Expr;
    if (!comma && items.length === 0) this.fail(`expected an expression, got ${this.describe(this.cur)}`);
    return { kind: 'tuple', items, offset: start, end: this.tokens[this.pos - 1]?.end ?? start };
  }

  parseExpression(): Expr {
    return this.nested(() => this.parseExpressionBody());
  }
  private parseExpressionBody(): Expr {
    let expr = this.parseOr();
    while (this.skipName('if')) {
      const test = this.parseOr();
      const otherwise = this.skipName('else') ? this.parseExpression() : null;
      const line = this.src.slice(0, expr.offset).split('\n').length;
      expr = { kind: 'cond', test, then: expr, otherwise, line, offset: expr.offset, end: (otherwise ?? test).end };
    }
    return expr;
  }
  parseOr(): Expr {
    let left = this.parseAnd();
    while (this.skipName('or')) {
      const right = this.parseAnd();
      left = { kind: 'or', left, right, offset: left.offset, end: right.end };
    }
    return left;
  }
  parseAnd(): Expr {
    let left = this.parseNot();
    while (this.skipName('and')) {
      const right = this.parseNot();
      left = { kind: 'and', left, right, offset: left.offset, end: right.end };
    }
    return left;
  }
  parseNot(): Expr {
    if (this.isName('not')) {
      const t = this.next();
      const operand = this.nested(() => this.parseNot());
      return { kind: 'unary', op: 'not', operand, offset: t.offset, end: operand.end };
    }
    return this.parseCompare();
  }
  parseCompare(): Expr {
    const first = this.parseMath1();
    const rest: [CompareOp, Expr][] = [];
    for (;;) {
      let op: CompareOp;
      if (this.cur.type === 'op' && COMPARE_OPS.has(this.cur.value)) op = this.next().value as CompareOp;
      else if (this.skipName('in')) op = 'in';
      else if (this.isName('not') && this.peek().type === 'name' && this.peek().value === 'in') {
        this.next();
        this.next();
        op = 'not in';
      } else break;
      rest.push([op, this.parseMath1()]);
    }
    if (rest.length === 0) return first;
    return { kind: 'compare', first, rest, offset: first.offset, end: (rest.at(-1) as [CompareOp, Expr])[1].end };
  }
  binaryLoop(ops: string[], sub: () => Expr): Expr {
    let left = sub();
    while (this.cur.type === 'op' && ops.includes(this.cur.value)) {
      const op = this.next().value as '+';
      const right = sub();
      left = { kind: 'binary', op, left, right, offset: left.offset, end: right.end };
    }
    return left;
  }
  parseMath1(): Expr {
    return this.binaryLoop(['+', '-'], () => this.parseConcat());
  }
  parseConcat(): Expr {
    return this.binaryLoop(['~'], () => this.parseMath2());
  }
  parseMath2(): Expr {
    return this.binaryLoop(['*', '/', '//', '%'], () => this.parsePow());
  }
  parsePow(): Expr {
    return this.binaryLoop(['**'], () => this.parseUnary(true));
  }
  parseUnary(withFilter: boolean): Expr {
    let node: Expr;
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      const operand = this.nested(() => this.parseUnary(false));
      node = { kind: 'unary', op: t.value as '-', operand, offset: t.offset, end: operand.end };
    } else node = this.parsePrimary();
    node = this.parsePostfix(node);
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  parsePrimary(): Expr {
    const t = this.cur;
    if (t.type === 'name') {
      this.next();
      const consts: Record<string, unknown> = { true: true, True: true, false: false, False: false, none: null, None: null };
      if (Object.hasOwn(consts, t.value)) return { kind: 'const', value: consts[t.value], offset: t.offset, end: t.end };
      return { kind: 'name', name: t.value, offset: t.offset, end: t.end };
    }
    if (t.type === 'string') {
      let value = '';
      let end = t.end;
      while (this.cur.type === 'string') {
        value += this.cur.value;
        end = this.next().end;
      }
      return { kind: 'const', value, offset: t.offset, end };
    }
    if (t.type === 'number') {
      this.next();
      const isFloat = /^[^xXoObB]*[.eE]/.test(t.value);
      return { kind: 'const', value: isFloat ? pyFloat(t.num) : t.num, offset: t.offset, end: t.end };
    }
    if (this.skipOp('(')) {
      if (this.isOp(')')) {
        const close = this.next();
        return { kind: 'tuple', items: [], offset: t.offset, end: close.end };
      }
      const inner = this.parseTuple();
      const close = this.expectOp(')');
      return inner.kind === 'tuple' ? { ...inner, offset: t.offset, end: close.end } : inner;
    }
    if (this.skipOp('[')) {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        if (items.length > 0) this.expectOp(',');
        if (this.isOp(']')) break;
        items.push(this.parseExpression());
      }
      return { kind: 'list', items, offset: t.offset, end: this.next().end };
    }
    if (this.skipOp('{')) {
      const pairs: [Expr, Expr][] = [];
      while (!this.isOp('}')) {
        if (pairs.length > 0) this.expectOp(',');
        if (this.isOp('}')) break;
        const key = this.parseExpression();
        this.expectOp(':');
        pairs.push([key, this.parseExpression()]);
      }
      return { kind: 'dict', pairs, offset: t.offset, end: this.next().end };
    }
    return this.fail(`unexpected ${this.describe(t)}`);
  }

  parsePostfix(node: Expr): Expr {
    for (;;) {
      if (this.isOp('.') || this.isOp('[')) node = this.parseSubscript(node);
      else if (this.isOp('(')) node = this.parseCall(node);
      else return node;
    }
  }
  parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) node = this.parseFilter(node);
      else if (this.isName('is')) node = this.parseTest(node);
      else if (this.isOp('(')) node = this.parseCall(node);
      else return node;
    }
  }

  parseSubscript(obj: Expr): Expr {
    if (this.skipOp('.')) {
      const t = this.next();
      if (t.type === 'name') return { kind: 'attr', obj, name: t.value, offset: obj.offset, end: t.end };
      if (t.type === 'number' && Number.isInteger(t.num)) {
        const key: Expr = { kind: 'const', value: t.num, offset: t.offset, end: t.end };
        return { kind: 'item', obj, key, offset: obj.offset, end: t.end };
      }
      return this.fail(`expected a name or number after '.', got ${this.describe(t)}`, t);
    }
    this.expectOp('[');
    const keys: Expr[] = [];
    while (!this.isOp(']')) {
      if (keys.length > 0) this.expectOp(',');
      keys.push(this.parseSubscribed());
    }
    const end = this.next().end;
    if (keys.length === 0) this.fail('expected a subscript', this.tokens[this.pos - 1]);
    const first = keys[0] as Expr;
    if (first.kind === 'slice' && keys.length === 1) return { ...first, obj, offset: obj.offset, end };
    const slice = keys.find((k) => k.kind === 'slice');
    if (slice) this.fail('unsupported syntax: multi-dimensional slicing', { ...this.cur, offset: slice.offset, end: slice.end });
    const key: Expr = keys.length === 1 ? first : { kind: 'tuple', items: keys, offset: first.offset, end };
    return { kind: 'item', obj, key, offset: obj.offset, end };
  }
  // One subscript: an expression or a slice start:stop:step (returned as a 'slice' node).
  parseSubscribed(): Expr {
    const start = this.cur.offset;
    let lower: Expr | null = null;
    if (!this.isOp(':')) {
      lower = this.parseExpression();
      if (!this.isOp(':')) return lower;
    }
    this.next();
    const part = (): Expr | null => (this.isOp(']') || this.isOp(',') || this.isOp(':') ? null : this.parseExpression());
    const upper = part();
    const step = this.skipOp(':') ? part() : null;
    const placeholder: Expr = { kind: 'const', value: null, offset: start, end: start };
    return { kind: 'slice', obj: placeholder, start: lower, stop: upper, step, offset: start, end: this.cur.offset };
  }
}
