/**
 * Conformance cases for `store.webhookEndpoints` and `store.webhookOutbox`.
 */
import assert from 'node:assert/strict';
import type { WebhookDeliveryRecord } from '../store.js';
import {
  T0,
  assertRejectsWithCode,
  assertSameRecord,
  collectPages,
  makeAttempt,
  makeDelivery,
  makeEndpoint,
  makeEvent,
  newestFirstIds,
  withStore,
  type StoreConformanceCase,
} from './fixtures.js';

/** Cases for webhook endpoints and the outbox. */
export const webhookCases: readonly StoreConformanceCase[] = [
  {
    name: 'webhookEndpoints: list is oldest first; remove deletes the row and says whether there was one',
    run: (make) =>
      withStore(make, async (store) => {
        const a = makeEndpoint({ createdAt: new Date(T0 + 10), updatedAt: new Date(T0 + 10) });
        const b = makeEndpoint({ createdAt: new Date(T0) });
        const c = makeEndpoint({ createdAt: new Date(T0 + 10) });
        for (const e of [a, b, c]) await store.webhookEndpoints.insert(e);
        const [tieFirst, tieSecond] = a.id < c.id ? [a, c] : [c, a];
        assert.deepEqual(
          (await store.webhookEndpoints.list()).map((e) => e.id),
          [b.id, tieFirst.id, tieSecond.id],
          'oldest first, then id',
        );
        assert.equal(await store.webhookEndpoints.remove(a.id), true);
        assert.equal(await store.webhookEndpoints.remove(a.id), false);
        assert.equal(await store.webhookEndpoints.get(a.id), undefined);
        assert.deepEqual(
          (await store.webhookEndpoints.list()).map((e) => e.id),
          [b.id, c.id],
        );
        assertSameRecord(await store.webhookEndpoints.get(c.id), c, 'the other rows stay');
      }),
  },
  {
    name: 'webhookOutbox: enqueue writes the event and its deliveries; bytes and fields round-trip',
    run: (make) =>
      withStore(make, async (store) => {
        const event = makeEvent();
        const d1 = makeDelivery(event.id);
        const d2 = makeDelivery(event.id, {
          attempts: 3,
          lastStatusCode: 503,
          lastError: 'Service Unavailable',
          nextAttemptAt: new Date(T0 + 5),
        });
        await store.webhookOutbox.enqueue(event, [d1, d2]);
        assertSameRecord(await store.webhookOutbox.getEvent(event.id), event, 'event');
        assert.equal((await store.webhookOutbox.getEvent(event.id))?.body, event.body);
        assertSameRecord(await store.webhookOutbox.getDelivery(d1.id), d1, 'd1');
        assertSameRecord(await store.webhookOutbox.getDelivery(d2.id), d2, 'd2');
        assert.equal(await store.webhookOutbox.getEvent('msg_missing'), undefined);
        assert.equal(await store.webhookOutbox.getDelivery('whd_missing'), undefined);
        assert.equal(await store.webhookOutbox.countPending(), 2);
        const lonely = makeEvent();
        await store.webhookOutbox.enqueue(lonely, []);
        assertSameRecord(await store.webhookOutbox.getEvent(lonely.id), lonely, 'event without deliveries');
      }),
  },
  {
    name: 'webhookOutbox: enqueue is atomic; duplicate event or delivery ids conflict and write nothing',
    run: (make) =>
      withStore(make, async (store) => {
        const event = makeEvent();
        const delivery = makeDelivery(event.id);
        await store.webhookOutbox.enqueue(event, [delivery]);
        const dupEvent = makeDelivery(event.id);
        await assertRejectsWithCode(
          store.webhookOutbox.enqueue(makeEvent({ id: event.id }), [dupEvent]),
          'STORE_CONFLICT',
          'duplicate event',
        );
        assert.equal(await store.webhookOutbox.getDelivery(dupEvent.id), undefined);
        const fresh = makeEvent();
        const ok = makeDelivery(fresh.id);
        await assertRejectsWithCode(
          store.webhookOutbox.enqueue(fresh, [ok, makeDelivery(fresh.id, { id: delivery.id })]),
          'STORE_CONFLICT',
          'duplicate delivery',
        );
        assert.equal(await store.webhookOutbox.getEvent(fresh.id), undefined, 'event of a failed enqueue');
        assert.equal(await store.webhookOutbox.getDelivery(ok.id), undefined, 'delivery of a failed enqueue');
        assert.equal(await store.webhookOutbox.countPending(), 1);
        // Inside a transaction, a caught enqueue conflict also leaves nothing behind.
        await store.transaction(async (tx) => {
          await assertRejectsWithCode(
            tx.webhookOutbox.enqueue(fresh, [ok, makeDelivery(fresh.id, { id: delivery.id })]),
            'STORE_CONFLICT',
            'in tx',
          );
        });
        assert.equal(await store.webhookOutbox.getEvent(fresh.id), undefined, 'event of a failed enqueue in tx');
      }),
  },
  {
    name: 'webhookOutbox: listDue returns pending deliveries due at or before now, earliest first, at most limit',
    run: (make) =>
      withStore(make, async (store) => {
        const event = makeEvent();
        const late = makeDelivery(event.id, { nextAttemptAt: new Date(T0 + 300) });
        const early = makeDelivery(event.id, { nextAttemptAt: new Date(T0 + 100) });
        const exact = makeDelivery(event.id, { nextAttemptAt: new Date(T0 + 500) });
        const future = makeDelivery(event.id, { nextAttemptAt: new Date(T0 + 501) });
        const done = makeDelivery(event.id, { status: 'delivered', nextAttemptAt: new Date(T0) });
        const failed = makeDelivery(event.id, { status: 'failed', nextAttemptAt: new Date(T0) });
        const cancelled = makeDelivery(event.id, { status: 'cancelled', nextAttemptAt: new Date(T0) });
        const unscheduled = makeDelivery(event.id, { nextAttemptAt: null });
        await store.webhookOutbox.enqueue(event, [late, early, exact, future, done, failed, cancelled, unscheduled]);
        const now = new Date(T0 + 500);
        assert.deepEqual(
          (await store.webhookOutbox.listDue(now, 10)).map((d) => d.id),
          [early.id, late.id, exact.id],
        );
        assert.deepEqual(
          (await store.webhookOutbox.listDue(now, 2)).map((d) => d.id),
          [early.id, late.id],
        );
        assert.deepEqual(await store.webhookOutbox.listDue(new Date(T0 + 99), 10), []);
        assertSameRecord((await store.webhookOutbox.listDue(now, 1))[0], early, 'due row');
        assert.equal(await store.webhookOutbox.countPending(), 5);
      }),
  },
  {
    name: 'webhookOutbox: a retry moves the due time; a delivered row leaves listDue and the backlog',
    run: (make) =>
      withStore(make, async (store) => {
        const event = makeEvent();
        const delivery = makeDelivery(event.id);
        await store.webhookOutbox.enqueue(event, [delivery]);
        const retry = {
          attempts: 1,
          nextAttemptAt: new Date(T0 + 5000),
          lastStatusCode: 500,
          lastError: 'HTTP 500',
          updatedAt: new Date(T0 + 1),
        };
        assertSameRecord(
          await store.webhookOutbox.updateDelivery(delivery.id, retry),
          { ...delivery, ...retry },
          'retry',
        );
        assert.deepEqual(await store.webhookOutbox.listDue(new Date(T0 + 4999), 10), []);
        assert.equal((await store.webhookOutbox.listDue(new Date(T0 + 5000), 10)).length, 1);
        const delivered = {
          status: 'delivered',
          attempts: 2,
          nextAttemptAt: null,
          lastStatusCode: 204,
          lastError: null,
          updatedAt: new Date(T0 + 6000),
        } as const;
        assertSameRecord(
          await store.webhookOutbox.updateDelivery(delivery.id, delivered),
          { ...delivery, ...delivered },
          'delivered',
        );
        assertSameRecord(await store.webhookOutbox.getDelivery(delivery.id), { ...delivery, ...delivered }, 'stored');
        assert.equal(await store.webhookOutbox.countPending(), 0);
        assert.deepEqual(await store.webhookOutbox.listDue(new Date(T0 + 10_000), 10), []);
      }),
  },
  {
    name: 'webhookOutbox: insertDelivery adds a pending delivery to an existing event (a redelivery)',
    run: (make) =>
      withStore(make, async (store) => {
        const event = makeEvent();
        await store.webhookOutbox.enqueue(event, []);
        const again = makeDelivery(event.id, {
          createdAt: new Date(T0 + 60_000),
          nextAttemptAt: new Date(T0 + 60_000),
        });
        await store.webhookOutbox.insertDelivery(again);
        assertSameRecord(await store.webhookOutbox.getDelivery(again.id), again, 'inserted');
        assert.equal(await store.webhookOutbox.countPending(), 1);
        assert.deepEqual(
          (await store.webhookOutbox.listDue(new Date(T0 + 60_000), 10)).map((d) => d.id),
          [again.id],
        );
      }),
  },
  {
    name: 'webhookOutbox: listAttempts returns the attempts of one delivery, oldest first (at, then attempt number)',
    run: (make) =>
      withStore(make, async (store) => {
        const event = makeEvent();
        const delivery = makeDelivery(event.id);
        const other = makeDelivery(event.id);
        await store.webhookOutbox.enqueue(event, [delivery, other]);
        const a1 = makeAttempt(delivery.id, {
          attempt: 1,
          statusCode: null,
          error: 'ECONNREFUSED',
          latencyMs: 0,
          at: new Date(T0 + 1),
        });
        const a2 = makeAttempt(delivery.id, { attempt: 2, statusCode: 500, at: new Date(T0 + 2000) });
        const a3 = makeAttempt(delivery.id, { attempt: 3, statusCode: 502, latencyMs: 1234, at: new Date(T0 + 9000) });
        const a4 = makeAttempt(delivery.id, { attempt: 4, statusCode: 200, at: new Date(T0 + 9000) });
        for (const a of [a4, a3, a1, a2]) await store.webhookOutbox.recordAttempt(a);
        await store.webhookOutbox.recordAttempt(makeAttempt(other.id));
        const log = await store.webhookOutbox.listAttempts(delivery.id);
        assert.deepEqual(
          log.map((a) => a.id),
          [a1.id, a2.id, a3.id, a4.id],
        );
        assertSameRecord(log[0], a1, 'a1');
        assertSameRecord(log[3], a4, 'a4');
      }),
  },
  {
    name: 'webhookOutbox: a delivery needs an existing event and an attempt an existing delivery (STORE_ERROR)',
    run: (make) =>
      withStore(make, async (store) => {
        await assertRejectsWithCode(
          store.webhookOutbox.insertDelivery(makeDelivery('msg_missing')),
          'STORE_ERROR',
          'orphan delivery',
        );
        await assertRejectsWithCode(
          store.webhookOutbox.enqueue(makeEvent(), [makeDelivery('msg_other')]),
          'STORE_ERROR',
          'delivery of another event',
        );
        await assertRejectsWithCode(
          store.webhookOutbox.recordAttempt(makeAttempt('whd_missing')),
          'STORE_ERROR',
          'orphan attempt',
        );
        assert.equal(await store.webhookOutbox.countPending(), 0);
        assert.equal((await store.webhookOutbox.listDeliveries()).items.length, 0);
      }),
  },
  {
    name: 'webhookOutbox: listDeliveries filters by endpoint and by event, alone or with a status, across pages',
    run: (make) =>
      withStore(make, async (store) => {
        const rows: WebhookDeliveryRecord[] = [];
        await store.transaction(async (tx) => {
          for (let e = 0; e < 6; e++) {
            const event = makeEvent({ createdAt: new Date(T0 + (e < 3 ? 0 : e)) });
            const deliveries = ['whe_a', 'whe_b', 'whe_c'].map((endpointId, i) =>
              makeDelivery(event.id, {
                endpointId,
                createdAt: event.createdAt,
                status: i === 2 ? 'failed' : 'pending',
              }),
            );
            rows.push(...deliveries);
            await tx.webhookOutbox.enqueue(event, deliveries);
          }
        });
        const forA = await collectPages(
          (cursor) => store.webhookOutbox.listDeliveries({ endpointId: 'whe_a', limit: 2, cursor }),
          2,
        );
        assert.deepEqual(
          forA.map((d) => d.id),
          newestFirstIds(rows.filter((d) => d.endpointId === 'whe_a')),
        );
        const eventId = rows[0]!.eventId;
        const forEvent = await store.webhookOutbox.listDeliveries({ eventId });
        assert.deepEqual(
          forEvent.items.map((d) => d.id),
          newestFirstIds(rows.filter((d) => d.eventId === eventId)),
        );
        const both = await store.webhookOutbox.listDeliveries({
          status: ['failed', 'delivered'],
          endpointId: 'whe_c',
          limit: 1000,
        });
        assert.deepEqual(
          both.items.map((d) => d.id),
          newestFirstIds(rows.filter((d) => d.endpointId === 'whe_c')),
        );
        assert.equal(both.nextCursor, null);
        assert.deepEqual(
          (await store.webhookOutbox.listDeliveries({ endpointId: 'whe_a', status: 'failed' })).items,
          [],
        );
        assertSameRecord(
          forEvent.items.find((d) => d.id === rows[0]!.id),
          rows[0]!,
          'listed delivery',
        );
      }),
  },
];
