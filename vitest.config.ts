import { defineConfig } from 'vitest/config';

/**
 * `npm test` (`test:unit`): everything but the slow stress suites under test/chaos/, which
 * `npm run test:chaos` runs with vitest.chaos.config.ts (and `.ci/run` runs after `npm test`).
 * Two projects on one pool: `unit` (src/: in-memory unit tests, one module cache per worker, which
 * takes their run from ~100 s to ~30 s on two cores) and `integration` (test/, examples/: each
 * file in a fresh process, as they start servers, child processes and simulators).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores (vitest's default leaves one idle).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/chaos/**'],
          // Every line logged through the test loggers is scanned for secrets at the end of the run
          // (the unit project's workers get the same files: the setup runs before any worker starts).
          globalSetup: ['test/helpers/log-scan-setup.ts'],
        },
      },
    ],
  },
});
