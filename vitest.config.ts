import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn real processes; a generous per-test limit keeps a hung child from stalling CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // vitest runs availableParallelism() - 1 files at once: one at a time on a 2-core machine, like this one and CI
    // (188 s). One file per core takes 89 s; one more than the cores is no faster (96 s) and starves the tests that
    // bound memory or wait on servers of CPU.
    maxWorkers: Math.max(2, os.availableParallelism()),
  },
});
