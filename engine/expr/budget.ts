// Bounds on one evaluation (a template render or an expression, with everything it templates on
// the way): evaluation steps, the size of strings and lists it produces, how deeply templating
// nests (with the chain of variables and template files that got there), and JavaScript's own
// failures (stack exhausted, string too long) turned into expression errors with a clear message.
import { ExprRuntimeError, ExprSyntaxError, UndefinedVariableError } from './errors.js';
import { isStackOverflow, isTooLarge, LimitError, limit, limitHint } from '../shared/limits.js';

let depth = 0;
let steps = 0;
let maxSteps = 0;
let maxString = 0;
let maxList = 0;
const chain: string[] = [];

// The labels (variable names, template files) of the templating in progress, outermost first.
export function templatingChain(): readonly string[] {
  return chain;
}

// The shortest description of the chain ending in `last`: one turn of the cycle when `last`
// repeats (`a -> b -> a`), else its last dozen steps.
export function describeChain(last: string): string {
  const all = [...chain, last];
  const prev = all.lastIndexOf(last, all.length - 2);
  if (prev >= 0) return `${prev > 0 ? '... -> ' : ''}${all.slice(prev).join(' -> ')}`;
  return all.length > 12 ? `... -> ${all.slice(-12).join(' -> ')}` : all.join(' -> ');
}

function limitError(name: 'exprSteps' | 'stringChars' | 'listItems' | 'templateDepth', message: string): ExprRuntimeError {
  return new ExprRuntimeError(`${message} (${limitHint(name)})`);
}

// Counts one evaluation step; past the budget the evaluation stops with an error.
export function step(): void {
  if (++steps > maxSteps && depth > 0) throw limitError('exprSteps', `the template or expression takes more than ${maxSteps} evaluation steps`);
}

// Counts `n` steps at once (a filter doing n units of work).
export function charge(n: number): void {
  steps += n;
  if (steps > maxSteps && depth > 0) throw limitError('exprSteps', `the template or expression takes more than ${maxSteps} evaluation steps`);
}

// Refuses a string or list longer than the limits; returns the value.
export function checkSize<T>(v: T): T {
  if (typeof v === 'string') {
    if (v.length > (maxString || limit('stringChars'))) throw limitError('stringChars', `a string of ${v.length} characters is longer than the limit`);
  } else if (Array.isArray(v) && v.length > (maxList || limit('listItems'))) {
    throw limitError('listItems', `a list of ${v.length} items is longer than the limit`);
  }
  return v;
}

// Refuses, before building it, a result of `length` characters (string) or items (list).
export function checkLength(length: number, kind: 'string' | 'list'): void {
  if (!Number.isFinite(length)) throw limitError(kind === 'string' ? 'stringChars' : 'listItems', `a ${kind} of unbounded length was requested`);
  if (kind === 'string' && length > (maxString || limit('stringChars'))) throw limitError('stringChars', `a string of ${length} characters would be longer than the limit`);
  if (kind === 'list' && length > (maxList || limit('listItems'))) throw limitError('listItems', `a list of ${length} items would be longer than the limit`);
}

// An error from JavaScript or a helper turned into an expression error (others pass through).
export function asExprError(e: unknown, where?: string): unknown {
  if (e instanceof ExprRuntimeError || e instanceof ExprSyntaxError || e instanceof UndefinedVariableError) return e;
  if (isStackOverflow(e)) return new ExprRuntimeError(`the value or template is nested too deeply to evaluate${where ? ` (in ${where})` : ''}: JavaScript's call stack was exhausted`);
  if (isTooLarge(e)) return limitError('stringChars', `a value${where ? ` built by ${where}` : ''} is too large (${(e as Error).message})`);
  if (e instanceof LimitError) return new ExprRuntimeError(e.message);
  if (e instanceof TypeError || e instanceof ReferenceError || e instanceof SyntaxError) {
    return new ExprRuntimeError(`internal error in tsplay${where ? ` while running ${where}` : ''} (a bug, please report it): ${e.name}: ${e.message}`);
  }
  if (e instanceof Error) return new ExprRuntimeError(e.message);
  return e;
}

// Runs one evaluation (or a nested templating step labelled with a variable name or a template
// file): the outermost call starts the step budget; nesting beyond the limit is refused with the
// chain of labels; JavaScript's failures come out as expression errors.
export function evaluation<T>(label: string | undefined, f: () => T): T {
  if (depth === 0) {
    steps = 0;
    maxSteps = limit('exprSteps');
    maxString = limit('stringChars');
    maxList = limit('listItems');
  }
  if (label !== undefined && chain.length >= limit('templateDepth')) {
    throw limitError('templateDepth', `templating nested more than ${limit('templateDepth')} levels deep, through ${describeChain(label)}`);
  }
  if (depth >= 4 * limit('templateDepth')) throw limitError('templateDepth', `templating nested more than ${4 * limit('templateDepth')} evaluations deep`);
  depth++;
  if (label !== undefined) chain.push(label);
  try {
    return f();
  } catch (e) {
    throw asExprError(e);
  } finally {
    depth--;
    if (label !== undefined) chain.pop();
  }
}
