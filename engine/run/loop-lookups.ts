// The lookups behind with_sequence, with_subelements, with_dict, with_indexed_items and
// with_together, as ansible-core's plugins build their items and word their errors (LoopError:
// a with_* loop shows the message as it is; lookup() wraps it like any lookup failure).
import { isUndefined, printf, toPyStr } from '../expr/index.js';
import type { Vars } from '../load/model.js';
import { parseKv } from '../load/kv.js';
import { LIMITS, limit } from '../shared/limits.js';
import { isAnsibleTrue } from '../shared/coerce.js';

export class LoopError extends Error {}

const isMap = (v: unknown): v is Vars => !!v && typeof v === 'object' && !Array.isArray(v);

// listify_lookup_plugin_terms: a string or a scalar becomes a one-item list; lists and mappings stay.
export function listify(v: unknown): unknown {
  return Array.isArray(v) || isMap(v) ? v : [v];
}

// LookupBase._flatten: one level of lists opened.
const flatOne = (v: unknown[]) => v.flatMap((x) => (Array.isArray(x) ? x : [x]));


// with_dict: every mapping among the terms as {key, value} items.
export function dictItems(terms: unknown): unknown[] {
  return (Array.isArray(terms) ? terms : [terms]).flatMap((t) => {
    if (!isMap(t)) throw new LoopError('with_dict expects a dict');
    return Object.keys(t).map((key) => ({ key, value: t[key] }));
  });
}

// with_indexed_items: [index, item] pairs of the (one level flattened) list.
export function indexedItems(terms: unknown): unknown[][] {
  if (!Array.isArray(terms)) throw new LoopError('with_indexed_items expects a list');
  return flatOne(terms).map((x, i) => [i, x]);
}

// with_together: the lists zipped, the shorter ones padded with None.
export function togetherItems(terms: unknown[]): unknown[][] {
  if (terms.length === 0) throw new LoopError('with_together requires at least one element in each list');
  const lists = terms.map((t) => listify(t)).map((l) => (Array.isArray(l) ? l : Object.keys(l as Vars)));
  const n = Math.max(0, ...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => flatOne(lists.map((l) => (i < l.length ? l[i] : null))));
}

const FLAGS = ['skip_missing'];

// with_subelements: [element, subitem] for each subitem of the list at the (dotted) subkey of each
// element; the element is shown without that list, as ansible-core pops it.
export function subelementsItems(terms: unknown[]): unknown[][] {
  const bad = (msg = '') => new LoopError(`subelements lookup expects a list of two or three items, ${msg}`);
  if (terms.length < 2 || terms.length > 3) throw bad();
  const data = listify(terms[0]);
  if (typeof terms[1] !== 'string') throw bad('first a dict or a list, second a string pointing to the subkey');
  const keys = terms[1].split('.');
  const flags = terms.length === 3 ? terms[2] : {};
  if (!isMap(flags) && !(Array.isArray(flags) && flags.every((k) => typeof k === 'string' && FLAGS.includes(k)))) throw bad(`the optional third item must be a dict with flags ${toPyStr(FLAGS)}`);
  if (isMap(data) && data['skipped'] !== undefined && data['skipped'] !== false) return [];
  const elements = isMap(data) ? Object.values(data) : (data as unknown[]);
  const skipMissing = isMap(flags) && isAnsibleTrue(flags['skip_missing']);
  const out: unknown[][] = [];
  for (const original of elements) {
    if (!isMap(original)) throw new LoopError(`subelements lookup expects a dictionary, got '${toPyStr(original)}'`);
    if (original['skipped'] !== undefined && original['skipped'] !== false) continue;
    // the dicts along the path are copied, so the variable itself keeps its list
    const element: Vars = { ...original };
    let at: Vars = element;
    let list: unknown[] = [];
    for (const [i, key] of keys.entries()) {
      if (!(key in at) || isUndefined(at[key])) {
        if (skipMissing) continue;
        throw new LoopError(`could not find '${key}' key in iterated item '${toPyStr(at)}'`);
      }
      const v = at[key];
      if (i < keys.length - 1) {
        if (isMap(v)) at = at[key] = { ...v };
        else if (!skipMissing) throw new LoopError(`the key ${key} should point to a dictionary, got '${toPyStr(v)}'`);
        continue;
      }
      if (!Array.isArray(v)) throw new LoopError(`the key ${key} should point to a list, got '${toPyStr(v)}'`);
      list = v;
      delete at[key];
    }
    for (const sub of list) out.push([element, sub]);
  }
  return out;
}
// with_sequence / lookup('sequence'): `start= end= count= stride= format=`, or the shortcut
// `[start-]end[/stride][:format]`; numbers as Python's int(x, 0) reads them, items formatted with
// Python's `%`, and ansible-core's messages for arguments it refuses.
export function sequenceItems(terms: string[]): unknown[] {
  return sequence(terms);
}

const NUM = '(0?x?[0-9a-f]+)';
const SHORTCUT = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:(.+))?$`, 'is');

// Python's int(text, 0): a sign, then 0x/0o/0b digits or a decimal without leading zeros.
function pyInt(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|0(_?0)*|[1-9](_?\d)*)$/.test(t)) return undefined;
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '').replace(/_/g, '');
  const n = /^0[xob]/i.test(body) ? Number(body.toLowerCase()) : Number(body);
  return neg ? -n : n;
}

interface SeqArgs {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

function seqArgs(term: string): SeqArgs {
  const a: SeqArgs = { start: 1, stride: 1, format: '%d' };
  const m = SHORTCUT.exec(term);
  if (m) {
    const num = (name: 'start' | 'end' | 'stride', raw: string | undefined) => {
      if (raw === undefined) return;
      const n = pyInt(raw);
      if (n === undefined) throw new LoopError(`can't parse ${name}=${raw} as integer`);
      a[name] = n;
    };
    num('start', m[2]);
    num('end', m[3]);
    num('stride', m[5]);
    if (m[7] !== undefined) a.format = m[7];
    return a;
  }
  const kv: Record<string, string> = { ...parseKv(term) };
  for (const name of ['start', 'end', 'count', 'stride'] as const) {
    const raw = kv[name];
    delete kv[name];
    if (raw === undefined || raw === null) continue;
    const n = pyInt(String(raw));
    if (n === undefined) throw new LoopError(`can't parse ${name}=${String(raw)} as integer`);
    a[name] = n;
  }
  if (kv['format'] !== undefined) a.format = String(kv['format']);
  delete kv['format'];
  const left = Object.keys(kv);
  if (left.length) throw new LoopError(`unrecognized arguments to with_sequence: [${left.map((k) => `'${k}'`).join(', ')}]`);
  return a;
}

function sequence(terms: string[]): unknown[] {
  const out: string[] = [];
  for (const term of terms) {
    const a = seqArgs(term);
    if (a.count === undefined && a.end === undefined) throw new LoopError('must specify count or end in with_sequence');
    if (a.count !== undefined && a.end !== undefined) throw new LoopError("can't specify both count and end in with_sequence");
    let { start, stride } = a;
    let end = a.end ?? 0;
    if (a.count !== undefined) {
      if (a.count !== 0) end = start + a.count * stride - 1;
      else start = end = stride = 0;
    }
    if (stride > 0 && end < start) throw new LoopError('to count backwards make stride negative');
    if (stride < 0 && end > start) throw new LoopError("to count forward don't make stride negative");
    if ((a.format.match(/%/g) ?? []).length !== 1) throw new LoopError(`bad formatting string: ${a.format}`);
    if (stride === 0) continue;
    const last = end + (stride > 0 ? 1 : -1);
    for (let i = start; stride > 0 ? i < last : i > last; i += stride) {
      try {
        out.push(printf(a.format, i));
      } catch {
        throw new LoopError(`problem formatting ${i} with '${a.format}'`);
      }
      if (out.length > limit('listItems')) throw new LoopError(`with_sequence would make more than the limit of ${limit('listItems')} items (raise it with ${LIMITS.listItems.env}=N)`);
    }
  }
  return out;
}

