// Host patterns (`hosts:` and --limit) with ansible-core 2.14 semantics: `a:b` / `a,b` union,
// `&` intersection and `!` exclusion (plain terms first, then &, then !), `*` globs, `~regex`,
// subscripts `g[0]`, `g[-1]`, `g[1:3]` (inclusive), `g[2:]`, and the implicit localhost.

import { existsSync, statSync } from 'node:fs';
import { diag } from '../diagnostics.js';
import type { Diagnostic, Result } from '../diagnostics.js';
import { ensureHost, hostsOf, LOCALHOST_NAMES } from './model.js';
import type { Inventory } from './model.js';
import { parseAddress } from './ranges.js';
import { BoundedRegExp, RegexTimeoutError, withRegexTimeout } from '../py/regex-time.js';
import { readTextBounded } from '../source/read.js';

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;
const COLON_TERMS = /(?:[^\s:[\]]|\[[^\]]*\])+/g;

class PatternError extends Error {}

// Splits a pattern on commas, or else on colons outside [...] (kept for a single host:port or range).
export function splitHostPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern, true)) parts = [pattern];
  else parts = pattern.match(COLON_TERMS) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

// Python fnmatch.translate(): * ? [seq] [!seq], matched against the whole name.
function fnmatchRegex(pat: string): RegExp {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i] as string;
    if (c === '*') {
      re += '.*';
      while (pat[i + 1] === '*') i++;
    } else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) re += '\\[';
      else {
        let stuff = pat.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (stuff.startsWith('!')) stuff = '^' + stuff.slice(1);
        else if (stuff.startsWith('^')) stuff = '\\' + stuff;
        re += `[${stuff.replace(/[[\]]/g, '\\$&')}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

// A `~regex` pattern: Python re.match() (anchored at the start only), common syntax mapped to JS.
function pythonRegex(src: string): RegExp {
  let flags = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    flags = [...new Set((inline[1] as string).split('').filter((f) => 'ims'.includes(f)))].join('');
    src = src.slice(inline[0].length);
  }
  src = src.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$');
  return new BoundedRegExp(`^(?:${src})`, flags);
}

function applySubscript(hosts: string[], pattern: string, sub: [number, number | undefined] | undefined): string[] {
  if (hosts.length === 0 || !sub) return hosts;
  let [start, end] = sub;
  if (end) {
    if (end === -1) end = hosts.length - 1;
    return hosts.slice(start, end + 1);
  }
  const h = hosts[start < 0 ? hosts.length + start : start];
  if (h === undefined) throw new PatternError(`No hosts matched the subscripted pattern '${pattern}'`);
  return [h];
}

// One term without its & or ! prefix: groups it names (their hosts), else or also matching hosts.
function matchOne(inv: Inventory, term: string, warnings: Diagnostic[]): string[] {
  let expr = term;
  let sub: [number, number | undefined] | undefined;
  const m = term[0] === '~' ? null : SUBSCRIPT.exec(term);
  if (m) {
    expr = m[1] as string;
    if (m[2] !== undefined) sub = [Number(m[2]), undefined];
    else {
      sub = [Number(m[3]), m[5] ? Number(m[5]) : -1];
      if (m[4] === '-') warnings.push({ ...diag('bad-pattern', `Use [x:y] inclusive subscripts instead of [x-y] which has been removed: ${term}`), severity: 'warning' });
    }
  }
  let re: RegExp;
  try {
    re = expr[0] === '~' ? pythonRegex(expr.slice(1)) : fnmatchRegex(expr);
  } catch {
    throw new PatternError(`Invalid host list pattern: ${expr}`);
  }
  let groups: string[];
  let results: string[];
  try {
    [groups, results] = withRegexTimeout(expr, () => {
      const gs = [...inv.groups.keys()].filter((g) => re.test(g));
      const rs = gs.flatMap((g) => hostsOf(inv, g));
      if (gs.length === 0 || expr[0] === '~' || /[.?*[]/.test(expr)) {
        for (const h of inv.hosts.keys()) if (re.test(h)) rs.push(h);
      }
      return [gs, rs];
    });
  } catch (e) {
    if (e instanceof RegexTimeoutError) throw new PatternError(e.message);
    throw e;
  }
  if (results.length === 0 && LOCALHOST_NAMES.includes(expr)) results.push((ensureHost(inv, expr) as { name: string }).name);
  return applySubscript(results, term, sub);
}

function evaluate(inv: Inventory, terms: string[], warnings: Diagnostic[]): string[] {
  const plain = terms.filter((t) => t !== '' && t[0] !== '&' && t[0] !== '!');
  const ordered = [...(plain.length > 0 ? plain : ['all']), ...terms.filter((t) => t[0] === '&'), ...terms.filter((t) => t[0] === '!')];
  let hosts: string[] = [];
  for (const p of ordered) {
    if (inv.hosts.has(p)) {
      hosts.push(p);
      continue;
    }
    const term = p[0] === '&' || p[0] === '!' ? p.slice(1) : p;
    if (term === '') throw new PatternError(`'${p}' needs a host or group name after '${p[0] ?? ''}'`);
    const that = matchOne(inv, term, warnings);
    if (p[0] === '!' || p[0] === '&') {
      const set = new Set(that);
      hosts = hosts.filter((h) => set.has(h) === (p[0] === '&'));
    } else {
      const existing = new Set(hosts);
      hosts.push(...that.filter((h) => !existing.has(h)));
    }
  }
  return [...new Set(hosts)];
}

function run(inv: Inventory, pattern: string | string[], terms: () => string[]): Result<string[]> {
  const warnings: Diagnostic[] = [];
  try {
    const value = evaluate(inv, terms(), warnings);
    return warnings.length > 0 ? { ok: true, value, warnings } : { ok: true, value };
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    const p = Array.isArray(pattern) ? pattern.join(',') : pattern;
    return { ok: false, diagnostics: [diag('bad-pattern', `${e.message} (in host pattern '${p}')`)] };
  }
}

// The hosts a `hosts:` pattern selects, in ansible's order; no match is ok with [].
export function resolvePattern(inv: Inventory, pattern: string | string[]): Result<string[]> {
  const terms = splitHostPattern(pattern);
  if (terms.length === 0) return { ok: false, diagnostics: [diag('bad-pattern', 'empty host pattern')] };
  return run(inv, pattern, () => terms);
}

// Applies --limit to an already resolved host list (order kept); `@file` reads one pattern per line.
export function limitHosts(inv: Inventory, hosts: string[], limit: string): Result<string[]> {
  if (!limit) return { ok: true, value: hosts };
  const terms: string[] = [];
  for (const t of splitHostPattern(limit)) {
    if (t[0] !== '@') {
      terms.push(t);
      continue;
    }
    const file = t.slice(1);
    if (!existsSync(file)) return { ok: false, diagnostics: [diag('missing-file', `Unable to find limit file ${file}`)] };
    if (!statSync(file).isFile()) return { ok: false, diagnostics: [diag('bad-pattern', `Limit starting with "@" must be a file, not a directory: ${file}`)] };
    let text: string;
    try {
      text = readTextBounded(file);
    } catch (e) {
      return { ok: false, diagnostics: [diag('bad-pattern', `Unable to read limit file ${file}: ${(e as Error).message}`)] };
    }
    terms.push(...text.split('\n').map((l) => l.trim()));
  }
  const subset = run(inv, limit, () => terms);
  if (!subset.ok) return subset;
  const keep = new Set(subset.value);
  const value = hosts.filter((h) => keep.has(h));
  return subset.warnings ? { ok: true, value, warnings: subset.warnings } : { ok: true, value };
}
