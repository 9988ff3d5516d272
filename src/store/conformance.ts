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
import { eventLogCases } from './conformance/event-log-cases.js';
import { leaseCases } from './conformance/lease-cases.js';
import {
  sharedStoreCases,
  type OpenStorePair,
  type SharedStoreConformanceCase,
} from './conformance/shared-store-cases.js';
import { invoiceCases } from './conformance/invoice-cases.js';
import { nodeCases } from './conformance/node-cases.js';
import { maintenanceCases } from './conformance/maintenance-cases.js';
import { paymentCases } from './conformance/payment-cases.js';
import { rebalanceCases } from './conformance/rebalance-cases.js';
import { ruleCases } from './conformance/rule-table.js';
import { transactionCases } from './conformance/transaction-cases.js';
import { webhookCases } from './conformance/webhook-cases.js';

export type { StoreConformanceCase } from './conformance/fixtures.js';
export type { OpenStorePair, SharedStoreConformanceCase } from './conformance/shared-store-cases.js';

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
  ...nodeCases,
  ...leaseCases,
  ...eventLogCases,
  ...rebalanceCases,
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

/**
 * Cases for a store several processes share: each opens two handles on one database (two SQLite
 * stores on one file, two PostgreSQL stores on one schema) and checks leases and the event log across
 * them. A single-process store (memory) passes one handle twice.
 */
export const sharedStoreConformanceCases: readonly SharedStoreConformanceCase[] = Object.freeze([...sharedStoreCases]);

/**
 * Registers every shared-store case with a test runner.
 * @param openPair returns two handles on one fresh, empty database on each call
 * @example runSharedStoreConformance(async () => [createSqliteStore({ filename: f }), createSqliteStore({ filename: f })], it);
 */
export function runSharedStoreConformance(
  openPair: OpenStorePair,
  register: (name: string, fn: () => Promise<void>) => void,
): void {
  for (const c of sharedStoreConformanceCases) register(c.name, () => c.run(openPair));
}
