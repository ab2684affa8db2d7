// Python's pprint.pformat(value) (width 80, indent 1, dicts sorted) for Jinja's pprint filter.
import { isMapping, toPyRepr } from './python-values.js';
import { isTuple } from '../py/tuple.js';
import { reprString } from '../py/repr.js';
import { splitLines } from './str-methods.js';

const WIDTH = 80;
const plen = (s: string): number => [...s].length;
const sortedKeys = (d: Record<string, unknown>): string[] => Object.keys(d).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

// repr() with dict keys sorted (PrettyPrinter._safe_repr).
function safeRepr(v: unknown): string {
  if (Array.isArray(v)) {
    const items = v.map(safeRepr);
    if (!isTuple(v)) return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (isMapping(v)) return `{${sortedKeys(v).map((k) => `${reprString(k)}: ${safeRepr(v[k])}`).join(', ')}}`;
  return toPyRepr(v);
}

class Printer {
  out = '';

  format(v: unknown, indent: number, allowance: number, level: number): void {
    const rep = safeRepr(v);
    if (plen(rep) > WIDTH - indent - allowance) {
      if (isMapping(v) && Object.keys(v).length > 0) return this.dict(v, indent, allowance, level + 1);
      if (Array.isArray(v) && v.length > 0) {
        const [open, close] = isTuple(v) ? ['(', v.length === 1 ? ',)' : ')'] : ['[', ']'];
        this.out += open;
        this.items(v, indent, allowance + close.length, level + 1);
        this.out += close;
        return;
      }
      if (typeof v === 'string' && v !== '') return this.str(v, indent, allowance, level + 1);
    }
    this.out += rep;
  }

  dict(d: Record<string, unknown>, indent: number, allowance: number, level: number): void {
    this.out += '{';
    const keys = sortedKeys(d);
    const ind = indent + 1;
    keys.forEach((k, i) => {
      const last = i === keys.length - 1;
      const rep = reprString(k);
      this.out += `${rep}: `;
      this.format(d[k], ind + plen(rep) + 2, last ? allowance + 1 : 1, level);
      if (!last) this.out += `,\n${' '.repeat(ind)}`;
    });
    this.out += '}';
  }

  items(list: unknown[], indent: number, allowance: number, level: number): void {
    const ind = indent + 1;
    list.forEach((x, i) => {
      if (i > 0) this.out += `,\n${' '.repeat(ind)}`;
      this.format(x, ind, i === list.length - 1 ? allowance : 1, level);
    });
  }

  // PrettyPrinter._pprint_str: long strings split into adjacent literals at whitespace.
  str(s: string, indent: number, allowance: number, level: number): void {
    const lines = splitLines(s, true);
    const [ind, allow] = level === 1 ? [indent + 1, allowance + 1] : [indent, allowance];
    const chunks: string[] = [];
    let maxWidth1 = WIDTH - ind;
    lines.forEach((line, i) => {
      const rep = reprString(line);
      if (i === lines.length - 1) maxWidth1 -= allow;
      if (plen(rep) <= maxWidth1) return void chunks.push(rep);
      const parts = (line.match(/\S*\s*/g) ?? []).slice(0, -1);
      let maxWidth2 = WIDTH - ind;
      let current = '';
      parts.forEach((part, j) => {
        const candidate = current + part;
        if (j === parts.length - 1 && i === lines.length - 1) maxWidth2 -= allow;
        if (plen(reprString(candidate)) > maxWidth2) {
          if (current) chunks.push(reprString(current));
          current = part;
        } else current = candidate;
      });
      if (current) chunks.push(reprString(current));
    });
    if (chunks.length === 1) {
      this.out += reprString(s);
      return;
    }
    const body = chunks.join(`\n${' '.repeat(ind)}`);
    this.out += level === 1 ? `(${body})` : body;
  }
}

// pprint.pformat(v).
export function pformat(v: unknown): string {
  const p = new Printer();
  p.format(v, 0, 0, 0);
  return p.out;
}
