/**
 * The mutation test of `lndClientConformanceCases`: every mutant (the fake LND broken one
 * guarantee at a time) is killed by the cases it names, and every case kills some mutant.
 */
import { lndClientConformanceCases, type LndConformanceContext } from '../../src/lnd/conformance.js';
import { createFakeLnd } from '../../src/testing/fake-lnd.js';
import { describeMutation } from './harness.js';
import { lndMutants } from './lnd-mutants.js';

describeMutation<LndConformanceContext>('LndClient conformance cases kill every LndClient mutant', {
  cases: lndClientConformanceCases,
  mutants: lndMutants,
  mutantsFile: 'test/mutation/lnd-mutants.ts',
  async run(name, wrap) {
    const c = lndClientConformanceCases.find((x) => x.name === name);
    if (!c) throw new Error(`no LndClient conformance case named "${name}"`);
    const fake = createFakeLnd();
    const ctx: LndConformanceContext = { lnd: fake.lnd, payer: fake.payer };
    try {
      await c.run(wrap ? wrap(ctx) : ctx);
    } finally {
      await fake.lnd.close();
      await fake.payer.close();
      fake.network.close();
    }
  },
});
