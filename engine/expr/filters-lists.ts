// Sequence filters: first/last, min/max/sum, sort/unique/reverse, join, map/select/reject,
// selectattr/rejectattr, batch/slice, groupby, dictsort.
import { ExprRuntimeError } from './errors.js';
import { Undefined } from './undefined.js';
import { bindArgs } from './args.js';
import { applyFilter, applyTest, registerFilter } from './registry.js';
import type { FilterFn } from './registry.js';
import { isMapping, isTruthy, pyTypeName, toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import { pyAdd, pyCompare, pyEquals } from './python-ops.js';
import { pyIter } from './access.js';
import { attrGetter, ignoreCase, multiAttrGetter, sortBy } from './filter-helpers.js';
import { checkLength } from './budget.js';
import { PyFloat } from '../py/float.js';

const seqOf = (v: unknown): unknown[] => pyIter(v);

function isHashable(v: unknown): boolean {
  return !Array.isArray(v) && !isMapping(v);
}

// A key that is the same for values Python's set treats as one member (== and hash agree:
// 1, 1.0 and True; strings; None); undefined for the rest, which are compared one by one.
function hashKey(v: unknown): string | undefined {
  if (v === null) return 'n';
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'boolean') return v ? 'd1' : 'd0';
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : `d${v}`;
  if (v instanceof PyFloat) return Number.isNaN(v.value) ? undefined : `d${v.value}`;
  return undefined;
}

// Membership with Python's == : hashed for plain values (linear time over a list), compared
// one by one for lists, dicts and objects.
export class PyMembers {
  private readonly keys = new Set<string>();
  private readonly others: unknown[] = [];
  constructor(items: unknown[] = []) {
    for (const x of items) this.add(x);
  }
  has(x: unknown): boolean {
    const k = hashKey(x);
    return k !== undefined ? this.keys.has(k) : this.others.some((y) => pyEquals(x, y));
  }
  add(x: unknown): void {
    const k = hashKey(x);
    if (k !== undefined) this.keys.add(k);
    else this.others.push(x);
  }
}

// Jinja's unique (case-insensitive by default); Ansible's ==-based fallback for dicts/lists.
export function uniqueItems(items: unknown[], caseSensitive: boolean, attribute?: unknown): unknown[] {
  const getter = attrGetter(attribute, { lower: !caseSensitive });
  const keys = items.map(getter);
  const out: unknown[] = [];
  const seen = new PyMembers();
  const hashable = keys.every(isHashable);
  items.forEach((x, i) => {
    const k = hashable ? keys[i] : x;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  });
  return out;
}

function minMax(name: string, sign: 1 | -1): FilterFn {
  return (v, a, k) => {
    const [cs, attribute] = bindArgs(name, a, k, ['case_sensitive?', 'attribute?']);
    const items = seqOf(v);
    if (items.length === 0) return new Undefined('No aggregated item, sequence was empty.');
    const key = attrGetter(attribute, { lower: !isTruthy(cs ?? false) });
    let best = items[0];
    let bestKey = key(best);
    for (const x of items.slice(1)) {
      const kx = key(x);
      if (sign * pyCompare(kx, bestKey, sign === 1 ? '<' : '>') < 0) {
        best = x;
        bestKey = kx;
      }
    }
    return best;
  };
}

registerFilter('first', (v) => {
  const items = typeof v === 'string' ? [...v] : seqOf(v);
  return items.length > 0 ? items[0] : new Undefined('No first item, sequence was empty.');
});
registerFilter('last', (v) => {
  if (isMapping(v)) throw new ExprRuntimeError("'dict' object is not reversible");
  const items = typeof v === 'string' ? [...v] : seqOf(v);
  return items.length > 0 ? items.at(-1) : new Undefined('No last item, sequence was empty.');
});
registerFilter('min', minMax('min', 1));
registerFilter('max', minMax('max', -1));
registerFilter('sum', (v, a, k) => {
  const [attribute, start] = bindArgs('sum', a, k, ['attribute?', 'start?']);
  const get = attrGetter(attribute);
  let total: unknown = start ?? 0;
  if (typeof total === 'string') throw new ExprRuntimeError("sum() can't sum strings [use ''.join(seq) instead]");
  for (const x of seqOf(v)) total = pyAdd(total, get(x));
  return total;
});
registerFilter('unique', (v, a, k) => {
  const [cs, attribute] = bindArgs('unique', a, k, ['case_sensitive?', 'attribute?']);
  return uniqueItems(seqOf(v), isTruthy(cs ?? false), attribute);
});
registerFilter('sort', (v, a, k) => {
  const [reverse, cs, attribute] = bindArgs('sort', a, k, ['reverse?', 'case_sensitive?', 'attribute?']);
  return sortBy(seqOf(v), multiAttrGetter(attribute, !isTruthy(cs ?? false)), isTruthy(reverse ?? false));
});
registerFilter('reverse', (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...seqOf(v)].reverse()));
registerFilter('join', (v, a, k) => {
  const [d, attribute] = bindArgs('join', a, k, ['d?', 'attribute?']);
  const get = attrGetter(attribute);
  return seqOf(v).map((x) => toPyStr(get(x))).join(d === undefined ? '' : toPyStr(d));
});
registerFilter('map', (v, a, k, ctx) => {
  if (Object.hasOwn(k, 'attribute')) {
    const { attribute, default: dflt, ...rest } = k;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw new ExprRuntimeError(`Unexpected keyword argument '${extra}'`);
    const get = attrGetter(attribute, { default: dflt });
    return seqOf(v).map(get);
  }
  const [name, ...args] = a;
  if (name === undefined) throw new ExprRuntimeError('map requires a filter argument');
  return seqOf(v).map((x) => applyFilter(toPyStr(name), x, args, k, ctx));
});

function selectOrReject(name: string, keep: boolean, lookupAttr: boolean): FilterFn {
  return (v, a, k, ctx) => {
    if (!isTruthy(v)) return [];
    const off = lookupAttr ? 1 : 0;
    if (lookupAttr && a.length === 0) throw new ExprRuntimeError('Missing parameter for attribute name');
    const get = lookupAttr ? attrGetter(a[0]) : (x: unknown) => x;
    const testName = a[off];
    const args = a.slice(off + 1);
    const test = (x: unknown): boolean =>
      testName === undefined ? isTruthy(x) : isTruthy(applyTest(toPyStr(testName), x, args, k, ctx));
    return seqOf(v).filter((x) => test(get(x)) === keep);
  };
}
registerFilter('select', selectOrReject('select', true, false));
registerFilter('reject', selectOrReject('reject', false, false));
registerFilter('selectattr', selectOrReject('selectattr', true, true));
registerFilter('rejectattr', selectOrReject('rejectattr', false, true));

registerFilter('batch', (v, a, k) => {
  const [count, fill] = bindArgs('batch', a, k, ['linecount', 'fill_with?']);
  const n = Number(count);
  if (fill !== undefined && fill !== null) checkLength(n, 'list');
  const out: unknown[][] = [];
  let cur: unknown[] = [];
  for (const x of seqOf(v)) {
    if (cur.length === n) {
      out.push(cur);
      cur = [];
    }
    cur.push(x);
  }
  if (cur.length > 0) {
    if (fill !== undefined && fill !== null) while (cur.length < n) cur.push(fill);
    out.push(cur);
  }
  return out;
});
registerFilter('slice', (v, a, k) => {
  const [slices, fill] = bindArgs('slice', a, k, ['slices', 'fill_with?']);
  const seq = seqOf(v);
  const n = Number(slices);
  checkLength(n, 'list');
  const per = Math.floor(seq.length / n);
  const extra = seq.length % n;
  const out: unknown[][] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const start = offset + i * per;
    if (i < extra) offset++;
    const tmp = seq.slice(start, offset + (i + 1) * per);
    if (fill !== undefined && fill !== null && i >= extra) tmp.push(fill);
    out.push(tmp);
  }
  return out;
});
registerFilter('groupby', (v, a, k) => {
  const [attribute, dflt, cs] = bindArgs('groupby', a, k, ['attribute', 'default?', 'case_sensitive?']);
  const lower = !isTruthy(cs ?? false);
  const get = attrGetter(attribute, { default: dflt });
  const sorted = sortBy(seqOf(v), (x) => (lower ? ignoreCase(get(x)) : get(x)));
  const groups: unknown[][] = [];
  let lastKey: unknown;
  for (const x of sorted) {
    const key = lower ? ignoreCase(get(x)) : get(x);
    const g = groups.at(-1);
    if (g && pyEquals(key, lastKey)) (g[1] as unknown[]).push(x);
    else groups.push(makeTuple([get(x), [x]]));
    lastKey = key;
  }
  return groups;
});
registerFilter('dictsort', (v, a, k) => {
  const [cs, by, reverse] = bindArgs('dictsort', a, k, ['case_sensitive?', 'by?', 'reverse?']);
  if (!isMapping(v)) throw new ExprRuntimeError(`'${pyTypeName(v)}' object has no attribute 'items'`);
  const pos = (by ?? 'key') === 'key' ? 0 : by === 'value' ? 1 : -1;
  if (pos < 0) throw new ExprRuntimeError('You can only sort by either "key" or "value"');
  const pairs = Object.keys(v).map((key) => makeTuple([key, v[key]]));
  const lower = !isTruthy(cs ?? false);
  return sortBy(pairs, (p) => (lower ? ignoreCase(p[pos]) : p[pos]), isTruthy(reverse ?? false));
});
