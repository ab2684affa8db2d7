// Fuzzing the expression language: expressions and templates built from the real filter, test
// and function tables (and nesting, huge numbers, catastrophic regexes, recursive variables) end
// in a value or an expression error — never another exception, never past 10 s or 512 MB.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expressionArb, templateArb } from './arbitraries.js';
import { params, reportAndCheckPeak, SEED, TARGET_TIMEOUT_MS, timed } from './harness.js';
import { exprTarget, FILTERS, TESTS } from './targets.js';

describe(`fuzz: expression language (seed ${SEED})`, () => {
  it('expressions and templates', async () => {
    const expr = expressionArb(FILTERS, TESTS);
    await fc.assert(fc.asyncProperty(fc.oneof(expr.map((e) => `{{ ${e} }}`), templateArb(expr)), (src) => timed('expressions', src, exprTarget)), params(600));
  }, TARGET_TIMEOUT_MS);

  reportAndCheckPeak('language');
});
