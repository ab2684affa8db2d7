// Loop items for `loop:` and the with_* lookups, and the loop variables of one item
// (loop_var, index_var, ansible_loop with loop_control.extended).
import { queryLookup } from './lookups.js';
import { dictItems, indexedItems, listify, LoopError, sequenceItems, subelementsItems, togetherItems } from './loop-lookups.js';

export { LoopError };
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { isUndefined, printf, templateValue, toPyStr, type Scope } from '../expr/index.js';
import type { LoopSpec, Vars } from '../load/model.js';
import { LIMITS, limit } from '../shared/limits.js';


function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  return [v];
}

function flatten(v: unknown[], depth: number): unknown[] {
  return v.flatMap((x) => (Array.isArray(x) && depth > 0 ? flatten(x, depth - 1) : [x]));
}

// Renders the loop value and turns it into the list of items.
export function loopItems(spec: LoopSpec, scope: Scope, searchPaths: string[]): unknown[] {
  const v = templateValue(spec.value, scope);
  if (isUndefined(v)) v.fail();
  switch (spec.kind) {
    case 'loop':
      if (!Array.isArray(v)) throw new LoopError(`Invalid data passed to 'loop', it requires a list, got this instead: ${toPyStr(v)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`);
      return v;
    case 'items':
      return flatten(asList(v), 1);
    case 'list': {
      const l = listify(v);
      if (!Array.isArray(l)) throw new LoopError('with_list expects a list');
      return l;
    }
    case 'flattened':
      return flatten(asList(v), Infinity);
    case 'dict':
      return dictItems(listify(v));
    case 'indexed_items':
      return indexedItems(listify(v));
    case 'together':
      return togetherItems(asList(v));
    case 'nested':
    case 'cartesian': {
      const lists = asList(v).map(asList);
      const count = lists.reduce((n, l) => Math.min(n * l.length, Number.MAX_SAFE_INTEGER), 1);
      if (count > limit('listItems')) throw new LoopError(`with_${spec.kind} would make ${count} items, more than the limit of ${limit('listItems')} (raise it with ${LIMITS.listItems.env}=N)`);
      return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);
    }
    case 'sequence':
      return sequenceItems(asList(v).map(String));
    case 'subelements':
      return subelementsItems(asList(v));
    case 'fileglob':
      return asList(v).flatMap((p) => fileglob(String(p), searchPaths));
    case 'first_found': {
      const found = firstFound(asList(v), searchPaths);
      if (found === undefined) throw new LoopError('No file was found when using first_found.');
      return [found];
    }
    case 'random_choice': {
      const l = asList(v);
      return l.length ? [l[Math.floor(Math.random() * l.length)]] : [];
    }
    default: {
      const items = queryLookup(spec.kind, asList(v), scope);
      if (items === undefined) throw new LoopError(`unsupported loop 'with_${spec.kind}'`);
      return items;
    }
  }
}

// Files matching a glob in the last path segment, searched like copy's src (files/ first).
function fileglob(pattern: string, searchPaths: string[]): string[] {
  const dirs = isAbsolute(pattern) ? [dirname(pattern)] : searchPaths.flatMap((d) => [join(d, 'files', dirname(pattern)), join(d, dirname(pattern))]);
  const re = new RegExp(`^${basename(pattern).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    const hits = readdirSync(d).filter((f) => re.test(f)).sort().map((f) => join(d, f));
    if (hits.length) return hits;
  }
  return [];
}

// The first existing file among the candidates (files/ of the search paths first).
function firstFound(candidates: unknown[], searchPaths: string[]): string | undefined {
  const files = candidates.flatMap((c) => (c && typeof c === 'object' && !Array.isArray(c) ? asList((c as Vars)['files']) : [c])).map(String);
  for (const f of files) {
    if (isAbsolute(f) && existsSync(f)) return f;
    for (const d of searchPaths) for (const p of [join(d, 'files', f), join(d, f)]) if (existsSync(p)) return p;
  }
  return undefined;
}

// loop_control with its settings templated once for the task (loop_var: "{{ name }}"); the label
// stays as written, rendered per item.
export function renderedControl(control: Vars | undefined, scope: Scope): Vars | undefined {
  if (!control) return control;
  const out: Vars = {};
  for (const [k, v] of Object.entries(control)) {
    const r = k === 'label' ? v : templateValue(v, scope);
    if (isUndefined(r)) r.fail();
    out[k] = r;
  }
  return out;
}

// The variables a loop item sees (item / loop_var, index_var, ansible_loop).
export function loopVars(items: unknown[], i: number, control: Vars | undefined): Vars {
  const loopVar = typeof control?.['loop_var'] === 'string' ? (control['loop_var'] as string) : 'item';
  const vars: Vars = { [loopVar]: items[i], ansible_loop_var: loopVar };
  if (typeof control?.['index_var'] === 'string') {
    vars[control['index_var'] as string] = i;
    vars['ansible_index_var'] = control['index_var'];
  }
  if (control?.['extended']) {
    const n = items.length;
    const loop: Vars = { index: i + 1, index0: i, revindex: n - i, revindex0: n - i - 1, first: i === 0, last: i === n - 1, length: n };
    if (i > 0) loop['previtem'] = items[i - 1];
    if (i < n - 1) loop['nextitem'] = items[i + 1];
    if (control['extended_allitems'] !== false) loop['allitems'] = items;
    vars['ansible_loop'] = loop;
  }
  return vars;
}
