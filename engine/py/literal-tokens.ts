// The tokens of a Python expression as far as ast.literal_eval needs them: strings (prefixes,
// escapes, bytes), numbers, names, brackets and punctuation, and the newline that ends the
// expression outside brackets; and where Python would raise IndentationError. Anything else is
// not a literal.
import { decodeEscapes, PyEscapeError } from './escapes.js';

export type LiteralToken =
  | { kind: 'str'; value: string; bytes: boolean }
  | { kind: 'num'; text: string; float: boolean }
  | { kind: 'name' | 'op'; text: string }
  | { kind: 'newline' | 'eof' };

/** the text is not a Python literal (a SyntaxError or ValueError in Python) */
export class NotLiteral extends Error {}

// Fails the literal_eval; the parser turns this into `{ ok: false }`.
export function notLiteral(): never {
  throw new NotLiteral();
}

const DIGITS = String.raw`[0-9](?:_?[0-9])*`;
const FLOAT = new RegExp(String.raw`(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.)(?:[eE][-+]?${DIGITS})?|${DIGITS}[eE][-+]?${DIGITS}`, 'y');
const INT = /0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?[0-9])*|0(?:_?0)*/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const PREFIX = /^(?:[rRuUbBfF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])$/;
const OPS = '[](){},:+-';

export class LiteralLexer {
  pos = 0;
  depth = 0;
  /** where the first token of the text starts (for Python's "unexpected indent") */
  firstStart = -1;

  constructor(readonly src: string) {}

  // The next token; newlines inside brackets and `\`-continued lines are whitespace.
  next(): LiteralToken {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\f') this.pos++;
      else if (c === '#') while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      else if (c === '\\' && s[this.pos + 1] === '\n' && this.pos + 2 < s.length) this.pos += 2;
      else if (c === '\n') {
        this.pos++;
        if (this.depth === 0) return { kind: 'newline' };
      } else break;
    }
    if (this.firstStart < 0) this.firstStart = this.pos;
    if (this.pos >= s.length) return { kind: 'eof' };
    const c = s[this.pos] as string;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[this.pos + 1] ?? ''))) return this.number();
    if (c === "'" || c === '"') return this.string('');
    NAME.lastIndex = this.pos;
    const name = NAME.exec(s)?.[0];
    if (name !== undefined) {
      const after = s[this.pos + name.length];
      if ((after === "'" || after === '"') && PREFIX.test(name)) {
        this.pos += name.length;
        return this.string(name.toLowerCase());
      }
      this.pos += name.length;
      return { kind: 'name', text: name };
    }
    if (!OPS.includes(c)) return notLiteral();
    this.pos++;
    if ('([{'.includes(c)) this.depth++;
    else if (')]}'.includes(c)) this.depth--;
    return { kind: 'op', text: c };
  }

  private number(): LiteralToken {
    const s = this.src;
    FLOAT.lastIndex = this.pos;
    const f = FLOAT.exec(s)?.[0];
    INT.lastIndex = this.pos;
    const text = f ?? INT.exec(s)?.[0] ?? notLiteral();
    this.pos += text.length;
    // 1j, 1if, 01, 1__0, 1_: Python rejects (or has no JS value for) what follows a number
    if (/[A-Za-z0-9_.]/.test(s[this.pos] ?? '')) notLiteral();
    return { kind: 'num', text, float: f !== undefined };
  }

  private string(prefix: string): LiteralToken {
    if (prefix.includes('f')) notLiteral();
    const s = this.src;
    const q = s[this.pos] as string;
    const quote = s.startsWith(q.repeat(3), this.pos) ? q.repeat(3) : q;
    const bytes = prefix.includes('b');
    const start = this.pos + quote.length;
    let i = start;
    while (i < s.length && !s.startsWith(quote, i)) {
      if (s[i] === '\n' && quote.length === 1) notLiteral();
      i += s[i] === '\\' ? 2 : 1;
    }
    if (i >= s.length) notLiteral();
    this.pos = i + quote.length;
    const body = s.slice(start, i);
    if (bytes && /[^\x00-\x7f]/.test(body)) notLiteral();
    if (prefix.includes('r')) return { kind: 'str', value: body, bytes };
    try {
      return { kind: 'str', value: decodeEscapes(body, bytes ? 'bytes' : 'str'), bytes };
    } catch (e) {
      if (e instanceof PyEscapeError) notLiteral();
      throw e;
    }
  }
}

// True when Python's tokenizer would raise IndentationError: the first token's logical line is
// indented (continuation lines included), or the text ends in a line of only spaces and tabs.
export function isIndentError(src: string, firstStart: number): boolean {
  if (/\n[ \t]+$/.test(src)) return true;
  for (let i = firstStart - 1; i >= 0; i--) {
    const c = src[i];
    if (c === ' ' || c === '\t') return true;
    if (c === '\n' && src[i - 1] === '\\') i--;
    else if (c !== '\f') return false;
  }
  return false;
}
