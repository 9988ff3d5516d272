/**
 * The LndClient conformance suite: runner-agnostic cases (node:assert) that every LndClient
 * implementation must pass — the gRPC adapter against a real LND or the simulator, and the fake.
 * Each case is self-contained (fresh invoices with random preimages), closes its streams, and
 * does not assume an empty node.
 */
import { invoiceCases } from './conformance-invoices.js';
import { paymentCases } from './conformance-payments.js';
import type { LndConformanceCase } from './conformance-helpers.js';

export type { LndConformanceCase, LndConformanceContext } from './conformance-helpers.js';

/**
 * Every case; run those with `needsPayer` only when `payer` can pay `lnd`.
 * @example for (const c of lndClientConformanceCases) it(c.name, () => c.run({ lnd, payer }));
 */
export const lndClientConformanceCases: readonly LndConformanceCase[] = Object.freeze([
  ...invoiceCases,
  ...paymentCases,
]);
