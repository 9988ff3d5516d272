import { defineConfig } from 'tsup';

/** Library entries: names match package.json `exports` keys (checked by test/package/entries.test.ts). */
export const entries = {
  index: 'src/index.ts',
  lnd: 'src/lnd/index.ts',
  'store-sqlite': 'src/store/sqlite/index.ts',
  'store-postgres': 'src/store/postgres/index.ts',
  rates: 'src/rates/index.ts',
  webhooks: 'src/webhooks/index.ts',
  bolt11: 'src/bolt11/index.ts',
  http: 'src/http/index.ts',
  testing: 'src/testing/index.ts',
} as const;

export default defineConfig({
  // The CLI is the package's `bin`, not an export.
  entry: { ...entries, cli: 'src/cli/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { ...entries } },
  clean: true,
  splitting: true,
  sourcemap: true,
  treeshake: true,
});
