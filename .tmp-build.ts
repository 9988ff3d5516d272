import { build } from 'tsup';
import { entries } from './tsup.config.js';
await build({ entry: { ...entries }, format: ['esm'], target: 'node20', platform: 'node', outDir: 'node_modules/.lnkit-bench-dist', dts: false, clean: true, splitting: true, treeshake: true, silent: true, config: false });
