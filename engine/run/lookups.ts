// lookup() / query() / q(): the controller-side lookup plugins playbooks use most
// (file, env, vars, pipe, template, first_found, fileglob, lines, items, list, dict,
// indexed_items, sequence, varnames).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { includeLoader } from './render.js';
import { passwordFor } from './lookup-password.js';
import { dictItems, indexedItems, sequenceItems, subelementsItems, togetherItems } from './loop-lookups.js';
import { csvfileLookup, iniLookup, type TableLookup } from './lookups-tables.js';
import { configLookup } from './lookup-config.js';
import { LookupFailure, LookupOptionsError, PyClassError } from './lookup-errors.js';
import { makeTuple } from '../py/tuple.js';
import { compilePyRe } from '../py/regex.js';
import { pySearch } from '../py/regex-sub.js';
import { withRegexTimeout } from '../py/regex-time.js';
import { limit } from '../shared/limits.js';
import { isAnsibleTrue } from '../shared/coerce.js';
import { readFileBounded, readTextBounded } from '../source/read.js';
import { compileTemplate, ExprRuntimeError, TemplateNotFoundError, withStandardDelimiters, isUndefined, Kwargs, pyTypeName, registerGlobal, renderTemplateText, renderToString, toPyStr, UndefinedVariableError, type Scope } from '../expr/index.js';

type Lookup = (terms: unknown[], kw: Record<string, unknown>, scope: Scope) => unknown[];

// How ansible-core's templar passes a lookup's failure on: a plain error is wrapped (its text
// appended once more: "...: MSG. MSG"), an AnsibleLookupError (LookupFailure) is shown as it is,
// both unless errors='ignore'|'warn' (then no result); options errors and undefined names always
// as they are.

function wrapped(name: string, e: Error): ExprRuntimeError {
  const cls = e instanceof PyClassError || e instanceof TemplateNotFoundError ? e.pyClass : 'ansible.errors.AnsibleError';
  return new ExprRuntimeError(`An unhandled exception occurred while running the lookup plugin '${name}'. Error was a <class '${cls}'>, original message: ${e.message}. ${e.message}`);
}

// A lookup's own failure (wrapped by call() as ansible-core's templar wraps it).
function fail(msg: string): never {
  throw new Error(msg);
}

// 'Invalid setting identifier' for a term that is not a string (vars, varnames).
function settingName(t: unknown, its: string): string {
  if (typeof t !== 'string') throw new Error(`Invalid setting identifier, "${toPyStr(t)}" is not a string, ${its} a <class '${pyTypeName(t)}'>`);
  return t;
}

function str(scope: Scope, name: string): string | undefined {
  const v = scope.get(name);
  return isUndefined(v) || v === undefined || v === null ? undefined : String(v);
}

// Where controller files are searched (ansible-core's path_dwim_relative_stack): each entry of
// ansible_search_path (a role's tasks/ folder stands for the role), its `sub` folder first; then
// the playbook's folder; then the working directory.
function findFile(scope: Scope, term: string, sub: string): string | undefined {
  if (isAbsolute(term)) return existsSync(term) ? term : undefined;
  const listed = scope.get('ansible_search_path');
  const paths = Array.isArray(listed) ? listed.map(String) : [str(scope, 'role_path')].filter((p): p is string => p !== undefined);
  const candidates: string[] = [];
  for (const p of paths) {
    if (basename(p) === 'tasks' && existsSync(join(dirname(p), 'tasks'))) candidates.push(join(dirname(p), sub, term), join(p, term));
    else candidates.push(...(term.split('/')[0] === sub ? [] : [join(p, sub, term)]), join(p, term));
  }
  const pb = str(scope, 'playbook_dir');
  if (pb) candidates.push(join(pb, sub, term), join(pb, term));
  candidates.push(resolve(process.cwd(), term));
  return candidates.find((c) => existsSync(c));
}

const flat = (terms: unknown[]) => terms.flatMap((t) => (Array.isArray(t) ? t : [t]));

// A controller file's text in the given encoding (utf-8 by default), within the size limit.
function readEncoded(path: string, encoding?: string): string {
  if (!encoding || /^utf-?8$/i.test(encoding)) return readTextBounded(path);
  return new TextDecoder(encoding.replace(/^iso(\d)/i, 'iso-$1')).decode(readFileBounded(path));
}

// ini / csvfile over the controller's files (searched like the file lookup's); errors are the lookup's.
function tableLookup(name: string, impl: TableLookup, terms: unknown[], kw: Record<string, unknown>, scope: Scope): unknown[] {
  try {
    return impl(flat(terms), kw, (f) => findFile(scope, f, 'files'), readEncoded);
  } catch (e) {
    if (e instanceof ExprRuntimeError || e instanceof LookupFailure || e instanceof LookupOptionsError || e instanceof PyClassError) throw e;
    return fail((e as Error).message);
  }
}

const LOOKUPS: Record<string, Lookup> = {
  file: (terms, kw, scope) =>
    flat(terms).map((t) => {
      const p = findFile(scope, String(t), 'files');
      if (!p) fail(`could not locate file in lookup: ${String(t)}`);
      const text = readTextBounded(p);
      const right = kw['rstrip'] === false ? text : text.replace(/\s+$/, '');
      return kw['lstrip'] === true ? right.replace(/^\s+/, '') : right;
    }),
  env: (terms, kw) => flat(terms).map((t) => process.env[String(t)] ?? (kw['default'] !== undefined ? kw['default'] : '')),
  // on_missing=warn skips like skip (lookups have no warning channel here)
  config: (terms, kw, scope) => configLookup(terms, kw, scope, () => undefined),
  vars: (terms, kw, scope) =>
    flat(terms).map((t) => {
      const v = scope.get(settingName(t, 'its'));
      if (isUndefined(v)) {
        if (kw['default'] !== undefined && kw['default'] !== null) return kw['default'];
        throw new UndefinedVariableError(`No variable found with this name: ${String(t)}`);
      }
      return v;
    }),
  varnames: (terms, _kw, scope) => {
    const names = (scope as { names?: () => string[] }).names?.() ?? [];
    return flat(terms).flatMap((t) => {
      let re: RegExp;
      try {
        re = compilePyRe(settingName(t, 'it is'));
      } catch (e) {
        if ((e as Error).message.startsWith('Invalid setting identifier')) throw e;
        return fail(`Unable to use "${String(t)}" as a search parameter: ${(e as Error).message}`);
      }
      // Python's re.search: anywhere in the name
      return withRegexTimeout(String(t), () => names.filter((n) => pySearch(re, n) !== null));
    });
  },
  pipe: (terms) =>
    flat(terms).map((t) => {
      try {
        return execFileSync('/bin/sh', ['-c', String(t)], { encoding: 'utf8', timeout: 60_000 }).replace(/\s+$/, '');
      } catch (e) {
        return fail(`lookup_plugin.pipe(${String(t)}) returned ${(e as { status?: number }).status ?? 1}`);
      }
    }),
  lines: (terms) => flat(terms).flatMap((t) => execFileSync('/bin/sh', ['-c', String(t)], { encoding: 'utf8', timeout: 60_000 }).replace(/\n$/, '').split('\n')),
  template: (terms, kw, scope) =>
    flat(terms).map((t) => {
      const p = findFile(scope, String(t), 'templates');
      if (!p) fail(`the template file ${String(t)} could not be found for the lookup`);
      const paths = [dirname(p), str(scope, 'role_path'), str(scope, 'playbook_dir')].filter((d): d is string => d !== undefined);
      const pair = (a: string, b: string): [string, string] | undefined => (kw[a] === undefined && kw[b] === undefined ? undefined : [String(kw[a] ?? (a.startsWith('variable') ? '{{' : '{#')), String(kw[b] ?? (b.startsWith('variable') ? '}}' : '#}'))]);
      const variable = pair('variable_start_string', 'variable_end_string');
      const comment = pair('comment_start_string', 'comment_end_string');
      const text = readTextBounded(p);
      const source = variable || comment ? withStandardDelimiters(text, { ...(variable ? { variable } : {}), ...(comment ? { comment } : {}) }) : text;
      const vars = kw['template_vars'];
      const inner: Scope = vars && typeof vars === 'object' && !Array.isArray(vars) ? { get: (n) => (Object.prototype.hasOwnProperty.call(vars, n) ? (vars as Record<string, unknown>)[n] : scope.get(n)) } : scope;
      return renderTemplateText(`template ${String(t)}`, source, inner, includeLoader(paths), kw['convert_data'] !== false);
    }),
  first_found: (terms, kw, scope) => {
    let skip = kw['skip'] === true;
    const files = flat(terms).flatMap((t) => {
      if (!t || typeof t !== 'object' || Array.isArray(t)) return [t];
      const spec = t as Record<string, unknown>;
      if (spec['skip'] !== undefined) skip = isAnsibleTrue(spec['skip']);
      const split = (v: unknown, seps: RegExp) => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).flatMap((x) => String(x).split(seps)).filter(Boolean);
      const names = split(spec['files'], /[,;]/);
      const paths = split(spec['paths'], /[,:;]/);
      return paths.length ? paths.flatMap((p) => names.map((f) => join(p, f))) : names;
    });
    for (const f of files) {
      const p = findFile(scope, String(f), 'files');
      if (p) return [p];
    }
    if (skip) return [];
    throw new LookupFailure('No file was found when using first_found.');
  },
  fileglob: (terms, _kw, scope) =>
    flat(terms).flatMap((t) => {
      const term = String(t);
      const dir = term.includes('/') ? term.slice(0, term.lastIndexOf('/')) : '.';
      const base = term.slice(term.lastIndexOf('/') + 1);
      const re = new RegExp(`^${base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      const found = findFile(scope, dir, 'files');
      if (!found) return [];
      return readdirSync(found).filter((f) => re.test(f)).sort().map((f) => join(found, f));
    }),
  password: (terms, _kw, scope) => flat(terms).map((t) => passwordFor(String(t), str(scope, 'playbook_dir') ?? process.cwd())),
  ini: (terms, kw, scope) => tableLookup('ini', iniLookup, terms, kw, scope),
  csvfile: (terms, kw, scope) => tableLookup('csvfile', csvfileLookup, terms, kw, scope),
  items: (terms) => flat(terms),
  list: (terms) => terms,
  dict: (terms) => dictItems(terms),
  indexed_items: (terms) => indexedItems(terms).map((pair) => makeTuple(pair)),
  sequence: (terms) => sequenceItems(terms.map(String)),
  subelements: (terms) => subelementsItems(terms).map((pair) => makeTuple(pair)),
  nested: (terms) => {
    const lists = flat([terms]).map((l) => (Array.isArray(l) ? l : [l]));
    const count = lists.reduce((n, l) => Math.min(n * l.length, Number.MAX_SAFE_INTEGER), 1);
    if (count > limit('listItems')) fail(`the nested lists would make ${count} items, more than the limit of ${limit('listItems')} (raise it with TSPLAY_MAX_LIST=N)`);
    return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);
  },
  together: (terms) => togetherItems(terms),
};

function call(name: unknown, raw: unknown[], scope: Scope, wantlist: boolean, direct = false): unknown {
  const last = raw.at(-1);
  const { errors = 'strict', ...kw } = last instanceof Kwargs ? last.values : {};
  const terms = last instanceof Kwargs ? raw.slice(0, -1) : raw;
  const impl = LOOKUPS[String(name).replace(/^ansible\.builtin\./, '')];
  if (!impl) throw new ExprRuntimeError(`lookup plugin (${toPyStr(name)}) not found`);
  let out: unknown[];
  try {
    out = impl(terms, kw, scope);
  } catch (e) {
    // whatever a lookup throws fails the task on that host (never the run)
    if (e instanceof TemplateNotFoundError && errors === 'strict') throw wrapped(String(name), e);
    if (e instanceof ExprRuntimeError || !(e instanceof Error) || e instanceof UndefinedVariableError || e instanceof LookupOptionsError) throw e;
    if (errors === 'ignore' || errors === 'warn') return wantlist ? [] : null;
    // with_<lookup> runs the plugin itself: its message as it is
    if (direct || e instanceof LookupFailure) throw new ExprRuntimeError(e.message);
    throw wrapped(String(name), e);
  }
  if (wantlist || kw['wantlist'] === true || out.length === 0) return out;
  // Ansible: ",".join(ran), and when an element is not a string (TypeError) the list itself
  if (out.length === 1) return out[0];
  return out.every((x) => typeof x === 'string') ? out.join(',') : out;
}

// with_NAME over a lookup the loop code has no case for: query(NAME, *terms); undefined when
// there is no such lookup.
export function queryLookup(name: string, terms: unknown[], scope: Scope): unknown[] | undefined {
  if (!LOOKUPS[name]) return undefined;
  return call(name, terms, scope, true, true) as unknown[];
}

let installed = false;

// Installs lookup(), query() and q() as expression globals (once).
export function installLookups(): void {
  if (installed) return;
  installed = true;
  registerGlobal('lookup', function (this: { scope: Scope }, name: unknown, ...rest: unknown[]) {
    return call(name, rest, this.scope, false);
  });
  const query = function (this: { scope: Scope }, name: unknown, ...rest: unknown[]) {
    return call(name, rest, this.scope, true);
  };
  registerGlobal('query', query);
  registerGlobal('q', query);
}
