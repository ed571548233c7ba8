import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test time is spent waiting on servers and timers, not CPU: more files in flight than cores.
    maxWorkers: 4,
    globalSetup: ['test/global-setup.ts'],
  },
});
