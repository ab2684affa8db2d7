// Fuzzing the YAML loader and the playbook validator: no generated file or tree crashes them,
// hangs past 10 s or takes the process past 512 MB (harness.ts); every diagnostic has a position
// inside its file and prints without control characters (targets.ts).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { aliasBomb, deepYaml, expressionArb, longLine, playbookTreeArb, rawBytes, yamlFile } from './arbitraries.js';
import { params, reportAndCheckPeak, SEED, TARGET_TIMEOUT_MS, timed } from './harness.js';
import { FILTERS, TESTS, validatorTarget, yamlTarget } from './targets.js';

describe(`fuzz: loader (seed ${SEED})`, () => {
  it('the YAML loader', async () => {
    await fc.assert(fc.asyncProperty(yamlFile, (f) => timed('yaml', f, yamlTarget)), params(300));
  }, TARGET_TIMEOUT_MS);

  it('the YAML loader on the shapes that used to exhaust memory', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(deepYaml, aliasBomb, longLine, rawBytes), (f) => timed('yaml-hostile', f, yamlTarget)), params(40));
  }, TARGET_TIMEOUT_MS);

  it('the playbook validator', async () => {
    await fc.assert(fc.asyncProperty(playbookTreeArb(expressionArb(FILTERS, TESTS)), (t) => timed('validator', t, validatorTarget)), params(100));
  }, TARGET_TIMEOUT_MS);

  reportAndCheckPeak('loader');
});
