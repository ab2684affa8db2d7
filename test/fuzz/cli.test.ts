// Fuzzing the command line in process: commands and flags with hostile values over generated
// playbook trees (safe actions only: whatever runs, runs on the controller) and inventories. Only
// ansible-playbook's exit codes, no "internal error", no stack trace.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { cliArb, expressionArb } from './arbitraries.js';
import { params, reportAndCheckPeak, SEED, TARGET_TIMEOUT_MS, timed } from './harness.js';
import { cliTarget, FILTERS, TESTS } from './targets.js';

describe(`fuzz: command line (seed ${SEED})`, () => {
  it('commands, flags, playbooks and inventories', async () => {
    await fc.assert(fc.asyncProperty(cliArb(expressionArb(FILTERS, TESTS), expressionArb(FILTERS, TESTS, true)), (c) => timed('cli', c, cliTarget)), params(60));
  }, TARGET_TIMEOUT_MS);

  reportAndCheckPeak('cli');
});
