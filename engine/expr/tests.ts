// Jinja and Ansible tests (`x is defined`, `r is failed`, `v is version('1.2', '>=')` ...).
import { existsSync, lstatSync, statSync } from 'node:fs';
import { ExprRuntimeError } from './errors.js';
import { Undefined, assertDefined } from './undefined.js';
import { PyCallable } from './objects.js';
import { bindArgs } from './args.js';
import { registerTest } from './registry.js';
import type { TestFn } from './registry.js';
import { dictGet, isMapping, isTruthy, pyTypeName, toPyStr } from './python-values.js';
import { pyArith, pyCompare, pyContains, pyEquals } from './python-ops.js';
import { pyIter } from './access.js';
import { versionCompare } from './version.js';
import { PyFloat, isFloat, isInt } from '../py/float.js';

const isNumber = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
const one = (name: string, a: unknown[], k: Record<string, unknown>): unknown => bindArgs(name, a, k, ['other'])[0];

function simple(names: string[], fn: (v: unknown) => boolean): void {
  for (const n of names) registerTest(n, (v, a, k) => (bindArgs(n, a, k, []), fn(v)));
}
function binary(names: string[], fn: (v: unknown, other: unknown) => boolean): void {
  for (const n of names) registerTest(n, (v, a, k) => fn(v, one(n, a, k)));
}

simple(['defined'], (v) => !(v instanceof Undefined));
simple(['undefined'], (v) => v instanceof Undefined);
simple(['none'], (v) => v === null);
simple(['boolean'], (v) => typeof v === 'boolean');
simple(['false'], (v) => v === false);
simple(['true'], (v) => v === true);
simple(['integer'], isInt);
simple(['float'], isFloat);
simple(['number'], isNumber);
simple(['string'], (v) => typeof v === 'string');
simple(['mapping'], (v) => isMapping(v));
simple(['sequence'], (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v));
simple(['iterable'], (v) => {
  assertDefined(v);
  return typeof v === 'string' || Array.isArray(v) || isMapping(v);
});
simple(['callable'], (v) => v instanceof PyCallable || typeof v === 'function');
simple(['lower'], (v) => toPyStr(v) === toPyStr(v).toLowerCase());
simple(['upper'], (v) => toPyStr(v) === toPyStr(v).toUpperCase());
simple(['even'], (v) => pyEquals(pyArith('%', v, 2), 0));
simple(['odd'], (v) => pyEquals(pyArith('%', v, 2), 1));
simple(['escaped'], () => false);
simple(['nan', 'isnan'], (v) => typeof v === 'number' && Number.isNaN(v));


registerTest('divisibleby', (v, a, k) => pyEquals(pyArith('%', v, bindArgs('divisibleby', a, k, ['num'])[0]), 0));
binary(['sameas'], (v, o) => v === o || (v === null && o === null));
binary(['eq', 'equalto', '=='], (v, o) => pyEquals(v, o));
binary(['ne', '!='], (v, o) => !pyEquals(v, o));
binary(['lt', 'lessthan', '<'], (v, o) => pyCompare(v, o, '<') < 0);
binary(['le', '<='], (v, o) => pyCompare(v, o, '<=') <= 0);
binary(['gt', 'greaterthan', '>'], (v, o) => pyCompare(v, o, '>') > 0);
binary(['ge', '>='], (v, o) => pyCompare(v, o, '>=') >= 0);
binary(['in'], (v, o) => pyContains(o, v));
registerTest('contains', (v, a, k) => pyContains(v, bindArgs('contains', a, k, ['value'])[0]));
binary(['subset', 'issubset'], (v, o) => pyIter(v).every((x) => pyContains(pyIter(o), x)));
binary(['superset', 'issuperset'], (v, o) => pyIter(o).every((x) => pyContains(pyIter(v), x)));

for (const [names, fn] of [
  [['any'], (v: unknown) => pyIter(v).some(isTruthy)],
  [['all'], (v: unknown) => pyIter(v).every(isTruthy)],
] as const) simple([...names], fn);

function truthy(v: unknown, a: unknown[], k: Record<string, unknown>, name: string): boolean {
  const [convert] = bindArgs(name, a, k, ['convert_bool?']);
  if (isTruthy(convert ?? false) && (typeof v === 'string' || isNumber(v))) {
    const s = typeof v === 'string' ? v.toLowerCase() : v instanceof PyFloat ? v.value : v;
    const t = typeof s === 'string' ? s.trim() : s;
    if (['no', 'off', '0', 'false', 'n', 'f', 0, false].includes(t as string)) return false;
    if (['yes', 'on', '1', 'true', 'y', 't', 1, true].includes(t as string)) return true;
  }
  return isTruthy(v);
}
registerTest('truthy', (v, a, k) => truthy(v, a, k, 'truthy'));
registerTest('falsy', (v, a, k) => !truthy(v, a, k, 'falsy'));

// Task-result tests: the value must be a dict, like Ansible's.
function resultTest(names: string[], testName: string, fn: (r: Record<string, unknown>) => unknown): void {
  const t: TestFn = (v) => {
    if (!isMapping(v)) throw new ExprRuntimeError(`The '${testName}' test expects a dictionary`);
    return fn(v);
  };
  for (const n of names) registerTest(n, t);
}
const field = (r: Record<string, unknown>, k: string): unknown => dictGet(r, k) ?? false;
resultTest(['failed', 'failure'], 'failed', (r) => field(r, 'failed'));
resultTest(['succeeded', 'success', 'successful'], 'failed', (r) => !isTruthy(field(r, 'failed')));
resultTest(['unreachable'], 'unreachable', (r) => field(r, 'unreachable'));
resultTest(['reachable'], 'unreachable', (r) => !isTruthy(field(r, 'unreachable')));
resultTest(['skipped', 'skip'], 'skipped', (r) => field(r, 'skipped'));
resultTest(['changed', 'change'], 'changed', (r) => {
  if (dictGet(r, 'changed') !== undefined) return r.changed;
  const results = dictGet(r, 'results');
  if (Array.isArray(results) && isMapping(results[0])) {
    return results.some((x) => isMapping(x) && isTruthy(dictGet(x, 'changed') ?? false));
  }
  return false;
});
resultTest(['finished'], 'finished', (r) => (dictGet(r, 'finished') === undefined ? true : pyEquals(r.finished, 1)));
resultTest(['started'], 'started', (r) => (dictGet(r, 'started') === undefined ? true : pyEquals(r.started, 1)));

registerTest('version', versionTest);
registerTest('version_compare', versionTest);
function versionTest(v: unknown, a: unknown[], k: Record<string, unknown>): boolean {
  const [version, operator, strict, versionType] = bindArgs('version', a, k, ['version', 'operator?', 'strict?', 'version_type?']);
  if (strict != null && versionType != null) throw new ExprRuntimeError("Cannot specify both 'strict' and 'version_type'");
  if (!isTruthy(v)) throw new ExprRuntimeError('Input version value cannot be empty');
  if (!isTruthy(version)) throw new ExprRuntimeError('Version parameter to compare against cannot be empty');
  const type = isTruthy(strict ?? false) ? 'strict' : toPyStr(versionType ?? 'loose');
  if (!['loose', 'strict', 'semver', 'semantic'].includes(type)) {
    throw new ExprRuntimeError(type === 'pep440' ? 'The pep440 version_type is not supported' : `Invalid version type (${type}). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'`);
  }
  return versionCompare(toPyStr(v), toPyStr(version), toPyStr(operator ?? 'eq'), type);
}

// File tests run on the controller, as in Ansible.
const fsTest = (names: string[], fn: (p: string) => boolean): void => simple(names, (v) => fn(toPyStr(v)));
const stat = (p: string, link: boolean): ReturnType<typeof statSync> | undefined => {
  try {
    return link ? lstatSync(p) : statSync(p);
  } catch {
    return undefined;
  }
};
fsTest(['exists'], (p) => existsSync(p));
fsTest(['link_exists'], (p) => stat(p, true) !== undefined);
fsTest(['file', 'is_file'], (p) => stat(p, false)?.isFile() ?? false);
fsTest(['directory', 'is_dir'], (p) => stat(p, false)?.isDirectory() ?? false);
fsTest(['link', 'is_link'], (p) => stat(p, true)?.isSymbolicLink() ?? false);
fsTest(['abs', 'is_abs'], (p) => p.startsWith('/'));
// same_file: both paths name one file (device and inode), as os.path.samefile.
registerTest('same_file', (v, a) => {
  const x = stat(toPyStr(v), false);
  const y = stat(toPyStr(a[0]), false);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
});
