// Regex filters (regex_search, regex_replace, regex_findall, regex_escape) and the
// match / search / regex tests, with Python `re` semantics.
import { ExprRuntimeError } from './errors.js';
import { bindArgs } from './args.js';
import { registerFilter, registerTest } from './registry.js';
import { isTruthy, toPyStr } from './python-values.js';
import { makeTuple } from '../py/tuple.js';
import { compilePyRe, PyReError, reEscape, withRegexTimeout, type PyReFlags } from '../py/regex.js';
import { pySubn, SubstitutionTooLong } from '../py/regex-sub.js';
import { checkLength } from './budget.js';
import { limit } from '../shared/limits.js';

const flagsOf = (ignorecase: unknown, multiline: unknown): PyReFlags => ({
  ignorecase: isTruthy(ignorecase ?? false),
  multiline: isTruthy(multiline ?? false),
});

// Runs Python `re` work; re.error becomes a template error with Python's message.
function withPyRe<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof PyReError) throw new ExprRuntimeError(e.message);
    throw e;
  }
}

const compileRegex = (pattern: string, flags: PyReFlags, jsFlags = ''): RegExp => withPyRe(() => compilePyRe(pattern, flags, jsFlags));

// All the matching of one filter or test in one bounded-time region (see engine/py/regex-time.ts).
const timed = <T>(pattern: unknown, work: () => T): T => withPyRe(() => withRegexTimeout(toPyStr(pattern ?? ''), work));

registerFilter('regex_replace', (v, a, k) => {
  const [pattern, replacement, ignorecase, multiline] = bindArgs('regex_replace', a, k, ['pattern?', 'replacement?', 'ignorecase?', 'multiline?']);
  const re = compileRegex(toPyStr(pattern ?? ''), flagsOf(ignorecase, multiline), 'g');
  try {
    return timed(pattern, () => pySubn(re, toPyStr(replacement ?? ''), toPyStr(v), 0, limit('stringChars')).text);
  } catch (e) {
    if (e instanceof SubstitutionTooLong) checkLength(e.length, 'string');
    throw e;
  }
});

registerFilter('regex_findall', (v, a, k) => {
  const [regex, multiline, ignorecase] = bindArgs('regex_findall', a, k, ['regex', 'multiline?', 'ignorecase?']);
  const re = compileRegex(toPyStr(regex), flagsOf(ignorecase, multiline), 'g');
  return timed(regex, () => {
    const out: unknown[] = [];
    for (const m of toPyStr(v).matchAll(re)) {
      if (m.length === 1) out.push(m[0]);
      else if (m.length === 2) out.push(m[1] ?? '');
      else out.push(makeTuple(m.slice(1).map((g) => g ?? '')));
    }
    return out;
  });
});

registerFilter('regex_search', (v, a, k) => {
  const groups: (number | string)[] = [];
  for (const arg of a.slice(1)) {
    const s = toPyStr(arg);
    const named = /^\\g<(\S+)>/.exec(s);
    const num = /^\\(\d+)/.exec(s);
    if (s.startsWith('\\g') && named) groups.push(named[1] as string);
    else if (!s.startsWith('\\g') && num) groups.push(Number(num[1]));
    else throw new ExprRuntimeError(s.startsWith('\\') ? `invalid group reference '${s}'` : 'Unknown argument');
  }
  const { ignorecase, multiline, ...rest } = k;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new ExprRuntimeError(`regex_search() got an unexpected keyword argument '${extra}'`);
  if (a.length === 0) throw new ExprRuntimeError("regex_search() missing required argument: 'regex'");
  const re = compileRegex(toPyStr(a[0]), flagsOf(ignorecase, multiline));
  const m = timed(a[0], () => re.exec(toPyStr(v)));
  if (!m) return null;
  if (groups.length === 0) return m[0];
  return groups.map((g) => {
    if (typeof g === 'number') {
      if (g >= m.length) throw new ExprRuntimeError('no such group');
      return m[g] ?? null;
    }
    if (!m.groups || !(g in m.groups)) throw new ExprRuntimeError('no such group');
    return m.groups[g] ?? null;
  });
});

registerFilter('regex_escape', (v, a, k) => {
  const [reType] = bindArgs('regex_escape', a, k, ['re_type?']);
  const s = toPyStr(v);
  const type = reType ?? 'python';
  if (type === 'python') return reEscape(s);
  if (type === 'posix_basic') return s.replace(/[\].[^$*\\]/g, (c) => `\\${c}`);
  if (type === 'posix_extended') throw new ExprRuntimeError(`Regex type (${toPyStr(type)}) not yet implemented`);
  throw new ExprRuntimeError(`Invalid regex type (${toPyStr(type)})`);
});

function regexTest(name: string, mode: 'match' | 'search' | null): void {
  registerTest(name, (v, a, k) => {
    const params = mode ? ['pattern?', 'ignorecase?', 'multiline?'] : ['pattern?', 'ignorecase?', 'multiline?', 'match_type?'];
    const [pattern, ignorecase, multiline, matchType] = bindArgs(name, a, k, params);
    const how = mode ?? (matchType === 'match' ? 'match' : 'search');
    const re = compileRegex(toPyStr(pattern ?? ''), flagsOf(ignorecase, multiline), how === 'match' ? 'y' : '');
    return timed(pattern, () => re.test(toPyStr(v)));
  });
}
regexTest('match', 'match');
regexTest('search', 'search');
regexTest('regex', null);
