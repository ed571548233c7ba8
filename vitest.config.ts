import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test time is spent waiting on servers and timers, not CPU: more files in flight than cores.
    maxWorkers: 4,
    // Files share their worker's module graph instead of importing the sandbox and bot again each time:
    // that import was a third of each e2e file's time, and sharing it halves the suite's CPU. Each file starts
    // its own sandbox under its own Redis prefix, and many start several in one process already.
    isolate: false,
    globalSetup: ['test/global-setup.ts'],
  },
});
