import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: the slow stress suites (1,000 settlements under dropped streams and SIGKILLs,
 * 10,000 webhooks, crash-restart runs). Kept out of `npm test` so contributors run that often;
 * `.ci/run` runs both.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/helpers/log-scan-setup.ts'],
  },
});
