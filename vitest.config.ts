import { defineConfig } from 'vitest/config';

/**
 * `npm test` (`test:unit`): everything but the slow stress suites under test/chaos/, which
 * `npm run test:chaos` runs with vitest.chaos.config.ts (and `.ci/run` runs after `npm test`).
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/chaos/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores (vitest's default leaves one idle).
    maxWorkers: 2,
    // Every line logged through the test loggers is scanned for secrets at the end of the run.
    globalSetup: ['test/helpers/log-scan-setup.ts'],
  },
});
