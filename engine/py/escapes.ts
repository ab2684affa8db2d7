// Python backslash escapes: in str literals (and the unicode-escape codec Jinja's lexer uses),
// in bytes literals, and the subset ansible's parse_kv decodes (its _decode_escapes).

/**
 * `str`: \n \t \\ \' \" \a \b \f \v \r, \<newline>, octal, \xHH, \uHHHH, \UHHHHHHHH;
 * `bytes`: the same without \u \U \N, octal masked to a byte;
 * `kv`: only \UHHHHHHHH \uHHHH \xHH and \\ \' \" \a \b \f \n \r \t \v (no octal, no \<newline>).
 */
export type EscapeDialect = 'str' | 'bytes' | 'kv';

/** an escape Python rejects: truncated \x/\u/\U, \N{name} (not supported here), out of range */
export class PyEscapeError extends Error {}

const SIMPLE: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

const PATTERNS: Record<EscapeDialect, RegExp> = {
  str: /\\(x[\da-fA-F]{2}|u[\da-fA-F]{4}|U[\da-fA-F]{8}|[0-7]{1,3}|[\s\S])/g,
  bytes: /\\(x[\da-fA-F]{2}|[0-7]{1,3}|[\s\S])/g,
  kv: /\\(U[\da-fA-F]{8}|u[\da-fA-F]{4}|x[\da-fA-F]{2}|[\\'"abfnrtv])/g,
};

// Decodes the escapes of `body` (the text between a literal's quotes); unknown ones such as \q
// are kept as written, as Python does. Throws PyEscapeError where Python raises.
export function decodeEscapes(body: string, dialect: EscapeDialect = 'str'): string {
  if (!body.includes('\\')) return body;
  return body.replace(PATTERNS[dialect], (whole, e: string) => {
    const simple = SIMPLE[e];
    if (simple !== undefined) return simple;
    if (/^[0-7]/.test(e)) {
      const code = parseInt(e, 8);
      return String.fromCodePoint(dialect === 'bytes' ? code & 0xff : code);
    }
    if (e.length > 1) {
      const code = parseInt(e.slice(1), 16);
      if (code > 0x10ffff) throw new PyEscapeError('illegal Unicode character');
      return String.fromCodePoint(code);
    }
    if (e === 'x' || (dialect === 'str' && (e === 'u' || e === 'U' || e === 'N'))) {
      throw new PyEscapeError(`unsupported or truncated \\${e} escape`);
    }
    return whole;
  });
}
