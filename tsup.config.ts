import { defineConfig } from 'tsup';

/** Entry names match package.json `exports` keys (checked by test/package/entries.test.ts). */
export const entries = {
  index: 'src/index.ts',
  bolt11: 'src/bolt11/index.ts',
  'store-sqlite': 'src/store/sqlite/index.ts',
  testing: 'src/testing/index.ts',
} as const;

export default defineConfig({
  entry: { ...entries },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  clean: true,
  splitting: true,
  sourcemap: true,
  treeshake: true,
});
