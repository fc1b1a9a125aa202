import { defineConfig } from 'vitest/config';

// End-to-end tests: the real `covenant serve` in a child process, driven in Debian's Chromium by playwright-core.
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
