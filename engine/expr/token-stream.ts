// The token cursor under the expression parser: lookahead, expectations, errors with offsets.
import { ExprSyntaxError } from './errors.js';
import type { Token } from './tokenizer.js';
import { limit, limitHint } from '../shared/limits.js';
import type { Expr } from './ast.js';
import { nodeDeeperThan } from './ast-depth.js';

export class TokenStream {
  pos = 0;
  private depth = 0;
  private readonly maxDepth = limit('exprDepth');
  constructor(
    readonly tokens: Token[],
    readonly src = '',
  ) {}

  get cur(): Token {
    return this.tokens[this.pos] ?? (this.tokens.at(-1) as Token);
  }
  peek(k = 1): Token {
    return this.tokens[this.pos + k] ?? (this.tokens.at(-1) as Token);
  }
  next(): Token {
    const t = this.cur;
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  isOp(v: string): boolean {
    return this.cur.type === 'op' && this.cur.value === v;
  }
  isName(v: string): boolean {
    return this.cur.type === 'name' && this.cur.value === v;
  }
  skipOp(v: string): boolean {
    if (!this.isOp(v)) return false;
    this.next();
    return true;
  }
  skipName(v: string): boolean {
    if (!this.isName(v)) return false;
    this.next();
    return true;
  }
  // Runs f one nesting level deeper; past the limit it is a syntax error (no stack overflow).
  nested<T>(f: () => T): T {
    if (this.depth >= this.maxDepth) this.tooDeep(this.cur.offset, this.cur.end);
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }
  // The error for an expression nested deeper than the limit, at [offset, end).
  tooDeep(offset: number, end: number): never {
    const e = new ExprSyntaxError(`expression nested more than ${this.maxDepth} levels deep (${limitHint('exprDepth')})`, offset, Math.min(end, offset + 200) - offset);
    e.limit = 'exprDepth';
    throw e;
  }
  // Checks the depth of a parsed tree (chains of operators and filters parse in a loop).
  checkDepth(e: Expr): Expr {
    const deep = nodeDeeperThan(e, this.maxDepth);
    if (deep) this.tooDeep(deep.offset, deep.end);
    return e;
  }
  fail(msg: string, t: Token = this.cur): never {
    throw new ExprSyntaxError(msg, t.offset, t.end - t.offset);
  }
  describe(t: Token): string {
    if (t.type === 'eof') return 'end of expression';
    if (t.type === 'end') return `'${t.value}'`;
    return t.type === 'string' ? 'string literal' : `'${t.value}'`;
  }
  expectOp(v: string): Token {
    if (!this.isOp(v)) this.fail(`expected '${v}', got ${this.describe(this.cur)}`);
    return this.next();
  }
  expectName(): Token {
    if (this.cur.type !== 'name') this.fail(`expected a name, got ${this.describe(this.cur)}`);
    return this.next();
  }
  // Fails unless the whole token stream was consumed.
  expectEnd(): void {
    if (this.cur.type !== 'eof' && this.cur.type !== 'end') this.fail(`unexpected ${this.describe(this.cur)}`);
  }
}
