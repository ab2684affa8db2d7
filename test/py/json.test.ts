// json.dumps spacing, escaping and numbers, checked with python3's json module.
import { describe, expect, it } from 'vitest';
import { PyFloat } from '../../engine/py/float.js';
import { jsonDumps } from '../../engine/py/json.js';

describe('jsonDumps', () => {
  it('writes like json.dumps(sort_keys=True)', () => {
    // python3: json.dumps({'b': [1, 2.0, 1e-07, float('nan'), float('inf')], 'a': 'é\x7f"\n\x01', 'c': {}}, sort_keys=True)
    const v = { b: [1, new PyFloat(2), 1e-7, NaN, Infinity], a: 'é\x7f"\n\x01', c: {} };
    expect(jsonDumps(v, { sortKeys: true })).toBe('{"a": "\\u00e9\\u007f\\"\\n\\u0001", "b": [1, 2.0, 1e-07, NaN, Infinity], "c": {}}');
  });
  it('indents like json.dumps(indent=2, ensure_ascii=False) and indent=0', () => {
    expect(jsonDumps({ b: [1, {}], a: 'é\x7f' }, { indent: 2, ensureAscii: false })).toBe('{\n  "b": [\n    1,\n    {}\n  ],\n  "a": "é\x7f"\n}');
    expect(jsonDumps([1, [2]], { indent: 0 })).toBe('[\n1,\n[\n2\n]\n]');
  });
  it('takes separators and escapes astral characters as surrogate pairs', () => {
    expect(jsonDumps({ a: 1, b: [1, 2] }, { separators: [',', ':'] })).toBe('{"a":1,"b":[1,2]}');
    expect(jsonDumps('😀')).toBe('"\\ud83d\\ude00"');
  });
  it('asks convert about objects that are not dicts', () => {
    class Stamp {
      iso = '2024-01-02';
    }
    const convert = (v: object): unknown => (v instanceof Stamp ? v.iso : v);
    expect(jsonDumps({ t: new Stamp(), d: { x: 1 } }, { convert })).toBe('{"t": "2024-01-02", "d": {"x": 1}}');
  });
});
