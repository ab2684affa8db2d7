// Python's ast.literal_eval for the text of a rendered template (with Ansible's Json2Python:
// true/false/null are accepted too). Tuples and sets become arrays, dict keys strings.
import { ExprSyntaxError } from './errors.js';
import { decodeEscapes, PyEscapeError } from '../py/escapes.js';
import { toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import { PyFloat, pyFloat } from '../py/float.js';

class Fail extends Error {}

const TOKEN = /\s*(?:#[^\n]*\s*)*(?:([rRuU]?)("""|'''|"|')|(0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d[\d_]*)?\.?)|([A-Za-z_]\w*)|([-+[\]{}(),:])|$)/y;

class LiteralParser {
  pos = 0;
  constructor(readonly src: string) {}

  token(): { kind: 'str' | 'num' | 'name' | 'op' | 'eof'; value: string; prefix: string } {
    TOKEN.lastIndex = this.pos;
    const m = TOKEN.exec(this.src);
    if (!m) throw new Fail();
    const [all, prefix = '', quote, num, name, op] = m;
    if (quote) {
      const start = this.pos + all.length;
      let j = start;
      const raw = prefix.toLowerCase() === 'r';
      while (j < this.src.length && !this.src.startsWith(quote, j)) {
        if (quote.length === 1 && this.src[j] === '\n') throw new Fail();
        j += this.src[j] === '\\' ? 2 : 1;
      }
      if (j >= this.src.length) throw new Fail();
      this.pos = j + quote.length;
      const body = this.src.slice(start, j);
      return { kind: 'str', value: raw ? body : decodeEscapes(body), prefix };
    }
    this.pos += all.length;
    if (num !== undefined) return { kind: 'num', value: num, prefix };
    if (name !== undefined) return { kind: 'name', value: name, prefix };
    if (op !== undefined) return { kind: 'op', value: op, prefix };
    return { kind: 'eof', value: '', prefix };
  }
  peekOp(v: string): boolean {
    const save = this.pos;
    const t = this.token();
    this.pos = save;
    return t.kind === 'op' && t.value === v;
  }
  expect(v: string): void {
    const t = this.token();
    if (t.kind !== 'op' || t.value !== v) throw new Fail();
  }

  value(): unknown {
    const t = this.token();
    switch (t.kind) {
      case 'str': {
        let s = t.value;
        for (;;) {
          const save = this.pos;
          const n = this.token();
          if (n.kind !== 'str') {
            this.pos = save;
            return s;
          }
          s += n.value;
        }
      }
      case 'num':
        return parseNumber(t.value);
      case 'name': {
        const names: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, null: null };
        if (!Object.hasOwn(names, t.value)) throw new Fail();
        return names[t.value];
      }
      case 'op':
        return this.compound(t.value);
      default:
        throw new Fail();
    }
  }
  compound(op: string): unknown {
    if (op === '-' || op === '+') {
      const v = this.value();
      if (v instanceof PyFloat) return op === '-' ? new PyFloat(-v.value) : v;
      if (typeof v !== 'number') throw new Fail();
      return op === '-' ? -v : v;
    }
    if (op === '[') return this.items(']');
    if (op === '(') {
      const items = this.items(')', true);
      return items;
    }
    if (op !== '{') throw new Fail();
    if (this.peekOp('}')) {
      this.token();
      return {};
    }
    const first = this.value();
    if (!this.peekOp(':')) {
      const rest = this.peekOp(',') ? (this.token(), this.items('}')) : (this.expect('}'), []);
      return [first, ...rest];
    }
    const out: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      this.expect(':');
      if (Array.isArray(key) || (typeof key === 'object' && key !== null && !(key instanceof PyFloat))) throw new Fail();
      out[toPyStr(key)] = this.value();
      const t = this.token();
      if (t.kind === 'op' && t.value === '}') return out;
      if (t.kind !== 'op' || t.value !== ',') throw new Fail();
      if (this.peekOp('}')) {
        this.token();
        return out;
      }
      key = this.value();
    }
  }
  items(close: string, tuple = false): unknown[] {
    const out: unknown[] = [];
    let sawComma = false;
    for (;;) {
      if (this.peekOp(close)) {
        this.token();
        break;
      }
      out.push(this.value());
      const t = this.token();
      if (t.kind === 'op' && t.value === close) break;
      if (t.kind !== 'op' || t.value !== ',') throw new Fail();
      sawComma = true;
    }
    if (tuple && out.length === 1 && !sawComma) return out[0] as unknown[];
    return tuple ? makeTuple(out) : out;
  }
}

function parseNumber(text: string): number | PyFloat {
  if (/__|_$|^_|_\.|\._/.test(text) || text.endsWith('.') && text.includes('e')) throw new Fail();
  const t = text.replace(/_/g, '');
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  if (/^0\d/.test(t) && !/[.eE]/.test(t) && !/^0+$/.test(t)) throw new Fail();
  const n = Number(t);
  if (Number.isNaN(n)) throw new Fail();
  return /[.eE]/.test(t) ? pyFloat(n) : n;
}

// Parses text as a Python literal; { ok: false } when it is not one.
export function literalEval(text: string): { ok: true; value: unknown } | { ok: false } {
  const p = new LiteralParser(text);
  try {
    const value = p.value();
    if (p.token().kind !== 'eof') return { ok: false };
    return { ok: true, value };
  } catch (e) {
    if (e instanceof Fail || e instanceof ExprSyntaxError || e instanceof PyEscapeError) return { ok: false };
    throw e;
  }
}
