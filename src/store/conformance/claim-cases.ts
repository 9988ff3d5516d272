/**
 * Conformance cases for the optional `webhookOutbox.claimDue` (stores shared by several
 * dispatchers). A store without it passes them trivially: the dispatcher then claims in memory.
 */
import assert from 'node:assert/strict';
import type { Store } from '../store.js';
import {
  T0,
  assertRejectsWithCode,
  assertSameRecord,
  makeDelivery,
  makeEvent,
  withStore,
  type StoreConformanceCase,
} from './fixtures.js';

type Claim = NonNullable<Store['webhookOutbox']['claimDue']>;

/** Cases for `claimDue`. */
export const claimCases: readonly StoreConformanceCase[] = [
  {
    name: 'webhookOutbox: claimDue (where implemented) takes due rows earliest first and holds them until claimUntil',
    run: (make) =>
      withStore(make, async (store) => {
        const claim: Claim | undefined = store.webhookOutbox.claimDue?.bind(store.webhookOutbox);
        if (!claim) return;
        const event = makeEvent();
        const early = makeDelivery(event.id, { nextAttemptAt: new Date(T0 + 100) });
        const late = makeDelivery(event.id, { nextAttemptAt: new Date(T0 + 300) });
        const exact = makeDelivery(event.id, { nextAttemptAt: new Date(T0 + 500) });
        const future = makeDelivery(event.id, { nextAttemptAt: new Date(T0 + 501) });
        const done = makeDelivery(event.id, { status: 'delivered', nextAttemptAt: new Date(T0) });
        const unscheduled = makeDelivery(event.id, { nextAttemptAt: null });
        await store.webhookOutbox.enqueue(event, [late, early, exact, future, done, unscheduled]);
        const now = new Date(T0 + 500);
        const until = new Date(T0 + 60_000);
        const first = await claim(now, 2, until);
        assert.deepEqual(
          first.map((d) => d.id),
          [early.id, late.id],
        );
        assertSameRecord(first[0], { ...early, nextAttemptAt: until }, 'claimed row as stored');
        assert.deepEqual(
          (await claim(now, 10, until)).map((d) => d.id),
          [exact.id],
          'a claimed row is not claimed again',
        );
        assert.deepEqual(await claim(now, 10, until), []);
        assert.deepEqual(await store.webhookOutbox.listDue(now, 10), [], 'claimed rows are not due');
        assert.equal(await store.webhookOutbox.countPending(), 5, 'claimed rows stay pending');
        // The attempt is recorded for one of them; the others' claims lapse (their dispatcher died).
        await store.webhookOutbox.updateDelivery(early.id, { status: 'delivered', nextAttemptAt: null });
        assert.deepEqual(
          (await claim(until, 10, new Date(T0 + 120_000))).map((d) => d.id).sort(),
          [late.id, exact.id, future.id].sort(),
          'lapsed claims are due again at claimUntil',
        );
        await assertRejectsWithCode(claim(now, 1, now), 'INVALID_INPUT', 'claimUntil = now');
        await assertRejectsWithCode(claim(now, 0, until), 'INVALID_INPUT', 'limit 0');
      }),
  },
  {
    name: 'webhookOutbox: claimDue (where implemented) gives each row to one of several concurrent claimers',
    run: (make) =>
      withStore(make, async (store) => {
        const claim: Claim | undefined = store.webhookOutbox.claimDue?.bind(store.webhookOutbox);
        if (!claim) return;
        const event = makeEvent();
        const deliveries = Array.from({ length: 24 }, (_, i) =>
          makeDelivery(event.id, { nextAttemptAt: new Date(T0 + i) }),
        );
        await store.webhookOutbox.enqueue(event, deliveries);
        const now = new Date(T0 + 1000);
        const until = new Date(T0 + 60_000);
        const claims = await Promise.all(Array.from({ length: 6 }, () => claim(now, 5, until)));
        const ids = claims.flatMap((c) => c.map((d) => d.id));
        assert.equal(new Set(ids).size, ids.length, `a row was claimed twice: ${ids.join(', ')}`);
        assert.equal(ids.length, 24, 'every due row is claimed by someone');
      }),
  },
];
