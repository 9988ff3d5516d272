import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every line logged through the test loggers is scanned for secrets at the end of the run.
    globalSetup: ['test/helpers/log-scan-setup.ts'],
  },
});
