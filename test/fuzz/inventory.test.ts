// Fuzzing INI and YAML inventories (as files with and without an extension, so both parsers and
// the fallback from one to the other are exercised), with host ranges, deep literals and junk.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { iniInventory, yamlInventory } from './arbitraries.js';
import { params, reportAndCheckPeak, SEED, TARGET_TIMEOUT_MS, timed } from './harness.js';
import { inventoryTarget } from './targets.js';

describe(`fuzz: inventories (seed ${SEED})`, () => {
  it('INI inventories', async () => {
    await fc.assert(fc.asyncProperty(iniInventory, fc.constantFrom('.ini' as const, '' as const), (text, ext) => timed('ini-inventory', text, (t) => inventoryTarget(t, ext))), params(200));
  }, TARGET_TIMEOUT_MS);

  it('YAML inventories', async () => {
    await fc.assert(fc.asyncProperty(yamlInventory, fc.constantFrom('.yml' as const, '' as const), (text, ext) => timed('yaml-inventory', text, (t) => inventoryTarget(t, ext))), params(200));
  }, TARGET_TIMEOUT_MS);

  reportAndCheckPeak('inventory');
});
