// The body of one Python string literal (after its opening quote): escapes as in Python 3.11,
// raw strings, and the ASCII-only rule of bytes literals.
import { decodeEscapes, PyEscapeError } from '../py/escapes.js';

// Reads from `i` up to the closing `quote`; undefined when the literal is invalid or unclosed.
export function readPyStringBody(s: string, i: number, quote: string, raw: boolean, bytes: boolean): { value: string; end: number } | undefined {
  const start = i;
  while (i < s.length && !s.startsWith(quote, i)) {
    const c = s[i] as string;
    if ((c === '\n' && quote.length === 1) || (bytes && c.charCodeAt(0) > 127)) return undefined;
    i += c === '\\' ? 2 : 1;
  }
  if (i >= s.length) return undefined;
  const body = s.slice(start, i);
  try {
    return { value: raw ? body : decodeEscapes(body, bytes ? 'bytes' : 'str'), end: i + quote.length };
  } catch (e) {
    if (e instanceof PyEscapeError) return undefined;
    throw e;
  }
}
