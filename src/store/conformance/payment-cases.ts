/**
 * Conformance cases for `store.payments` beyond the table-driven rules (rule-table.ts), and for
 * `store.checkpoints`.
 */
import assert from 'node:assert/strict';
import type { Payment } from '../../domain/payment.js';
import {
  BIG_MSAT,
  T0,
  collectPages,
  makePayment,
  newestFirstIds,
  withStore,
  type StoreConformanceCase,
} from './fixtures.js';

/** Cases for the payment and checkpoint repositories. */
export const paymentCases: readonly StoreConformanceCase[] = [
  {
    name: 'payments: list filters by direction, with and without a status, newest first across pages',
    run: (make) =>
      withStore(make, async (store) => {
        const rows: Payment[] = [];
        for (let i = 0; i < 30; i++) {
          rows.push(
            makePayment({
              direction: i % 3 === 0 ? 'out' : 'in',
              status: i % 2 === 0 ? 'succeeded' : 'in_flight',
              createdAt: new Date(T0 + (i < 12 ? 0 : i * 10)),
            }),
          );
        }
        await store.transaction(async (tx) => {
          for (const row of rows) await tx.payments.insert(row);
        });
        for (const direction of ['in', 'out'] as const) {
          const got = await collectPages((cursor) => store.payments.list({ limit: 4, cursor, direction }), 4);
          assert.deepEqual(
            got.map((p) => p.id),
            newestFirstIds(rows.filter((r) => r.direction === direction)),
            `direction ${direction}`,
          );
        }
        const outSucceeded = await collectPages(
          (cursor) => store.payments.list({ limit: 2, cursor, direction: 'out', status: 'succeeded' }),
          2,
        );
        assert.deepEqual(
          outSucceeded.map((p) => p.id),
          newestFirstIds(rows.filter((r) => r.direction === 'out' && r.status === 'succeeded')),
          'out and succeeded',
        );
      }),
  },
  {
    name: 'checkpoints: unknown is undefined; advance only moves forward and returns the stored value',
    run: (make) =>
      withStore(make, async (store) => {
        assert.equal(await store.checkpoints.get('lnd.settle_index'), undefined);
        assert.equal(await store.checkpoints.advance('lnd.settle_index', 999n), 999n);
        assert.equal(await store.checkpoints.advance('lnd.settle_index', 1000n), 1000n);
        // A string comparison would keep 999 > 1000; the value must compare as a number.
        assert.equal(await store.checkpoints.advance('lnd.settle_index', 999n), 1000n);
        assert.equal(await store.checkpoints.get('lnd.settle_index'), 1000n);
        assert.equal(await store.checkpoints.advance('lnd.add_index', BIG_MSAT), BIG_MSAT);
        assert.equal(await store.checkpoints.advance('lnd.add_index', 300_000_000_000_000_000n), BIG_MSAT);
        assert.equal(await store.checkpoints.advance('lnd.add_index', BIG_MSAT + 1n), BIG_MSAT + 1n);
        assert.equal(await store.checkpoints.get('lnd.add_index'), BIG_MSAT + 1n);
        assert.equal(await store.checkpoints.get('lnd.settle_index'), 1000n);
        assert.equal(await store.checkpoints.advance('zero', 0n), 0n);
        assert.equal(await store.checkpoints.get('zero'), 0n);
      }),
  },
];
