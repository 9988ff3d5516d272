/**
 * Conformance cases for `store.rebalances` beyond the table-driven rules (rule-table.ts).
 */
import assert from 'node:assert/strict';
import { T0, withStore, type StoreConformanceCase } from './fixtures.js';
import { makeRebalance } from './subjects-rebalances.js';

/** The name of the fee-budget case. */
export const SUM_FEES_CASE =
  'rebalances: sumFeesSince adds the fees of succeeded rebalances completed at or after `since`, exactly';

/** Cases for the rebalance repository. */
export const rebalanceCases: readonly StoreConformanceCase[] = [
  {
    name: SUM_FEES_CASE,
    run: (make) =>
      withStore(make, async (store) => {
        const since = new Date(T0 + 1000);
        assert.equal(await store.rebalances.sumFeesSince(since), 0n, 'no rows');
        const done = (feeMsat: bigint, completedAtMs: number, status: 'succeeded' | 'failed' = 'succeeded') =>
          makeRebalance({ status, feeMsat, completedAt: new Date(completedAtMs) });
        const rows = [
          done(9_007_199_254_740_993n, T0 + 1000), // exactly at `since`: counted; above 2^53
          done(1_001n, T0 + 5000),
          done(500_000n, T0 + 999), // a millisecond before: not counted
          done(7_000n, T0 + 2000, 'failed'),
          makeRebalance({ status: 'in_flight', feeMsat: 3_000n, completedAt: null }),
        ];
        for (const row of rows) await store.rebalances.insert(row);
        assert.equal(await store.rebalances.sumFeesSince(since), 9_007_199_254_741_994n, 'the sum');
        assert.equal(await store.rebalances.sumFeesSince(new Date(T0 + 5001)), 0n, 'after every row');
      }),
  },
];
