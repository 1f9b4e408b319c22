import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn real processes; a generous per-test limit keeps a hung child from stalling CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // vitest runs availableParallelism() - 1 files at once: one at a time on a 2-core machine, like this one and CI.
    // Most tests wait on child processes rather than compute, so a worker more than the cores keeps them busy.
    maxWorkers: os.availableParallelism() + 1,
  },
});
