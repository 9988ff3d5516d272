/**
 * The mutation test of `rateProviderConformanceCases`: every mutant (a fixed-rate provider broken
 * one guarantee at a time) is killed by the cases it names, and every case kills some mutant.
 */
import { rateProviderConformanceCases } from '../../src/rates/conformance.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import type { RateProvider } from '../../src/rates/rate-provider.js';
import { describeMutation } from './harness.js';
import { rateMutants } from './rate-mutants.js';

describeMutation<RateProvider>('RateProvider conformance cases kill every RateProvider mutant', {
  cases: rateProviderConformanceCases,
  mutants: rateMutants,
  mutantsFile: 'test/mutation/rate-mutants.ts',
  async run(name, wrap) {
    const c = rateProviderConformanceCases.find((x) => x.name === name);
    if (!c) throw new Error(`no RateProvider conformance case named "${name}"`);
    const make = () => createFixedRates('87654.32');
    await c.run(wrap ? () => wrap(make()) : make);
  },
});
