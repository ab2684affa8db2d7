// Global functions available in expressions: range(), dict(), namespace(), undef().
// lookup()/query() are registered by the engine with registerGlobal.
import { ExprRuntimeError } from './errors.js';
import { Undefined } from './undefined.js';
import { Kwargs, Namespace } from './objects.js';
import { registerGlobal } from './registry.js';
import { isMapping, pyTypeName, toPyStr } from './python-values.js';
import { isFloat } from '../py/float.js';
import { numeric } from './python-ops.js';
import { pyIter } from './access.js';

const MAX_RANGE = 100_000;

function splitKwargs(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args.at(-1);
  return last instanceof Kwargs ? [args.slice(0, -1), last.values] : [args, {}];
}

function int(v: unknown): number {
  const n = numeric(v);
  if (n === null || isFloat(v)) throw new ExprRuntimeError(`'${pyTypeName(v)}' object cannot be interpreted as an integer`);
  return n;
}

registerGlobal('range', (...raw) => {
  const [args] = splitKwargs(raw);
  if (args.length === 0 || args.length > 3) throw new ExprRuntimeError(`range expected at most 3 arguments, got ${args.length}`);
  const [a, b, c] = args.map(int);
  const [start, stop, step] = args.length === 1 ? [0, a as number, 1] : [a as number, b as number, c ?? 1];
  if (step === 0) throw new ExprRuntimeError('range() arg 3 must not be zero');
  const len = Math.max(0, Math.ceil((stop - start) / step));
  if (len > MAX_RANGE) throw new ExprRuntimeError(`Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  return Array.from({ length: len }, (_, i) => start + i * step);
});

registerGlobal('dict', (...raw) => {
  const [args, kwargs] = splitKwargs(raw);
  const out: Record<string, unknown> = {};
  const src = args[0];
  if (isMapping(src)) Object.assign(out, src);
  else if (src !== undefined) {
    for (const pair of pyIter(src)) {
      const kv = pyIter(pair);
      if (kv.length !== 2) throw new ExprRuntimeError('dictionary update sequence element has wrong length; 2 is required');
      out[toPyStr(kv[0])] = kv[1];
    }
  }
  return Object.assign(out, kwargs);
});

registerGlobal('namespace', (...raw) => {
  const [args, kwargs] = splitKwargs(raw);
  const base = isMapping(args[0]) ? args[0] : {};
  return new Namespace({ ...base, ...kwargs });
});

registerGlobal('undef', (...raw) => {
  const [args] = splitKwargs(raw);
  const hint = args[0];
  return new Undefined(typeof hint === 'string' && hint !== '' ? hint : 'Mandatory variable has not been overridden');
});
