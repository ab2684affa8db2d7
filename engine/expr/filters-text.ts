// Text-producing filters: comment, human_readable / human_to_bytes (Ansible's formatters),
// Jinja's wordwrap (textwrap) and pprint (pprint.pformat).
import { ExprRuntimeError } from './errors.js';
import { bindArgs } from './args.js';
import { registerFilter } from './registry.js';
import { isTruthy, pyTypeName, toPyStr } from './python-values.js';
import { numeric } from './python-ops.js';
import { parseFloatPy } from './filters-core.js';
import { toFixedPy, pyRound } from './number-format.js';
import { splitLines } from './str-methods.js';
import { wrap } from './textwrap.js';
import { pformat } from './pprint.js';
import { checkLength } from './budget.js';

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

// Ansible's comment filter (styles plain, erlang, c, cblock, xml; every parameter overridable).
registerFilter('comment', (v, a, k) => {
  const [styleArg] = bindArgs('comment', a, {}, ['style?']);
  const style = toPyStr(styleArg ?? k.style ?? 'plain');
  const styleParams = COMMENT_STYLES[style];
  if (!Object.hasOwn(COMMENT_STYLES, style) || !styleParams) throw new ExprRuntimeError(`'${style}'`);
  if (typeof v !== 'string') throw new ExprRuntimeError(`'${pyTypeName(v)}' object has no attribute 'replace'`);
  const kw = Object.fromEntries(Object.entries(k).filter(([key]) => key !== 'style'));
  const prepostfix = toPyStr(kw.decoration ?? styleParams.decoration).trimEnd();
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: prepostfix, prefix_count: 1, decoration: '', postfix: prepostfix, postfix_count: 1, end: '', ...styleParams, ...kw };
  const [nl, deco, prefix, postfix] = [p.newline, p.decoration, p.prefix, p.postfix].map((x) => toPyStr(x)) as [string, string, string, string];
  const beginning = isTruthy(p.beginning) ? `${toPyStr(p.beginning)}${nl}` : '';
  const count = (x: unknown): number => Math.max(0, Math.trunc(Number(numeric(x) ?? parseFloatPy(toPyStr(x)) ?? 0)));
  checkLength((prefix.length + nl.length) * count(p.prefix_count) + (postfix.length + nl.length) * count(p.postfix_count), 'string');
  const strPrefix = isTruthy(p.prefix) ? (prefix !== nl ? `${prefix}${nl}` : nl).repeat(count(p.prefix_count)) : '';
  const text = `${deco}${v.split(nl).join(`${nl}${deco}`)}`.split(`${deco}${nl}`).join(`${deco.trimEnd()}${nl}`);
  const strPostfix = ['', ...Array.from({ length: count(p.postfix_count) }, () => postfix)].join(nl);
  const end = isTruthy(p.end) ? `${nl}${toPyStr(p.end)}` : '';
  return beginning + strPrefix + text + strPostfix + end;
});

const SIZE_RANGES: [string, number][] = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];

// Ansible's bytes_to_human: '%.2f %s' with the largest fitting (or the requested) unit.
registerFilter('human_readable', (v, a, k) => {
  const [isbits, unit] = bindArgs('human_readable', a, k, ['isbits?', 'unit?']);
  const size = numeric(v);
  if (size === null) throw new ExprRuntimeError(`human_readable() failed on bad input: '>=' not supported between instances of '${pyTypeName(v)}' and 'int'`);
  const base = isTruthy(isbits ?? false) ? 'bits' : 'Bytes';
  const wanted = unit === undefined || unit === null ? null : toPyStr(unit).toUpperCase();
  let chosen = SIZE_RANGES.at(-1) as [string, number];
  for (const s of SIZE_RANGES) {
    if ((wanted === null && size >= s[1]) || wanted === s[0]) {
      chosen = s;
      break;
    }
  }
  const suffix = chosen[1] !== 1 ? chosen[0] + base[0] : base;
  return `${toFixedPy(size / chosen[1], 2)} ${suffix}`;
});

// Ansible's human_to_bytes: '1.5 MB' → 1572864 (isbits: 'Mb'); a bare number is rounded.
registerFilter('human_to_bytes', (v, a, k) => {
  const [defaultUnit, isbits] = bindArgs('human_to_bytes', a, k, ['default_unit?', 'isbits?']);
  const text = toPyStr(v);
  const fail = (): never => {
    throw new ExprRuntimeError(`human_to_bytes() can't interpret following string: ${text}`);
  };
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text);
  const num = m ? parseFloatPy(m[1] ?? '') : null;
  if (num === null) return fail();
  const unit = m?.[2] ?? (defaultUnit === undefined || defaultUnit === null ? null : toPyStr(defaultUnit));
  if (unit === null) return pyRound(num, 0);
  const rangeKey = (unit[0] as string).toUpperCase();
  const limit = SIZE_RANGES.find(([key]) => key === rangeKey)?.[1];
  if (limit === undefined) return fail();
  const [unitClass, unitName] = isTruthy(isbits ?? false) ? ['b', 'bit'] : ['B', 'byte'];
  if (unit.length > 1 && !unit.toLowerCase().includes(unitName) && unit[1] !== unitClass) return fail();
  return pyRound(num * limit, 0);
});

// Jinja's wordwrap: each line of the text wrapped with textwrap.wrap, joined by wrapstring.
registerFilter('wordwrap', (v, a, k) => {
  const [width, breakLong, wrapstring, breakHyphens] = bindArgs('wordwrap', a, k, ['width?', 'break_long_words?', 'wrapstring?', 'break_on_hyphens?']);
  const sep = wrapstring === undefined || wrapstring === null ? '\n' : toPyStr(wrapstring);
  const opts = { width: Number(numeric(width ?? 79)), breakLongWords: isTruthy(breakLong ?? true), breakOnHyphens: isTruthy(breakHyphens ?? true) };
  return splitLines(toPyStr(v)).map((line) => wrap(line, opts).join(sep)).join(sep);
});

registerFilter('pprint', (v) => pformat(v));
