import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Folders whose tests call code in the test's process only (no lab, no CLI process, no sshd): their
// files share a worker process and its loaded modules instead of starting one each.
const UNIT = ['expr', 'py', 'inventory', 'load', 'validate', 'ui', 'report', 'plan', 'cluster', 'architecture', 'kube', 'modules', 'lab/kube', 'conformance'].flatMap((d) => [
  `test/${d}/**/*.test.ts`,
  `test/${d}/**/*.test.tsx`,
]);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The lab-driven files mostly wait on timers and other processes, so seven run at once even
    // where vitest's default (CPUs - 1) would run them one after the other.
    maxWorkers: Math.max(7, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, isolate: false } },
      { extends: true, test: { name: 'process', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: UNIT } },
    ],
  },
});
