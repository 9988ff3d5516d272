/**
 * Conformance cases for the optional `store.maintenance` (#18): what retention removes, what it
 * never touches, batching, and the table figures. A store without `maintenance` passes trivially.
 */
import assert from 'node:assert/strict';
import type { Store } from '../store.js';
import {
  T0,
  assertRejectsWithCode,
  makeAttempt,
  makeDelivery,
  makeEvent,
  makeInvoice,
  makePayment,
  withStore,
  type StoreConformanceCase,
} from './fixtures.js';

const DAY = 86_400_000;
const at = (offset: number) => new Date(T0 + offset);

/** An event with one delivery in `status`, last changed at `updatedAt`, and one attempt. */
async function seedEvent(store: Store, status: 'pending' | 'delivered' | 'failed', updatedAt: Date, createdAt = at(0)) {
  const event = makeEvent({ createdAt });
  const delivery = makeDelivery(event.id, { createdAt, updatedAt, status, nextAttemptAt: null });
  await store.webhookOutbox.enqueue(event, [delivery]);
  await store.webhookOutbox.recordAttempt(makeAttempt(delivery.id, { at: updatedAt }));
  return { event, delivery };
}

/** Appends one event-log entry per creation time, returns their seqs. */
async function appendLog(store: Store, ...createdAt: Date[]): Promise<readonly bigint[]> {
  return store.events.append(createdAt.map((c) => ({ type: 'payment.received', payload: '{}', createdAt: c })));
}

const seqsOf = async (store: Store) => (await store.events.readAfter(0n, 1000)).map((r) => r.seq);

/** Cases for `store.maintenance`. */
export const maintenanceCases: readonly StoreConformanceCase[] = [
  {
    name: 'maintenance: prune(webhookEvents) removes finished events older than the cutoff with their deliveries and attempts, in batches',
    run: (make) =>
      withStore(make, async (store) => {
        const m = store.maintenance;
        if (!m) return;
        const old = [];
        for (let i = 0; i < 3; i++) old.push(await seedEvent(store, i === 2 ? 'failed' : 'delivered', at(DAY + i)));
        const recent = await seedEvent(store, 'delivered', at(40 * DAY));
        const pending = await seedEvent(store, 'pending', at(DAY));
        const bare = makeEvent({ createdAt: at(0) });
        await store.webhookOutbox.enqueue(bare, []);
        const cutoff = at(30 * DAY);
        assert.equal(
          await m.countPrunable('webhookEvents', cutoff),
          4,
          'countPrunable: 3 finished + 1 without deliveries',
        );
        assert.equal(await m.prune('webhookEvents', cutoff, 3), 3, 'first batch is capped at the limit');
        assert.equal(await m.prune('webhookEvents', cutoff, 3), 1, 'second batch takes the rest');
        assert.equal(await m.prune('webhookEvents', cutoff, 3), 0, 'nothing left: 0');
        for (const { event, delivery } of old) {
          assert.equal(await store.webhookOutbox.getEvent(event.id), undefined, 'old event removed');
          assert.equal(await store.webhookOutbox.getDelivery(delivery.id), undefined, 'its delivery removed');
          assert.deepEqual(await store.webhookOutbox.listAttempts(delivery.id), [], 'its attempts removed');
        }
        assert.equal(await store.webhookOutbox.getEvent(bare.id), undefined, 'event without deliveries removed');
        for (const kept of [recent, pending]) {
          assert.ok(await store.webhookOutbox.getEvent(kept.event.id), 'recent / pending event kept');
          assert.ok(await store.webhookOutbox.getDelivery(kept.delivery.id), 'its delivery kept');
          assert.equal((await store.webhookOutbox.listAttempts(kept.delivery.id)).length, 1, 'its attempt kept');
        }
      }),
  },
  {
    name: 'maintenance: prune(unpaidInvoices) removes only expired/cancelled invoices never paid, closed before the cutoff',
    run: (make) =>
      withStore(make, async (store) => {
        const m = store.maintenance;
        if (!m) return;
        const closed = { createdAt: at(0), closedAt: at(DAY) };
        const expired = makeInvoice({ ...closed, status: 'expired' });
        const cancelled = makeInvoice({ ...closed, status: 'cancelled' });
        const settled = makeInvoice({ ...closed, status: 'settled', amountPaidMsat: 1000n, settledAt: at(DAY) });
        const open = makeInvoice({ createdAt: at(0) });
        const recent = makeInvoice({ createdAt: at(0), closedAt: at(40 * DAY), status: 'expired' });
        const partlyPaid = makeInvoice({ ...closed, status: 'cancelled', amountPaidMsat: 5n });
        const withPayment = makeInvoice({ ...closed, status: 'expired' });
        for (const i of [expired, cancelled, settled, open, recent, partlyPaid, withPayment])
          await store.invoices.insert(i);
        await store.payments.insert(makePayment({ paymentHash: withPayment.paymentHash, direction: 'in' }));
        const cutoff = at(30 * DAY);
        assert.equal(await m.countPrunable('unpaidInvoices', cutoff), 2, 'countPrunable');
        assert.equal(await m.prune('unpaidInvoices', cutoff, 100), 2, 'removes the two never-paid closed invoices');
        assert.equal(await store.invoices.get(expired.id), undefined, 'expired removed');
        assert.equal(await store.invoices.get(cancelled.id), undefined, 'cancelled removed');
        for (const kept of [settled, open, recent, partlyPaid, withPayment])
          assert.ok(await store.invoices.get(kept.id), `${kept.status} invoice kept`);
        assert.equal(await m.prune('unpaidInvoices', cutoff, 100), 0, 'idempotent');
      }),
  },
  {
    name: 'maintenance: prune(eventLog) removes the head every consumer cursor has passed, older than the cutoff, never the newest entry',
    run: (make) =>
      withStore(make, async (store) => {
        const m = store.maintenance;
        if (!m) return;
        // seqs s[0..5]: five old entries, one young, then an old one again (a clock step back), then the newest.
        const s = await appendLog(store, at(1), at(2), at(3), at(4), at(5), at(40 * DAY), at(6), at(7));
        await store.events.setCursor('consumer:a', s[7]!);
        await store.events.setCursor('consumer:b', s[3]!);
        const cutoff = at(30 * DAY);
        assert.equal(await m.countPrunable('eventLog', cutoff), 4, 'up to the lowest cursor (s3)');
        assert.equal(await m.prune('eventLog', cutoff, 3), 3, 'a batch is capped at the limit');
        assert.deepEqual(await seqsOf(store), s.slice(3), 'the oldest three went');
        assert.equal(await m.prune('eventLog', cutoff, 3), 1, 'then up to the lowest cursor');
        assert.equal(await m.prune('eventLog', cutoff, 3), 0, 'nothing past the lowest cursor');
        await store.events.setCursor('consumer:b', s[7]!);
        assert.equal(await m.countPrunable('eventLog', cutoff), 1, 'the young entry stops the run');
        assert.equal(await m.prune('eventLog', cutoff, 10), 1, 'only the run before the young entry');
        assert.deepEqual(await seqsOf(store), s.slice(5), 'young, later old, and newest kept');
        assert.equal(await m.prune('eventLog', at(50 * DAY), 10), 2, 'a later cutoff: all but the newest');
        assert.deepEqual(await seqsOf(store), [s[7]], 'the newest entry stays');
        assert.equal(await m.prune('eventLog', at(50 * DAY), 10), 0, 'idempotent');
        assert.equal(await store.events.latestSeq(), s[7], 'latestSeq unchanged');
        const [next] = await appendLog(store, at(8));
        assert.ok(next! > s[7]!, 'seqs keep increasing after pruning');
      }),
  },
  {
    name: 'maintenance: prune(eventLog) without consumers removes by age alone; an empty log prunes nothing',
    run: (make) =>
      withStore(make, async (store) => {
        const m = store.maintenance;
        if (!m) return;
        assert.equal(await m.prune('eventLog', at(DAY), 10), 0, 'empty log');
        assert.equal(await m.countPrunable('eventLog', at(DAY)), 0, 'empty log: count');
        const s = await appendLog(store, at(1), at(2), at(3 * DAY), at(4 * DAY));
        assert.equal(await m.countPrunable('eventLog', at(DAY)), 2, 'two old entries');
        assert.equal(await m.prune('eventLog', at(DAY), 10), 2, 'removed');
        assert.deepEqual(await seqsOf(store), s.slice(2), 'the young ones kept');
        await store.events.setCursor('consumer:late', 0n);
        await appendLog(store, at(5 * DAY));
        assert.equal(await m.prune('eventLog', at(10 * DAY), 10), 0, 'a consumer at 0 holds the whole log');
      }),
  },
  {
    name: 'maintenance: tableStats counts rows and reports the oldest row per table',
    run: (make) =>
      withStore(make, async (store) => {
        const m = store.maintenance;
        if (!m) return;
        await store.invoices.insert(makeInvoice({ createdAt: at(5) }));
        await store.invoices.insert(makeInvoice({ createdAt: at(2) }));
        await seedEvent(store, 'delivered', at(9), at(7));
        const stats = new Map((await m.tableStats()).map((s) => [s.table, s]));
        assert.equal(stats.get('invoices')?.rows, 2, 'invoices rows');
        assert.equal(stats.get('invoices')?.oldestAt?.getTime(), T0 + 2, 'invoices oldest');
        assert.equal(stats.get('payments')?.rows, 0, 'payments rows');
        assert.equal(stats.get('payments')?.oldestAt, null, 'empty table: oldest null');
        assert.equal(stats.get('webhook_events')?.oldestAt?.getTime(), T0 + 7, 'events oldest');
        assert.equal(stats.get('webhook_deliveries')?.rows, 1, 'deliveries rows');
        assert.equal(stats.get('webhook_attempts')?.rows, 1, 'attempts rows');
        assert.equal(stats.get('webhook_attempts')?.oldestAt?.getTime(), T0 + 9, 'attempts oldest');
        assert.equal(stats.get('event_log')?.rows, 0, 'event log rows');
        assert.equal(stats.get('event_log')?.oldestAt, null, 'empty event log: oldest null');
        await appendLog(store, at(11), at(3));
        const after = new Map((await m.tableStats()).map((s) => [s.table, s]));
        assert.equal(after.get('event_log')?.rows, 2, 'event log rows');
        assert.equal(after.get('event_log')?.oldestAt?.getTime(), T0 + 11, 'event log oldest: its first entry');
        assert.equal(after.get('rebalances')?.rows, 0, 'rebalances reported');
      }),
  },
  {
    name: 'maintenance: prune and countPrunable reject a bad target, cutoff or limit with INVALID_INPUT',
    run: (make) =>
      withStore(make, async (store) => {
        const m = store.maintenance;
        if (!m) return;
        const bad: [string, () => Promise<unknown>][] = [
          ['unknown target', () => m.prune('settled' as never, at(0), 10)],
          ['invalid date', () => m.prune('webhookEvents', new Date(Number.NaN), 10)],
          ['zero limit', () => m.prune('webhookEvents', at(0), 0)],
          ['fractional limit', () => m.prune('unpaidInvoices', at(0), 1.5)],
          ['count: unknown target', () => m.countPrunable('payments' as never, at(0))],
          ['eventLog: zero limit', () => m.prune('eventLog', at(0), 0)],
          ['eventLog: invalid date', () => m.countPrunable('eventLog', new Date('x'))],
        ];
        for (const [label, call] of bad) await assertRejectsWithCode(call(), 'INVALID_INPUT', label);
      }),
  },
];
