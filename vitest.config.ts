import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The lab-driven files mostly wait on timers and other processes, so at least three run at
    // once even where vitest's default (CPUs - 1) would run them one after the other.
    maxWorkers: Math.max(5, availableParallelism() - 1),
  },
});
