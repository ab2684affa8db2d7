// Data filters: JSON/YAML conversion, dict2items/items2dict, combine, flatten, zip, set
// operations, subelements, extract, product/combinations/permutations.
import { ExprRuntimeError } from './errors.js';
import { bindArgs } from './args.js';
import { registerFilter } from './registry.js';
import type { FilterFn } from './registry.js';
import { dictGet, isMapping, isTruthy, pyTypeName, toPyRepr, toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import { pyEquals } from './python-ops.js';
import { getItem, pyIter } from './access.js';
import { PyMembers, uniqueItems } from './filters-lists.js';
import { jsonDumps, jsonLoads } from './json.js';
import { yamlDump } from './yaml-dump.js';
import { checkLength } from './budget.js';

type Dict = Record<string, unknown>;

const MAX_INDENT = 10_000;

// An indent argument within reason: each level repeats it, so a huge one builds a huge string.
function indentArg(indent: unknown, dflt: number | null): number | string | null {
  const v = indent ?? dflt;
  if (typeof v === 'number' && v > MAX_INDENT) checkLength(Infinity, 'string');
  if (typeof v === 'string' && v.length > MAX_INDENT) checkLength(Infinity, 'string');
  return v as number | string | null;
}

registerFilter('to_json', (v, a, k) => {
  const [indent, sortKeys, ensureAscii] = bindArgs('to_json', a, k, ['indent?', 'sort_keys?', 'ensure_ascii?']);
  return jsonDumps(v, { indent: indentArg(indent, null), sortKeys: isTruthy(sortKeys ?? false), ensureAscii: isTruthy(ensureAscii ?? true) });
});
registerFilter('to_nice_json', (v, a, k) => {
  const [indent, sortKeys, ensureAscii] = bindArgs('to_nice_json', a, k, ['indent?', 'sort_keys?', 'ensure_ascii?']);
  return jsonDumps(v, { indent: indentArg(indent, 4), sortKeys: isTruthy(sortKeys ?? true), ensureAscii: isTruthy(ensureAscii ?? true), separators: [',', ': '] });
});
registerFilter('from_json', (v) => jsonLoads(toPyStr(v)));
registerFilter('to_yaml', (v, a, k) => {
  const [indent, dfs] = bindArgs('to_yaml', a, k, ['indent?', 'default_flow_style?']);
  return yamlDump(v, { indent: Number(indentArg(indent, 2)), flow: dfs === undefined || dfs === null ? null : isTruthy(dfs) });
});
registerFilter('to_nice_yaml', (v, a, k) => {
  const [indent] = bindArgs('to_nice_yaml', a, k, ['indent?']);
  return yamlDump(v, { indent: Number(indentArg(indent, 4)), flow: false });
});

registerFilter('dict2items', (v, a, k) => {
  const [kn, vn] = bindArgs('dict2items', a, k, ['key_name?', 'value_name?']);
  if (!isMapping(v)) throw new ExprRuntimeError(`dict2items requires a dictionary, got <class '${pyTypeName(v)}'> instead.`);
  return Object.keys(v).map((key) => ({ [toPyStr(kn ?? 'key')]: key, [toPyStr(vn ?? 'value')]: v[key] }));
});
registerFilter('items2dict', (v, a, k) => {
  const [kn, vn] = bindArgs('items2dict', a, k, ['key_name?', 'value_name?']);
  if (!Array.isArray(v)) throw new ExprRuntimeError(`items2dict requires a list, got <class '${pyTypeName(v)}'> instead.`);
  const keyName = toPyStr(kn ?? 'key');
  const valueName = toPyStr(vn ?? 'value');
  const out: Dict = {};
  for (const item of v) {
    if (!isMapping(item)) throw new ExprRuntimeError(`items2dict requires a list of dictionaries, got ${toPyRepr(v)} instead.`);
    const key = dictGet(item, keyName);
    const value = dictGet(item, valueName);
    if (key === undefined || value === undefined) {
      throw new ExprRuntimeError(`items2dict requires each dictionary in the list to contain the keys '${keyName}' and '${valueName}', got ${toPyRepr(v)} instead.`);
    }
    out[toPyStr(key)] = value;
  }
  return out;
});

// Ansible's merge_hash(x, y): y's keys win; recursive dict merge and list_merge modes.
export function mergeHash(x: Dict, y: Dict, recursive: boolean, listMerge: string): Dict {
  if (!['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'].includes(listMerge)) {
    throw new ExprRuntimeError("merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'");
  }
  const out: Dict = { ...x };
  for (const key of Object.keys(y)) {
    const yv = y[key];
    if (!Object.hasOwn(out, key)) {
      out[key] = yv;
      continue;
    }
    const xv = out[key];
    if (isMapping(xv) && isMapping(yv)) out[key] = recursive ? mergeHash(xv, yv, recursive, listMerge) : yv;
    else if (Array.isArray(xv) && Array.isArray(yv)) {
      const rp = (): unknown[] => xv.filter((z) => !yv.some((w) => pyEquals(z, w)));
      const modes: Record<string, () => unknown[]> = {
        replace: () => yv, keep: () => xv, append: () => [...xv, ...yv], prepend: () => [...yv, ...xv],
        append_rp: () => [...rp(), ...yv], prepend_rp: () => [...yv, ...rp()],
      };
      out[key] = (modes[listMerge] as () => unknown[])();
    } else out[key] = yv;
  }
  return out;
}

// Ansible's flatten(levels=None, skip_nulls=True).
export function flattenList(items: unknown[], levels: number | null, skipNulls = true): unknown[] {
  const out: unknown[] = [];
  for (const x of items) {
    if (skipNulls && (x === null || x === 'None' || x === 'null')) continue;
    if (Array.isArray(x) && (levels === null || levels >= 1)) out.push(...flattenList(x, levels === null ? null : levels - 1, skipNulls));
    else out.push(x);
  }
  return out;
}

registerFilter('combine', (v, a, k) => {
  const { recursive = false, list_merge: listMerge = 'replace', ...rest } = k;
  if (Object.keys(rest).length > 0) throw new ExprRuntimeError("'recursive' and 'list_merge' are the only valid keyword arguments");
  const dicts = flattenList([v, ...a], 1);
  for (const d of dicts) {
    if (!isMapping(d)) throw new ExprRuntimeError(`failed to combine variables, expected dicts but got a '${pyTypeName(d)}'`);
  }
  if (dicts.length === 0) return {};
  let result = dicts.at(-1) as Dict;
  for (let i = dicts.length - 2; i >= 0; i--) result = mergeHash(dicts[i] as Dict, result, isTruthy(recursive), toPyStr(listMerge));
  return result;
});
registerFilter('flatten', (v, a, k) => {
  const [levels, skipNulls] = bindArgs('flatten', a, k, ['levels?', 'skip_nulls?']);
  return flattenList(pyIter(v), levels === undefined || levels === null ? null : Number(levels), isTruthy(skipNulls ?? true));
});

function zipLists(lists: unknown[][], longest: boolean, fill: unknown): unknown[] {
  const lens = lists.map((l) => l.length);
  const len = lens.length === 0 ? 0 : longest ? Math.max(...lens) : Math.min(...lens);
  return Array.from({ length: len }, (_, i) => makeTuple(lists.map((l) => (i < l.length ? l[i] : fill))));
}
registerFilter('zip', (v, a) => zipLists([v, ...a].map(pyIter), false, null));
registerFilter('zip_longest', (v, a, k) => zipLists([v, ...a].map(pyIter), true, k.fillvalue ?? null));

function setOp(op: (a: unknown[], b: unknown[]) => unknown[]): FilterFn {
  return (v, a, k) => {
    const [other] = bindArgs('set_op', a, k, ['b']);
    return op(pyIter(v), pyIter(other));
  };
}
registerFilter('union', setOp((a, b) => uniqueItems([...a, ...b], true)));
registerFilter('intersect', setOp((a, b) => {
  const inB = new PyMembers(b);
  return uniqueItems(a.filter((x) => inB.has(x)), true);
}));
registerFilter('difference', setOp((a, b) => {
  const inB = new PyMembers(b);
  return uniqueItems(a.filter((x) => !inB.has(x)), true);
}));
registerFilter('symmetric_difference', setOp((a, b) => {
  const inB = new PyMembers(b);
  const both = new PyMembers(uniqueItems(a.filter((x) => inB.has(x)), true));
  return uniqueItems([...a, ...b], true).filter((x) => !both.has(x));
}));

registerFilter('subelements', (v, a, k) => {
  const [sub, skipMissing] = bindArgs('subelements', a, k, ['subelements', 'skip_missing?']);
  const elements = isMapping(v) ? Object.values(v) : Array.isArray(v) ? v : null;
  if (!elements) throw new ExprRuntimeError('obj must be a list of dicts or a nested dict');
  const path = Array.isArray(sub) ? sub : typeof sub === 'string' ? sub.split('.') : null;
  if (!path) throw new ExprRuntimeError('subelements must be a list or a string');
  const out: unknown[] = [];
  for (const el of elements) {
    let values: unknown = el;
    for (const key of path) {
      if (!isMapping(values)) throw new ExprRuntimeError(`the key ${toPyStr(key)} should point to a dictionary, got '${toPyStr(values)}'`);
      const next = dictGet(values, toPyStr(key));
      if (next === undefined) {
        if (isTruthy(skipMissing ?? false)) {
          values = [];
          break;
        }
        throw new ExprRuntimeError(`could not find ${toPyRepr(key)} key in iterated item ${toPyRepr(values)}`);
      }
      values = next;
    }
    if (!Array.isArray(values)) throw new ExprRuntimeError(`the key ${toPyRepr(sub)} should point to a list, got ${toPyRepr(values)}`);
    for (const x of values) out.push(makeTuple([el, x]));
  }
  return out;
});
registerFilter('extract', (v, a, k) => {
  const [container, morekeys] = bindArgs('extract', a, k, ['container', 'morekeys?']);
  const keys = morekeys === undefined || morekeys === null ? [v] : Array.isArray(morekeys) ? [v, ...morekeys] : [v, morekeys];
  return keys.reduce((acc, key) => getItem(acc, key), container);
});

function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((p) => l.map((x) => [...p, x])), [[]]);
}

// How many results a combinatorial filter would make (capped just past the list limit), so an
// absurd one is refused before it is built: 16 items have 2e13 permutations.
function resultCount(factors: number[]): number {
  let n = 1;
  for (const f of factors) {
    n *= f;
    if (n === 0 || n > Number.MAX_SAFE_INTEGER) break;
  }
  return n;
}

registerFilter('product', (v, a, k) => {
  const repeat = Number(k.repeat ?? 1);
  const lists = [v, ...a].map(pyIter);
  if (!Number.isInteger(repeat) || repeat < 0) throw new ExprRuntimeError('repeat argument cannot be negative');
  checkLength(repeat * lists.length, 'list');
  checkLength(resultCount(lists.map((l) => l.length ** repeat)), 'list');
  const all = Array.from({ length: repeat }, () => lists).flat();
  return product(all).map(makeTuple);
});
function combos(items: unknown[], r: number, perm: boolean): unknown[][] {
  if (r === 0) return [[]];
  return items.flatMap((x, i) => {
    const rest = perm ? [...items.slice(0, i), ...items.slice(i + 1)] : items.slice(i + 1);
    return combos(rest, r - 1, perm).map((c) => [x, ...c]);
  });
}
// The r-length combinations or permutations of items, counted first (Python's ValueError for r < 0).
function combinatorial(items: unknown[], rArg: unknown, perm: boolean): unknown[][] {
  const r = Number(rArg);
  if (!Number.isInteger(r)) throw new ExprRuntimeError(`'${typeof rArg}' object cannot be interpreted as an integer`);
  if (r < 0) throw new ExprRuntimeError('r must be non-negative');
  const n = items.length;
  if (r > n) return [];
  const k = perm ? r : Math.min(r, n - r);
  checkLength(resultCount(Array.from({ length: k }, (_, i) => (perm ? n - i : (n - i) / (i + 1)))), 'list');
  return combos(items, r, perm);
}
registerFilter('combinations', (v, a, k) => {
  const [r] = bindArgs('combinations', a, k, ['r']);
  return combinatorial(pyIter(v), r, false).map(makeTuple);
});
registerFilter('permutations', (v, a, k) => {
  const [r] = bindArgs('permutations', a, k, ['r?']);
  const items = pyIter(v);
  return combinatorial(items, r === undefined || r === null ? items.length : r, true).map(makeTuple);
});
