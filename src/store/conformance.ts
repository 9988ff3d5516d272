/**
 * The Store conformance suite: runner-agnostic cases every Store adapter must pass — lnkit's
 * memory and SQLite stores and yours. Each case makes its own store(s), calls `migrate()`
 * first and `close()` at the end, and throws (`node:assert`) on failure.
 * @example
 * // vitest / jest
 * for (const c of storeConformanceCases) it(c.name, () => c.run(async () => createMyStore()));
 */
import type { Store } from './store.js';
import { closedStoreCases } from './conformance/closed-store.js';
import type { StoreConformanceCase } from './conformance/fixtures.js';
import { claimCases } from './conformance/claim-cases.js';
import { invoiceCases } from './conformance/invoice-cases.js';
import { maintenanceCases } from './conformance/maintenance-cases.js';
import { paymentCases } from './conformance/payment-cases.js';
import { ruleCases } from './conformance/rule-table.js';
import { transactionCases } from './conformance/transaction-cases.js';
import { webhookCases } from './conformance/webhook-cases.js';

export type { StoreConformanceCase } from './conformance/fixtures.js';

/**
 * Every Store conformance case, in a stable order: repository-specific cases, then one case per
 * cell of the rules × repositories table, then "every method rejects after close()" per repository.
 */
export const storeConformanceCases: readonly StoreConformanceCase[] = Object.freeze([
  ...invoiceCases,
  ...paymentCases,
  ...transactionCases,
  ...webhookCases,
  ...claimCases,
  ...maintenanceCases,
  ...ruleCases,
  ...closedStoreCases,
]);

/**
 * Registers every case with a test runner's `it`/`test` function.
 * @param makeStore returns a fresh, empty store on each call
 * @param register e.g. vitest's `it`, jest's `test`, or `(name, fn) => test(name, fn)` from node:test
 * @example runStoreConformance(async () => createMemoryStore(), it);
 */
export function runStoreConformance(
  makeStore: () => Promise<Store>,
  register: (name: string, fn: () => Promise<void>) => void,
): void {
  for (const c of storeConformanceCases) register(c.name, () => c.run(makeStore));
}
