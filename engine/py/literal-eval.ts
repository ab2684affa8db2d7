// Python's ast.literal_eval: numbers, strings (prefixes, escapes, implicit concatenation), bytes
// (as text), True/False/None, lists, tuples, dicts, sets and set(); anything else is not a literal.
// Used for INI inventory values and for Ansible's templating of text that looks like a literal.
import { PyFloat, floatRepr, pyFloat } from './float.js';
import { LiteralLexer, NotLiteral, isIndentError, notLiteral, type LiteralToken } from './literal-tokens.js';
import { formatNumber } from './repr.js';
import { isTuple, makeTuple } from './tuple.js';

export interface LiteralEvalOptions {
  /** Ansible's Json2Python: the names true, false and null are literals too */
  json?: boolean;
  /** integral floats as JS numbers rather than PyFloat (2.0 becomes 2) */
  plainFloats?: boolean;
  /** dict keys written as json.dumps writes them (null, true) rather than as str() (None, True) */
  jsonKeys?: boolean;
  /** leading spaces and tabs are an unexpected indent, as for ast.parse (Ansible's templating),
   *  rather than dropped as literal_eval(text) does */
  keepIndent?: boolean;
}

export type LiteralResult = { ok: true; value: unknown } | { ok: false };

/** a value and whether it is a bare number, the only operand Python allows a sign on */
interface Parsed {
  value: unknown;
  number: boolean;
}

const NAMES: Record<string, unknown> = { True: true, False: false, None: null };
const JSON_NAMES: Record<string, unknown> = { true: true, false: false, null: null };

/** Python's tokenizer refuses more nested brackets than this ("too many nested parentheses") */
const MAX_NESTING = 200;

class LiteralParser {
  private tok: LiteralToken;
  private depth = 0;

  constructor(private readonly lex: LiteralLexer, private readonly opts: LiteralEvalOptions) {
    this.tok = lex.next();
  }

  private advance(): LiteralToken {
    const t = this.tok;
    this.tok = this.lex.next();
    return t;
  }

  private isOp(text: string): boolean {
    return this.tok.kind === 'op' && this.tok.text === text;
  }

  private eat(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.advance();
    return true;
  }

  private expect(text: string): void {
    if (!this.eat(text)) notLiteral();
  }

  // The whole text: one expression (a bare comma list is a tuple), then only newlines.
  top(): unknown {
    this.skipNewlines();
    const value = this.exprList(null).value;
    this.skipNewlines();
    if (!this.at('eof')) notLiteral();
    return value;
  }

  private at(kind: LiteralToken['kind']): boolean {
    return this.tok.kind === kind;
  }

  private skipNewlines(): void {
    while (this.at('newline')) this.advance();
  }

  // expr (',' expr)* [','] up to `close` (null: the end of the text).
  private exprList(close: string | null): Parsed {
    const first = this.expr();
    if (!this.isOp(',')) return first;
    const items = [first.value];
    while (this.eat(',')) {
      if (close === null ? this.at('newline') || this.at('eof') : this.isOp(close)) break;
      items.push(this.expr().value);
    }
    return { value: makeTuple(items), number: false };
  }

  private expr(): Parsed {
    if (!this.isOp('-') && !this.isOp('+')) return this.atom();
    const minus = this.isOp('-');
    this.advance();
    const operand = this.atom();
    if (!operand.number) notLiteral();
    const v = operand.value;
    if (!minus) return { value: v, number: false };
    if (v instanceof PyFloat) return { value: new PyFloat(-v.value), number: false };
    return { value: v === 0 ? 0 : -(v as number), number: false };
  }

  private atom(): Parsed {
    const t = this.advance();
    if (t.kind === 'num') return { value: parseNumber(t.text, t.float), number: true };
    if (t.kind === 'str') return { value: this.strings(t), number: false };
    if (t.kind === 'name') return { value: this.name(t.text), number: false };
    if (t.kind !== 'op' || (t.text !== '[' && t.text !== '{' && t.text !== '(')) return notLiteral();
    if (this.depth >= MAX_NESTING) return notLiteral();
    this.depth++;
    try {
      if (t.text === '[') return { value: this.sequence(']'), number: false };
      if (t.text === '{') return { value: this.braces(), number: false };
      if (this.eat(')')) return { value: makeTuple([]), number: false };
      const inner = this.exprList(')');
      this.expect(')');
      return inner;
    } finally {
      this.depth--;
    }
  }

  private name(text: string): unknown {
    if (Object.hasOwn(NAMES, text)) return NAMES[text];
    if (this.opts.json && Object.hasOwn(JSON_NAMES, text)) return JSON_NAMES[text];
    if (text === 'set' && this.eat('(')) {
      this.expect(')');
      return [];
    }
    return notLiteral();
  }

  // Adjacent string literals are one string; str and bytes cannot be mixed.
  private strings(first: LiteralToken & { kind: 'str' }): string {
    let out = first.value;
    while (this.tok.kind === 'str') {
      if (this.tok.bytes !== first.bytes) notLiteral();
      out += this.tok.value;
      this.advance();
    }
    return out;
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.eat(close)) {
      items.push(this.expr().value);
      if (!this.eat(',')) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  // A dict or a non-empty set.
  private braces(): unknown {
    if (this.eat('}')) return {};
    const first = this.expr().value;
    if (!this.eat(':')) {
      const items = [first];
      while (this.eat(',') && !this.isOp('}')) items.push(this.expr().value);
      this.expect('}');
      return uniqueItems(items);
    }
    const out: Record<string, unknown> = {};
    out[this.key(first)] = this.expr().value;
    while (this.eat(',') && !this.isOp('}')) {
      const k = this.key(this.expr().value);
      this.expect(':');
      out[k] = this.expr().value;
    }
    this.expect('}');
    return out;
  }

  // A dict key as a JS property name: str() of the scalar, or json.dumps's spelling.
  private key(k: unknown): string {
    if (typeof k === 'string') return k;
    if (typeof k === 'number') return formatNumber(k);
    if (k instanceof PyFloat) return floatRepr(k.value);
    const names = this.opts.jsonKeys ? ['null', 'true', 'false'] : ['None', 'True', 'False'];
    if (k === null) return names[0] as string;
    if (typeof k === 'boolean') return (k ? names[1] : names[2]) as string;
    return notLiteral();
  }
}

function parseNumber(text: string, float: boolean): number | PyFloat {
  const t = text.replace(/_/g, '');
  if (float) return pyFloat(Number(t));
  const base = /^0[xX]/.test(t) ? 16 : /^0[oO]/.test(t) ? 8 : /^0[bB]/.test(t) ? 2 : 10;
  return base === 10 ? Number(t) : parseInt(t.slice(2), base);
}

// A set's items without duplicates by Python equality (1 == 1.0 == True); lists are unhashable.
function uniqueItems(items: unknown[]): unknown[] {
  const seen = new Set<string>();
  return items.filter((v) => {
    const h = hashOf(v);
    if (seen.has(h)) return false;
    seen.add(h);
    return true;
  });
}

function hashOf(v: unknown): string {
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat) return `n${Number(v)}`;
  if (v === null) return 'None';
  if (isTuple(v)) return `t${JSON.stringify((v as unknown[]).map(hashOf))}`;
  return notLiteral();
}

function unboxFloats(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) {
    const items = v.map(unboxFloats);
    return isTuple(v) ? makeTuple(items) : items;
  }
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unboxFloats(x)]));
  }
  return v;
}

// Evaluates text like Python's ast.literal_eval(text) (leading spaces and tabs are dropped unless
// keepIndent); `{ ok: false }` when it is not a literal.
export function literalEval(text: string, opts: LiteralEvalOptions = {}): LiteralResult {
  const src = (opts.keepIndent ? text : text.replace(/^[ \t]+/, '')).replace(/\r\n?/g, '\n');
  const lex = new LiteralLexer(src);
  try {
    const value = new LiteralParser(lex, opts).top();
    if (isIndentError(src, lex.firstStart)) return { ok: false };
    return { ok: true, value: opts.plainFloats ? unboxFloats(value) : value };
  } catch (e) {
    if (e instanceof NotLiteral) return { ok: false };
    throw e;
  }
}
