// ast.literal_eval against recorded Python 3, and the options its two callers use (INI values,
// Ansible's templating).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PyFloat, floatRepr } from '../../engine/py/float.js';
import { literalEval } from '../../engine/py/literal-eval.js';
import { formatNumber, reprString } from '../../engine/py/repr.js';
import { isTuple } from '../../engine/py/tuple.js';

interface Case {
  text: string;
  repr?: string;
  error?: string;
}

// Recorded by running Python's ast.literal_eval on each text (see `recorded_with` in the file).
const recorded = JSON.parse(readFileSync(new URL('./fixtures/literal-eval-cases.json', import.meta.url), 'utf8')) as { cases: Case[] };

// Known differences: \N{name} escapes and complex numbers are not supported.
const UNSUPPORTED = new Set(["'\\N{EM DASH}'", '1j']);

// Python's repr of a literal_eval result; `set` prints arrays as Python prints sets.
function pyRepr(v: unknown, set = false): string {
  if (typeof v === 'string') return reprString(v);
  if (typeof v === 'number') return formatNumber(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) {
    const items = v.map((x) => pyRepr(x));
    if (isTuple(v)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    if (set) return items.length === 0 ? 'set()' : `{${items.join(', ')}}`;
    return `[${items.join(', ')}]`;
  }
  return `{${Object.entries(v as object).map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
}

describe('literal_eval as Python 3 does it', () => {
  it.each(recorded.cases.filter((c) => !UNSUPPORTED.has(c.text)).map((c) => [JSON.stringify(c.text), c] as const))('%s', (_text, c) => {
    const r = literalEval(c.text);
    if (c.error !== undefined) {
      expect(r.ok).toBe(false);
      return;
    }
    expect(r.ok).toBe(true);
    const want = c.repr as string;
    const value = r.ok ? r.value : undefined;
    if (want.startsWith("b'")) expect(pyRepr(value)).toBe(want.slice(1));
    else expect(pyRepr(value, want.startsWith('{') || want === 'set()')).toBe(want);
  });

  it.each([...UNSUPPORTED])('%s is not supported', (text) => {
    expect(literalEval(text).ok).toBe(false);
  });
});

describe('literal_eval options', () => {
  it('json: true/false/null are names too (Ansible Json2Python)', () => {
    expect(literalEval('[true, false, null]')).toEqual({ ok: false });
    expect(literalEval('[true, false, null]', { json: true })).toEqual({ ok: true, value: [true, false, null] });
  });
  it('plainFloats: integral floats become JS numbers', () => {
    expect(literalEval('[2.0, -0.0, 1.5]')).toEqual({ ok: true, value: [new PyFloat(2), new PyFloat(-0), 1.5] });
    expect(literalEval('[2.0, (3.0,)]', { plainFloats: true })).toEqual({ ok: true, value: [2, [3]] });
  });
  it('dict keys: str() by default, json.dumps spelling with jsonKeys', () => {
    expect(literalEval('{None: 1, True: 2, 2.0: 3, 4: 5}')).toEqual({ ok: true, value: { None: 1, True: 2, '2.0': 3, 4: 5 } });
    expect(literalEval('{None: 1, False: 2}', { jsonKeys: true })).toEqual({ ok: true, value: { null: 1, false: 2 } });
  });
  it('keepIndent: a leading space is an unexpected indent, as for ast.parse', () => {
    // python3: ast.literal_eval(' [1]') == [1]; ast.parse(' [1]', mode='eval') raises IndentationError
    expect(literalEval(' [1]')).toEqual({ ok: true, value: [1] });
    expect(literalEval(' [1]', { keepIndent: true })).toEqual({ ok: false });
    expect(literalEval('[1]\n ', { keepIndent: true })).toEqual({ ok: false });
  });
  it('marks tuples', () => {
    const r = literalEval('(1, [2], ())');
    expect(r.ok && isTuple(r.value)).toBe(true);
  });
});
