// Label and field selectors: the query-string forms and the LabelSelector object form.
import { badRequest } from './errors.js';
import type { KubeObject } from './types.js';

// One parsed label requirement.
export type LabelRequirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'gt' | 'lt'; key: string; value: number };

// One parsed field requirement.
export interface FieldRequirement {
  path: string;
  op: '=' | '!=';
  value: string;
}

// The metav1.LabelSelector object form used by PDBs, Deployments, ReplicaSets.
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const SET_RE = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/;
const CMP_RE = /^([^\s!=<>(),]+)\s*(==|=|!=|>|<)\s*([^\s!=<>(),]*)$/;
const KEY_RE = /^(!?)\s*([^\s!=<>(),]+)$/;

// Parse `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3` (kubectl's -l syntax).
export function parseLabelSelector(text: string | undefined): LabelRequirement[] {
  if (!text) return [];
  return splitTopLevel(text).map((part): LabelRequirement => {
    const set = SET_RE.exec(part);
    if (set) {
      const values = (set[3] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { op: set[2] === 'in' ? 'in' : 'notin', key: set[1] ?? '', values };
    }
    const cmp = CMP_RE.exec(part);
    if (cmp) {
      const key = cmp[1] ?? '';
      const value = cmp[3] ?? '';
      if (cmp[2] === '>' || cmp[2] === '<') {
        const n = Number(value);
        if (!Number.isInteger(n)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: ${part}`);
        return { op: cmp[2] === '>' ? 'gt' : 'lt', key, value: n };
      }
      return { op: cmp[2] === '!=' ? 'notin' : 'in', key, values: [value] };
    }
    const key = KEY_RE.exec(part);
    if (key) return { op: key[1] ? 'notexists' : 'exists', key: key[2] ?? '' };
    throw badRequest(`unable to parse requirement: invalid label selector: ${JSON.stringify(part)}`);
  });
}

// Whether labels satisfy every requirement (an empty list matches everything).
export function matchesLabels(reqs: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists': return has;
      case 'notexists': return !has;
      case 'in': return has && r.values.includes(v ?? '');
      case 'notin': return !has || !r.values.includes(v ?? '');
      case 'gt': return has && Number(v) > r.value;
      case 'lt': return has && Number(v) < r.value;
    }
  });
}

// Requirements of a LabelSelector object; undefined for a nil selector (which matches nothing).
export function selectorRequirements(sel: LabelSelectorObject | undefined | null): LabelRequirement[] | undefined {
  if (!sel) return undefined;
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ op: 'in', key, values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ op, key: e.key, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ op: 'exists', key: e.key });
    else if (op === 'doesnotexist') reqs.push({ op: 'notexists', key: e.key });
  }
  return reqs;
}

// Whether a LabelSelector object selects these labels (nil selects nothing, {} everything).
export function selectorMatches(sel: LabelSelectorObject | undefined | null, labels: Record<string, string> | undefined): boolean {
  const reqs = selectorRequirements(sel);
  return reqs !== undefined && matchesLabels(reqs, labels);
}

// Whether a Service-style map selector (spec.selector) selects these labels; empty selects nothing.
export function mapSelectorMatches(sel: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel || Object.keys(sel).length === 0) return false;
  return Object.entries(sel).every(([k, v]) => labels?.[k] === v);
}

// Parse `spec.nodeName=x,status.phase!=Running`, allowing only the given field paths.
export function parseFieldSelector(text: string | undefined, allowed: readonly string[]): FieldRequirement[] {
  if (!text) return [];
  return splitTopLevel(text).map((part) => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${part}'; can't understand '${part}'`);
    const path = (m[1] ?? '').trim();
    if (path !== 'metadata.name' && path !== 'metadata.namespace' && !allowed.includes(path)) {
      throw badRequest(`field label not supported: ${path}`);
    }
    return { path, op: m[2] === '!=' ? '!=' : '=', value: (m[3] ?? '').replace(/\\(.)/g, '$1') };
  });
}

// The string value of a field path the way the apiserver's field sets render it.
export function fieldValue(obj: KubeObject, path: string): string {
  const real = path === 'source' ? 'source.component' : path;
  let cur: unknown = obj;
  for (const seg of real.split('.')) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  }
  if (cur === undefined || cur === null) return path === 'spec.unschedulable' ? 'false' : '';
  return String(cur);
}

// Whether an object satisfies every field requirement.
export function matchesFields(reqs: readonly FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.path) === r.value) === (r.op === '='));
}
