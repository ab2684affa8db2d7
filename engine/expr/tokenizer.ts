// Tokenizer for Jinja expressions: names, numbers, strings, operators. It stops at the end
// delimiter of a `{{ }}` / `{% %}` tag when one is expected (outside brackets).
import { ExprSyntaxError } from './errors.js';
import { decodeEscapes, PyEscapeError } from '../py/escapes.js';

export type TokenType = 'name' | 'string' | 'number' | 'op' | 'end' | 'eof';

export interface Token {
  type: TokenType;
  /** source text for names/ops/end; decoded value for strings */
  value: string;
  /** numeric value of number tokens */
  num: number;
  offset: number;
  end: number;
}

/** what closes the token stream: end of source, `}}` or `%}` */
export type Closer = 'eof' | 'var' | 'block';

export interface TokenizeResult {
  tokens: Token[];
  /** offset just past the closing delimiter (or the source length) */
  end: number;
  /** `-}}` / `-%}`: strip whitespace after the tag; `+%}`: keep the newline */
  stripAfter: boolean;
  keepNewline: boolean;
}

const OPS = ['//', '**', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', '.', ':', '|', '='];
const NAME = /[A-Za-z_\p{L}][\w\p{L}\p{N}]*/uy;
const INT = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*/y;
const FLOAT = /\d+(?:_\d+)*(?:\.\d+(?:_\d+)*(?:[eE][+-]?\d+(?:_\d+)*)?|[eE][+-]?\d+(?:_\d+)*)/y;

// Decodes Python/Jinja string escapes (\n, \x41, \u00e9, \101); unknown escapes are kept.
function decodeStringEscapes(raw: string, offset: number): string {
  try {
    return decodeEscapes(raw);
  } catch (e) {
    if (e instanceof PyEscapeError) throw new ExprSyntaxError(`${e.message} in string literal`, offset);
    throw e;
  }
}

function numberValue(text: string): number {
  const t = text.replace(/_/g, '');
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  return Number(t);
}

// Tokenizes src from `start` until the closer (`rawStrings`: backslashes in strings are literal,
// as in Ansible's `{{ }}` after its backslash escaping).
export function tokenize(src: string, start: number, closer: Closer, rawStrings = false): TokenizeResult {
  const tokens: Token[] = [];
  const stack: string[] = [];
  let i = start;
  const push = (type: TokenType, value: string, offset: number, end: number, num = 0): void => {
    tokens.push({ type, value, num, offset, end });
  };
  for (;;) {
    while (i < src.length && /\s/.test(src[i] as string)) i++;
    if (i >= src.length) {
      if (closer !== 'eof') {
        throw new ExprSyntaxError(`unexpected end of template, expected '${closer === 'var' ? '}}' : '%}'}'`, src.length, 0);
      }
      push('eof', '', i, i);
      return { tokens, end: i, stripAfter: false, keepNewline: false };
    }
    if (closer !== 'eof' && stack.length === 0) {
      const close = closer === 'var' ? '}}' : '%}';
      for (const flag of ['-', '+', '']) {
        if (flag === '+' && closer === 'var') continue;
        if (src.startsWith(flag + close, i)) {
          push('end', flag + close, i, i + flag.length + 2);
          return { tokens, end: i + flag.length + 2, stripAfter: flag === '-', keepNewline: flag === '+' };
        }
      }
    }
    const ch = src[i] as string;
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== ch) j += !rawStrings && src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new ExprSyntaxError('unterminated string literal', i, src.length - i);
      const raw = src.slice(i + 1, j).replace(/\r\n?/g, '\n');
      push('string', rawStrings ? raw : decodeStringEscapes(raw, i), i, j + 1);
      i = j + 1;
      continue;
    }
    if (/\d/.test(ch)) {
      const afterDot = tokens.at(-1)?.value === '.' && tokens.at(-1)?.type === 'op';
      FLOAT.lastIndex = i;
      const f = afterDot ? null : FLOAT.exec(src);
      INT.lastIndex = i;
      const m = f ?? INT.exec(src);
      if (!m) throw new ExprSyntaxError(`invalid number literal`, i);
      push('number', m[0], i, i + m[0].length, numberValue(m[0]));
      i += m[0].length;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(src);
    if (name) {
      push('name', name[0], i, i + name[0].length);
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprSyntaxError(`unexpected character '${ch}'`, i);
    if (op === '(' || op === '[' || op === '{') stack.push(op);
    else if (op === ')' || op === ']' || op === '}') {
      const open = stack.pop();
      const want = op === ')' ? '(' : op === ']' ? '[' : '{';
      if (open !== want) throw new ExprSyntaxError(`unexpected '${op}'`, i);
    }
    push('op', op, i, i + op.length);
    i += op.length;
  }
}
