/**
 * The mutation test of `storeConformanceCases`: every mutant (a memory store broken one
 * guarantee at a time) is killed by the cases it names, and every case kills some mutant.
 */
import { storeConformanceCases } from '../../src/store/conformance.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/store.js';
import { describeMutation } from './harness.js';
import { storeMutants } from './store-mutants.js';

describeMutation<Store>('Store conformance cases kill every Store mutant', {
  cases: storeConformanceCases,
  mutants: storeMutants,
  mutantsFile: 'test/mutation/store-mutants*.ts',
  async run(name, wrap) {
    const c = storeConformanceCases.find((x) => x.name === name);
    if (!c) throw new Error(`no Store conformance case named "${name}"`);
    await c.run(async () => (wrap ? wrap(createMemoryStore()) : createMemoryStore()));
  },
});
