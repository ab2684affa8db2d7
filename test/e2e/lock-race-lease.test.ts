// The run lock as a lease through the built CLI: two runs started in the same millisecond never both
// hold it, 50 rounds (one file per lock kind, so the two kinds race in parallel).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApi } from '../../lab/kube/index.js';
import { assertBuilt, type CliResult } from './cli.js';
import { removeSpaces, space, taken, until } from './lock-space.js';

const ROUNDS = 50;
const kind = 'lease';
let api: KubeApi;

beforeAll(async () => {
  assertBuilt();
  api = await startKubeApi({ controllers: false });
});
afterAll(async () => {
  await api?.close();
  removeSpaces();
});

describe(`the run lock as a ${kind}, through the CLI`, () => {
  it(`two runs started in the same millisecond: never both hold it (${ROUNDS} rounds)`, { timeout: 400_000 }, async () => {
    const s = space(kind, api);
    for (let i = 0; i < ROUNDS; i++) {
      s.gate('a', true);
      s.gate('b', true);
      const a = s.start('a');
      const b = s.start('b');
      let aDone: CliResult | undefined;
      let bDone: CliResult | undefined;
      void a.done.then((r) => (aDone = r));
      void b.done.then((r) => (bDone = r));
      await until(() => (taken(a.out()) || aDone !== undefined) && (taken(b.out()) || bDone !== undefined), 'both runs to settle');
      const holders = [taken(a.out()), taken(b.out())].filter(Boolean).length;
      expect(holders, `round ${i}`).toBe(1);
      s.gate('a', false);
      s.gate('b', false);
      const [ra, rb] = await Promise.all([a.done, b.done]);
      expect([ra.rc, rb.rc].sort(), `round ${i}`).toEqual([0, 1]);
      expect((ra.rc === 1 ? ra : rb).stdout).toMatch(/the cluster is locked by run \S+/);
      expect(s.holder()).toBeUndefined();
    }
  });

});
