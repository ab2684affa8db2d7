// The INI inventory format, parsed like ansible's ini plugin: `[group]` host lines with
// inline key=value vars (Python literals), `[group:vars]`, `[group:children]` (children may be
// declared later in the file), a host `name:port` shorthand and host ranges. Every error is
// collected with its position instead of stopping at the first one.

import { diag } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import { addChild, addGroup, addHost, setEntityVar, setGroupVar } from './model.js';
import type { Inventory } from './model.js';
import { expandHostPattern } from './ranges.js';
import { literalEval } from '../py/literal-eval.js';
import { shlexTokens } from '../py/shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::([\p{L}\p{N}_]+))?\]\s*(?:#.*)?$/u;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/u;
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

interface Pending {
  state: 'vars' | 'children';
  offset: number;
  length: number;
  parents: string[];
}

// Splits like Python's str.splitlines(), keeping each line's start offset.
export function splitLines(text: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let start = 0;
  for (const m of text.matchAll(LINE_BREAK)) {
    out.push({ text: text.slice(start, m.index), offset: start });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ text: text.slice(start), offset: start });
  return out;
}

// Parses INI inventory text into `inv`; returns the errors found (empty when it parsed).
export function parseIniInventory(inv: Inventory, text: string, file: string): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const pending = new Map<string, Pending>();
  const err = (message: string, offset: number, length: number): void => {
    diags.push(diag('inventory', message, { file, offset, length }));
  };
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' | 'skip' = 'hosts';

  const addPendingChildren = (name: string): void => {
    for (const parent of pending.get(name)?.parents ?? []) {
      const loop = addChild(inv, parent, name);
      const decl = pending.get(name);
      if (loop && decl) err(loop, decl.offset, decl.length);
      if (pending.get(parent)?.state === 'children') addPendingChildren(parent);
    }
    pending.delete(name);
  };

  for (const raw of splitLines(text)) {
    const line = raw.text.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;
    const offset = raw.offset + raw.text.length - raw.text.trimStart().length;
    const section = SECTION.exec(line);
    if (section) {
      const name = section[1] as string;
      const kind = section[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') {
        err(`Section [${name}:${kind}] has unknown type: ${kind}`, offset, line.length);
        state = 'skip';
        continue;
      }
      group = name;
      state = kind;
      if (!inv.groups.has(name)) {
        if (kind === 'vars' && !pending.has(name)) pending.set(name, { state: 'vars', offset, length: line.length, parents: [] });
        addGroup(inv, name, { file, offset, length: line.length });
      }
      const decl = pending.get(name);
      if (decl && kind !== 'vars') {
        if (decl.state === 'children') addPendingChildren(name);
        else pending.delete(name);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      err(
        `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`,
        offset,
        line.length,
      );
      state = 'skip';
      continue;
    }
    if (state === 'hosts') parseHostLine(inv, line, offset, group, file, diags);
    else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) err(`Expected key=value, got: ${line}`, offset, line.length);
      else {
        const g = addGroup(inv, group);
        const bad = setGroupVar(g, line.slice(0, eq).trim(), parseIniValue(line.slice(eq + 1).trim()));
        if (bad) err(bad, offset, line.length);
      }
    } else if (state === 'children') {
      const m = GROUP_NAME.exec(line);
      if (!m) {
        err(`Expected group name, got: ${line}`, offset, line.length);
        continue;
      }
      const child = m[1] as string;
      if (inv.groups.has(child)) {
        const loop = addChild(inv, group, child);
        if (loop) err(loop, offset, child.length);
      } else {
        const decl = pending.get(child);
        if (decl) decl.parents.push(group);
        else pending.set(child, { state: 'children', offset, length: child.length, parents: [group] });
      }
    }
  }

  for (const [name, decl] of pending) {
    if (decl.state === 'vars') err(`Section [${name}:vars] not valid for undefined group: ${name}`, decl.offset, decl.length);
    else err(`Section [${decl.parents.at(-1) ?? ''}:children] includes undefined group: ${name}`, decl.offset, decl.length);
  }
  return diags;
}

// A host line: a host name or range (optionally `:port`) followed by key=value variables.
function parseHostLine(inv: Inventory, line: string, offset: number, group: string, file: string, diags: Diagnostic[]): void {
  const err = (message: string, at: number, length: number): void => {
    diags.push(diag('inventory', message, { file, offset: at, length }));
  };
  let tokens;
  try {
    tokens = shlexTokens(line, { comments: true });
  } catch (e) {
    err(`Error parsing host definition '${line}': ${(e as Error).message}`, offset, line.length);
    return;
  }
  const first = tokens[0];
  if (!first) return;
  const at = offset + first.start;
  const pattern = first.value;
  let expanded;
  try {
    expanded = expandHostPattern(pattern);
  } catch (e) {
    err(`Invalid host range '${pattern}': ${(e as Error).message}`, at, pattern.length);
    return;
  }
  let ok = true;
  if (pattern.trim().endsWith(':') && expanded.port === undefined) {
    err(`Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`, at, pattern.length);
    ok = false;
  }
  if (expanded.hostnames.some((h) => h.trim() === '---')) {
    err(`Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`, at, pattern.length);
    ok = false;
  }
  if (expanded.hostnames.some((h) => h === '')) {
    err('Invalid empty host name provided', at, Math.max(1, pattern.length));
    ok = false;
  }
  const vars: [string, unknown][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.value.indexOf('=');
    if (eq < 0) {
      err(`Expected key=value host variable assignment, got: ${t.value}`, offset + t.start, t.value.length);
      ok = false;
    } else vars.push([t.value.slice(0, eq), parseIniValue(t.value.slice(eq + 1))]);
  }
  if (!ok) return;
  for (const name of expanded.hostnames) {
    addHost(inv, name, group, expanded.port, { file, offset: at, length: pattern.length });
    for (const [k, v] of vars) {
      const bad = setEntityVar(inv, name, k, v);
      if (bad) err(bad, at, pattern.length);
    }
  }
}

// An INI value: ast.literal_eval of the text when it is a literal, else the text itself (ansible's
// _parse_value; bytes become text, and json.dumps later writes None keys as null).
export function parseIniValue(text: string): unknown {
  const r = literalEval(text, { plainFloats: true, jsonKeys: true });
  return r.ok ? r.value : text;
}
