/**
 * The mutation test of `storeConformanceCases`: every mutant (a memory store broken one
 * guarantee at a time) is killed by the cases it names, and every case kills some mutant.
 */
import { sharedStoreConformanceCases, storeConformanceCases } from '../../src/store/conformance.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/store.js';
import { describeMutation } from './harness.js';
import { pairOf, sharedStoreMutants } from './store-mutants-leadership.js';
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

describeMutation<Store>('Shared-store conformance cases kill every shared-store mutant', {
  cases: sharedStoreConformanceCases,
  mutants: sharedStoreMutants,
  mutantsFile: 'test/mutation/store-mutants-leadership.ts',
  async run(name, wrap) {
    const c = sharedStoreConformanceCases.find((x) => x.name === name);
    if (!c) throw new Error(`no shared-store conformance case named "${name}"`);
    await c.run(async () => pairOf(wrap ? wrap(createMemoryStore()) : createMemoryStore()));
  },
});
