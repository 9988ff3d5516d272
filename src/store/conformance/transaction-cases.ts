/**
 * Conformance cases for `store.transaction` and the store lifecycle (migrate, ping, close).
 */
import assert from 'node:assert/strict';
import {
  T0,
  assertRejectsWithCode,
  assertResolves,
  assertSameRecord,
  makeDelivery,
  makeEndpoint,
  makeEvent,
  makeInvoice,
  makePayment,
  withClosedStore,
  withStore,
  type StoreConformanceCase,
} from './fixtures.js';

/** Yields to the event loop a few times (not a sleep: lets a concurrent transaction try to run). */
async function yieldTurns(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Cases for transactions and the lifecycle. */
export const transactionCases: readonly StoreConformanceCase[] = [
  {
    name: 'transaction: commits every write together, sees its own writes, returns the callback result',
    run: (make) =>
      withStore(make, async (store) => {
        const invoice = makeInvoice();
        const payment = makePayment({ invoiceId: invoice.id, settleIndex: 5n });
        const result = await store.transaction(async (tx) => {
          await tx.invoices.insert(invoice);
          assert.equal((await tx.invoices.get(invoice.id))?.id, invoice.id, 'read-your-writes');
          await tx.invoices.update(invoice.id, { status: 'settled', settleIndex: 5n }, { fromStatus: ['open'] });
          await tx.payments.insert(payment);
          await tx.checkpoints.advance('lnd.settle_index', 5n);
          return 'done';
        });
        assert.equal(result, 'done');
        assert.equal((await store.invoices.get(invoice.id))?.status, 'settled');
        assertSameRecord(await store.payments.get(payment.id), payment, 'payment');
        assert.equal(await store.checkpoints.get('lnd.settle_index'), 5n);
      }),
  },
  {
    name: 'transaction: a throw rolls back every kind of write and rethrows the same error',
    run: (make) =>
      withStore(make, async (store) => {
        const existing = makeInvoice();
        const endpoint = makeEndpoint();
        await store.invoices.insert(existing);
        await store.webhookEndpoints.insert(endpoint);
        await store.checkpoints.advance('lnd.settle_index', 10n);
        const event = makeEvent();
        const boom = new Error('boom');
        let caught: unknown;
        try {
          await store.transaction(async (tx) => {
            await tx.invoices.insert(makeInvoice({ id: 'inv_rolled_back' }));
            await tx.invoices.update(existing.id, { status: 'settled', settleIndex: 11n });
            await tx.payments.insert(makePayment({ id: 'pay_rolled_back' }));
            await tx.checkpoints.advance('lnd.settle_index', 11n);
            await tx.checkpoints.advance('lnd.add_index', 3n);
            await tx.webhookEndpoints.insert(makeEndpoint({ id: 'whe_rolled_back' }));
            await tx.webhookEndpoints.update(endpoint.id, { isEnabled: false, disabledReason: 'x' });
            await tx.webhookOutbox.enqueue(event, [
              makeDelivery(event.id, { id: 'whd_rolled_back', endpointId: endpoint.id }),
            ]);
            await tx.webhookOutbox.recordAttempt({
              id: 'wha_rolled_back',
              deliveryId: 'whd_rolled_back',
              attempt: 1,
              statusCode: 500,
              latencyMs: 3,
              error: null,
              at: new Date(T0),
            });
            assert.equal(await tx.webhookEndpoints.remove(endpoint.id), true);
            throw boom;
          });
        } catch (error) {
          caught = error;
        }
        assert.equal(caught, boom, 'the very same error is rethrown');
        assert.equal(await store.invoices.get('inv_rolled_back'), undefined);
        assertSameRecord(await store.invoices.get(existing.id), existing, 'updated row restored');
        assert.equal(await store.payments.get('pay_rolled_back'), undefined);
        assert.equal(await store.checkpoints.get('lnd.settle_index'), 10n);
        assert.equal(await store.checkpoints.get('lnd.add_index'), undefined);
        assert.equal(await store.webhookEndpoints.get('whe_rolled_back'), undefined);
        assertSameRecord(await store.webhookEndpoints.get(endpoint.id), endpoint, 'endpoint restored');
        assert.equal(await store.webhookOutbox.getEvent(event.id), undefined);
        assert.equal(await store.webhookOutbox.getDelivery('whd_rolled_back'), undefined);
        assert.deepEqual(await store.webhookOutbox.listAttempts('whd_rolled_back'), []);
        assert.equal(await store.webhookOutbox.countPending(), 0);
        assert.equal((await store.invoices.list()).items.length, 1);
        assert.equal((await store.payments.list()).items.length, 0);
        // The store is still usable after a rollback.
        await store.transaction(async (tx) => tx.checkpoints.advance('lnd.settle_index', 12n));
        assert.equal(await store.checkpoints.get('lnd.settle_index'), 12n);
      }),
  },
  {
    name: 'transaction: a non-Error thrown value and a conflict both roll back and are rethrown as is',
    run: (make) =>
      withStore(make, async (store) => {
        const sentinel = { reason: 'not an Error' };
        let caught: unknown;
        try {
          await store.transaction(async (tx) => {
            await tx.checkpoints.advance('c', 1n);
            throw sentinel;
          });
        } catch (error) {
          caught = error;
        }
        assert.equal(caught, sentinel);
        assert.equal(await store.checkpoints.get('c'), undefined);
        const invoice = makeInvoice();
        await store.invoices.insert(invoice);
        await assertRejectsWithCode(
          store.transaction(async (tx) => {
            await tx.payments.insert(makePayment({ id: 'pay_before_conflict' }));
            await tx.invoices.insert(makeInvoice({ paymentHash: invoice.paymentHash }));
          }),
          'STORE_CONFLICT',
          'conflict inside a transaction',
        );
        assert.equal(await store.payments.get('pay_before_conflict'), undefined);
      }),
  },
  {
    name: 'transaction: a conflict caught inside the callback leaves the other writes to commit',
    run: (make) =>
      withStore(make, async (store) => {
        const invoice = makeInvoice();
        await store.invoices.insert(invoice);
        // PostgreSQL aborts the whole transaction on an error unless the insert ran in a savepoint.
        await assertResolves(
          store.transaction(async (tx) => {
            await tx.payments.insert(makePayment({ id: 'pay_kept' }));
            await assertRejectsWithCode(
              tx.invoices.insert(makeInvoice({ id: invoice.id })),
              'STORE_CONFLICT',
              'dup in tx',
            );
            await tx.checkpoints.advance('after_conflict', 1n);
          }),
          'a transaction that caught a conflict',
        );
        assert.equal((await store.payments.get('pay_kept'))?.id, 'pay_kept');
        assert.equal(await store.checkpoints.get('after_conflict'), 1n);
      }),
  },
  {
    name: 'transaction: concurrent transactions are serialized (read-modify-write does not lose updates)',
    run: (make) =>
      withStore(make, async (store) => {
        const log: string[] = [];
        const bump = (label: string) =>
          store.transaction(async (tx) => {
            log.push(`${label}:start`);
            const current = (await tx.checkpoints.get('counter')) ?? 0n;
            await yieldTurns();
            await tx.checkpoints.advance('counter', current + 1n);
            await yieldTurns();
            log.push(`${label}:end`);
            return label;
          });
        const results = await Promise.all([bump('a'), bump('b'), bump('c')]);
        assert.deepEqual(results, ['a', 'b', 'c']);
        assert.equal(await store.checkpoints.get('counter'), 3n);
        for (let i = 0; i < log.length; i += 2) {
          const label = log[i]!.split(':')[0];
          assert.deepEqual(log.slice(i, i + 2), [`${label}:start`, `${label}:end`], `interleaved: ${log.join(', ')}`);
        }
      }),
  },
  {
    name: 'lifecycle: migrate twice is harmless and keeps data; ping resolves',
    run: (make) =>
      withStore(make, async (store) => {
        const invoice = makeInvoice();
        await store.invoices.insert(invoice);
        await assertResolves(store.migrate(), 'second migrate');
        await assertResolves(store.migrate(), 'third migrate');
        await assertResolves(store.ping(), 'ping');
        assertSameRecord(await store.invoices.get(invoice.id), invoice, 'after migrate');
      }),
  },
  {
    name: 'lifecycle: close is idempotent; afterwards ping, migrate and transaction reject with StoreError',
    run: (make) =>
      withClosedStore(make, async (store) => {
        await assertResolves(store.close(), 'a second close');
        await assertRejectsWithCode(store.ping(), 'STORE_ERROR', 'ping after close');
        await assertRejectsWithCode(store.migrate(), 'STORE_ERROR', 'migrate after close');
        await assertRejectsWithCode(
          store.transaction(async () => 1),
          'STORE_ERROR',
          'transaction after close',
        );
      }),
  },
];
