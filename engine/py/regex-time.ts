// Regular expressions from playbooks run in bounded time. Python's `re` semantics (lookarounds,
// backreferences, the translation of ^ $ \b in regex-syntax.ts) need a backtracking engine, so
// patterns keep running on V8's, inside a region that node:vm's watchdog interrupts after a
// timeout: a catastrophic pattern (`(a+)+$`) fails its task with a clear error instead of
// hanging the run. Callers that run many matches (a whole substitution, every line of a file)
// wrap them in one region; a match outside any region gets its own.
import vm from 'node:vm';
import { PyReError } from './regex-syntax.js';

const DEFAULT_TIMEOUT_MS = 5000;
const context = vm.createContext({});
const script = new vm.Script('run()');
let inRegion = false;
let pending: (() => unknown) | undefined;
(context as { run?: () => unknown }).run = () => (pending as () => unknown)();

/** a pattern that ran out of time (catastrophic backtracking) */
export class RegexTimeoutError extends PyReError {}

// The time one regular-expression operation may take: TSPLAY_REGEX_TIMEOUT_MS, else 5 s.
export function regexTimeoutMs(): number {
  const n = Number(process.env['TSPLAY_REGEX_TIMEOUT_MS']);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

// Runs f (regular-expression work) with a time limit; inside another region it just runs.
export function withRegexTimeout<T>(what: string, f: () => T): T {
  if (inRegion) return f();
  inRegion = true;
  pending = f;
  try {
    return script.runInContext(context, { timeout: regexTimeoutMs() }) as T;
  } catch (e) {
    if ((e as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      const shown = what.length > 200 ? `${what.slice(0, 200)}…` : what;
      throw new RegexTimeoutError(`the regular expression '${shown}' did not finish in ${regexTimeoutMs()} ms (catastrophic backtracking?); simplify it, or raise the limit with TSPLAY_REGEX_TIMEOUT_MS=N`);
    }
    throw e;
  } finally {
    inRegion = false;
    pending = undefined;
  }
}

// A RegExp whose every match runs in bounded time (String.prototype.replace, split, match and
// RegExp.prototype.test all go through exec). For patterns written in playbooks.
export class BoundedRegExp extends RegExp {
  override exec(s: string): RegExpExecArray | null {
    return withRegexTimeout(this.source, () => super.exec(s));
  }
}
