/**
 * Conformance cases for `store.payments` and `store.checkpoints`.
 */
import assert from 'node:assert/strict';
import type { Payment } from '../../domain/payment.js';
import {
  BIG_MSAT,
  T0,
  assertRejectsWithCode,
  assertSameRecord,
  collectPages,
  hex32,
  makePayment,
  newestFirstIds,
  withStore,
  type StoreConformanceCase,
} from './fixtures.js';

/** Cases for the payment and checkpoint repositories. */
export const paymentCases: readonly StoreConformanceCase[] = [
  {
    name: 'payments: insert then get returns every field intact, both directions',
    run: (make) =>
      withStore(make, async (store) => {
        const incoming = makePayment({
          direction: 'in',
          amountMsat: BIG_MSAT,
          settleIndex: BIG_MSAT - 7n,
          invoiceId: 'inv_x',
          completedAt: new Date(T0 + 3),
        });
        const outgoing = makePayment({
          direction: 'out',
          status: 'failed',
          paymentRequest: 'lnbcrt1pjout',
          amountMsat: 1n,
          feeMsat: 2_000_000_000_000_000_000n,
          feeLimitMsat: BIG_MSAT,
          preimage: hex32(),
          failureReason: 'no_route',
          idempotencyKey: 'send-1',
          updatedAt: new Date(T0 + 1),
          completedAt: new Date(T0 + 2),
        });
        for (const p of [incoming, outgoing]) await store.payments.insert(p);
        assertSameRecord(await store.payments.get(incoming.id), incoming, 'incoming');
        assertSameRecord(await store.payments.get(outgoing.id), outgoing, 'outgoing');
        assertSameRecord(await store.payments.getByPaymentHash(outgoing.paymentHash, 'out'), outgoing, 'by hash');
        assertSameRecord(await store.payments.getByIdempotencyKey('send-1'), outgoing, 'by key');
      }),
  },
  {
    name: 'payments: lookups of unknown rows return undefined; the hash lookup respects direction',
    run: (make) =>
      withStore(make, async (store) => {
        const p = makePayment({ direction: 'in' });
        await store.payments.insert(p);
        assert.equal(await store.payments.get('pay_missing'), undefined);
        assert.equal(await store.payments.getByPaymentHash(p.paymentHash, 'out'), undefined);
        assert.equal(await store.payments.getByPaymentHash(hex32(), 'in'), undefined);
        assert.equal(await store.payments.getByIdempotencyKey('nope'), undefined);
        assert.equal(await store.payments.update('pay_missing', { status: 'failed' }), undefined);
      }),
  },
  {
    name: 'payments: duplicate id, (direction, payment hash) or idempotency key throws StoreConflictError',
    run: (make) =>
      withStore(make, async (store) => {
        const first = makePayment({ direction: 'out', status: 'in_flight', idempotencyKey: 'pk' });
        await store.payments.insert(first);
        await assertRejectsWithCode(
          store.payments.insert(makePayment({ id: first.id })),
          'STORE_CONFLICT',
          'duplicate id',
        );
        await assertRejectsWithCode(
          store.payments.insert(makePayment({ direction: 'out', paymentHash: first.paymentHash })),
          'STORE_CONFLICT',
          'duplicate (out, hash)',
        );
        await assertRejectsWithCode(
          store.payments.insert(makePayment({ idempotencyKey: 'pk' })),
          'STORE_CONFLICT',
          'duplicate key',
        );
        // The same hash in the other direction is a different payment (paying our own invoice).
        const mirror = makePayment({ direction: 'in', paymentHash: first.paymentHash });
        await store.payments.insert(mirror);
        await store.payments.insert(makePayment({ idempotencyKey: null }));
        await store.payments.insert(makePayment({ idempotencyKey: null }));
        assertSameRecord(await store.payments.getByPaymentHash(first.paymentHash, 'in'), mirror, 'in');
        assertSameRecord(await store.payments.getByPaymentHash(first.paymentHash, 'out'), first, 'out');
        assert.equal((await store.payments.list()).items.length, 4);
      }),
  },
  {
    name: 'payments: update applies the patch; fromStatus guards racing writers',
    run: (make) =>
      withStore(make, async (store) => {
        const p = makePayment({ direction: 'out', status: 'in_flight', feeLimitMsat: 5000n });
        await store.payments.insert(p);
        assert.equal(await store.payments.update(p.id, { status: 'failed' }, { fromStatus: ['unknown'] }), undefined);
        assertSameRecord(await store.payments.get(p.id), p, 'unchanged');
        const patch = {
          status: 'succeeded',
          feeMsat: 1234n,
          preimage: hex32(),
          amountMsat: BIG_MSAT,
          updatedAt: new Date(T0 + 50),
          completedAt: new Date(T0 + 50),
          settleIndex: 3n,
          failureReason: null,
          feeLimitMsat: 99_000n,
        } as const;
        const expected: Payment = { ...p, ...patch };
        assertSameRecord(
          await store.payments.update(p.id, patch, { fromStatus: ['in_flight', 'unknown'] }),
          expected,
          'result',
        );
        assertSameRecord(await store.payments.get(p.id), expected, 'stored');
        assert.equal(
          await store.payments.update(
            p.id,
            { status: 'failed', failureReason: 'timeout' },
            { fromStatus: ['in_flight'] },
          ),
          undefined,
        );
        const cleared = await store.payments.update(p.id, { preimage: null, completedAt: null, settleIndex: null });
        assertSameRecord(cleared, { ...expected, preimage: null, completedAt: null, settleIndex: null }, 'cleared');
      }),
  },
  {
    name: 'payments: list filters by direction and status and pages newest first without gaps',
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
        const all = await collectPages((cursor) => store.payments.list({ limit: 4, cursor }), 4);
        assert.deepEqual(
          all.map((p) => p.id),
          newestFirstIds(rows),
        );
        const outSucceeded = await collectPages(
          (cursor) => store.payments.list({ limit: 2, cursor, direction: 'out', status: 'succeeded' }),
          2,
        );
        assert.deepEqual(
          outSucceeded.map((p) => p.id),
          newestFirstIds(rows.filter((r) => r.direction === 'out' && r.status === 'succeeded')),
        );
        const either = await store.payments.list({ status: ['in_flight', 'failed'], limit: 1000 });
        assert.deepEqual(
          either.items.map((p) => p.id),
          newestFirstIds(rows.filter((r) => r.status === 'in_flight')),
        );
        assert.equal(either.nextCursor, null);
        assert.deepEqual((await store.payments.list({ status: [] })).items, []);
        await assertRejectsWithCode(store.payments.list({ cursor: 'garbage!' }), 'INVALID_INPUT', 'bad cursor');
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
