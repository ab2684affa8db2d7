// Backslash escapes: str and bytes literals and ansible's parse_kv subset, checked with python3
// (ast.literal_eval of the quoted body; ansible's _decode_escapes regex for `kv`).
import { describe, expect, it } from 'vitest';
import { decodeEscapes, PyEscapeError } from '../../engine/py/escapes.js';

describe('decodeEscapes', () => {
  it.each([
    ['str', 'a\\nb\\tc', 'a\nb\tc'],
    ['str', '\\x41\\u00e9\\U0001F600', 'Aé😀'],
    ['str', '\\101\\7\\777', 'A\x07ǿ'],
    ['str', '\\q\\%', '\\q\\%'],
    ['str', 'a\\\nb', 'ab'],
    ['str', '\\\'\\"\\\\', '\'"\\'],
    ['str', '\\a\\b\\f\\v\\r', '\x07\b\f\v\r'],
    ['bytes', '\\x41\\u00e9', 'A\\u00e9'],
    ['bytes', '\\101\\777', 'A\xff'],
    ['bytes', '\\q', '\\q'],
    ['kv', 'a\\nb\\x41\\101\\q', 'a\nbA\\101\\q'],
    ['kv', 'a\\\nb', 'a\\\nb'],
    ['kv', '\\u00e9\\t', 'é\t'],
  ] as const)('%s %j', (dialect, body, want) => {
    expect(decodeEscapes(body, dialect)).toBe(want);
  });

  it.each(['\\x4', '\\u12', '\\N{DASH}', '\\U00110000'])('rejects %j like Python', (body) => {
    expect(() => decodeEscapes(body)).toThrow(PyEscapeError);
  });
});
