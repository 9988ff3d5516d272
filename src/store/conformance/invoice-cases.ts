/**
 * Conformance cases for `store.invoices`.
 */
import assert from 'node:assert/strict';
import { decimal } from '../../domain/amount.js';
import type { InvoiceRecord } from '../store.js';
import {
  BIG_MSAT,
  T0,
  assertRejectsWithCode,
  assertSameRecord,
  collectPages,
  hex32,
  makeInvoice,
  newestFirstIds,
  uid,
  withStore,
  type StoreConformanceCase,
} from './fixtures.js';

/** Cases for the invoice repository. */
export const invoiceCases: readonly StoreConformanceCase[] = [
  {
    name: 'invoices: insert then get returns every field intact (bigint near 2.1e18, Date ms, Decimal, JSON)',
    run: (make) =>
      withStore(make, async (store) => {
        const invoice = makeInvoice({
          amountMsat: BIG_MSAT,
          amountPaidMsat: BIG_MSAT - 1n,
          addIndex: 9_007_199_254_740_993n,
          settleIndex: 2_000_000_000_000_000_001n,
          amountEur: decimal('123456789012345.67'),
          rate: decimal('87654.321098765432109876543210'),
          status: 'settled',
          isHold: true,
          idempotencyKey: 'order-1:attempt-1',
          preimage: hex32(),
          settledAt: new Date(T0 + 999),
          closedAt: new Date(T0 + 1001),
          metadata: { a: [1, { b: 'ü' }], n: -0.5, big: '2099999999999999999', t: true, z: null },
        });
        await store.invoices.insert(invoice);
        assertSameRecord(await store.invoices.get(invoice.id), invoice, 'get');
        assertSameRecord(await store.invoices.getByPaymentHash(invoice.paymentHash), invoice, 'getByPaymentHash');
        assertSameRecord(await store.invoices.getByIdempotencyKey('order-1:attempt-1'), invoice, 'getByIdempotencyKey');
      }),
  },
  {
    name: 'invoices: null fields and scalar metadata round-trip',
    run: (make) =>
      withStore(make, async (store) => {
        const bare = makeInvoice({
          amountEur: null,
          rate: null,
          rateSource: null,
          rateFetchedAt: null,
          metadata: null,
          addIndex: 0n,
        });
        const scalar = makeInvoice({ metadata: 'just a string' });
        const list = makeInvoice({ metadata: [1, 'two', null] });
        for (const invoice of [bare, scalar, list]) {
          await store.invoices.insert(invoice);
          assertSameRecord(await store.invoices.get(invoice.id), invoice, invoice.id);
        }
      }),
  },
  {
    name: 'invoices: lookups of unknown rows return undefined',
    run: (make) =>
      withStore(make, async (store) => {
        await store.invoices.insert(makeInvoice({ idempotencyKey: 'k1' }));
        assert.equal(await store.invoices.get('inv_missing'), undefined);
        assert.equal(await store.invoices.getByPaymentHash(hex32()), undefined);
        assert.equal(await store.invoices.getByIdempotencyKey('k2'), undefined);
        assert.equal(await store.invoices.update('inv_missing', { status: 'settled' }), undefined);
      }),
  },
  {
    name: 'invoices: duplicate id, payment hash or idempotency key throws StoreConflictError and changes nothing',
    run: (make) =>
      withStore(make, async (store) => {
        const first = makeInvoice({ idempotencyKey: 'idem-1' });
        await store.invoices.insert(first);
        const dupId = makeInvoice({ id: first.id });
        const dupHash = makeInvoice({ paymentHash: first.paymentHash });
        const dupKey = makeInvoice({ idempotencyKey: 'idem-1' });
        await assertRejectsWithCode(store.invoices.insert(dupId), 'STORE_CONFLICT', 'duplicate id');
        await assertRejectsWithCode(store.invoices.insert(dupHash), 'STORE_CONFLICT', 'duplicate payment hash');
        await assertRejectsWithCode(store.invoices.insert(dupKey), 'STORE_CONFLICT', 'duplicate idempotency key');
        assertSameRecord(await store.invoices.get(first.id), first, 'original');
        assert.equal(await store.invoices.get(dupHash.id), undefined);
        assert.equal(await store.invoices.getByPaymentHash(dupId.paymentHash), undefined);
        const page = await store.invoices.list();
        assert.deepEqual(
          page.items.map((i) => i.id),
          [first.id],
        );
      }),
  },
  {
    name: 'invoices: many rows may have a null idempotency key',
    run: (make) =>
      withStore(make, async (store) => {
        for (let i = 0; i < 3; i++) await store.invoices.insert(makeInvoice({ idempotencyKey: null }));
        assert.equal((await store.invoices.list()).items.length, 3);
      }),
  },
  {
    name: 'invoices: update applies only the given fields (null clears, absent keeps)',
    run: (make) =>
      withStore(make, async (store) => {
        const invoice = makeInvoice({ settledAt: null, closedAt: new Date(T0 + 5) });
        await store.invoices.insert(invoice);
        const patch = {
          status: 'settled',
          settleIndex: BIG_MSAT,
          amountPaidMsat: BIG_MSAT,
          settledAt: new Date(T0 + 77),
          closedAt: null,
          addIndex: 12n,
        } as const;
        const expected: InvoiceRecord = { ...invoice, ...patch };
        assertSameRecord(await store.invoices.update(invoice.id, patch), expected, 'update result');
        assertSameRecord(await store.invoices.get(invoice.id), expected, 'after update');
        assertSameRecord(await store.invoices.update(invoice.id, {}), expected, 'empty patch');
      }),
  },
  {
    name: 'invoices: conditional update only wins from the expected statuses',
    run: (make) =>
      withStore(make, async (store) => {
        const invoice = makeInvoice({ status: 'open' });
        await store.invoices.insert(invoice);
        assert.equal(
          await store.invoices.update(invoice.id, { status: 'cancelled' }, { fromStatus: ['accepted', 'expired'] }),
          undefined,
        );
        assertSameRecord(await store.invoices.get(invoice.id), invoice, 'unchanged');
        const won = await store.invoices.update(
          invoice.id,
          { status: 'settled', settledAt: new Date(T0 + 1) },
          { fromStatus: ['open', 'accepted'] },
        );
        assert.equal(won?.status, 'settled');
        // The second racer, still expecting 'open', loses.
        assert.equal(
          await store.invoices.update(invoice.id, { status: 'expired' }, { fromStatus: ['open'] }),
          undefined,
        );
        assert.equal((await store.invoices.get(invoice.id))?.status, 'settled');
        assert.equal(await store.invoices.update(invoice.id, { status: 'expired' }, { fromStatus: [] }), undefined);
      }),
  },
  {
    name: 'invoices: list filters by status, isHold, createdAfter (inclusive) and createdBefore (exclusive), newest first',
    run: (make) =>
      withStore(make, async (store) => {
        const rows = [
          makeInvoice({ status: 'open', createdAt: new Date(T0) }),
          makeInvoice({ status: 'settled', createdAt: new Date(T0 + 1000) }),
          makeInvoice({ status: 'expired', createdAt: new Date(T0 + 2000), isHold: true }),
          makeInvoice({ status: 'open', createdAt: new Date(T0 + 3000), isHold: true }),
          makeInvoice({ status: 'cancelled', createdAt: new Date(T0 + 4000) }),
        ];
        for (const row of rows) await store.invoices.insert(row);
        const ids = async (q: Parameters<typeof store.invoices.list>[0]): Promise<string[]> =>
          (await store.invoices.list(q)).items.map((i) => i.id);
        const [r0, r1, r2, r3, r4] = rows.map((r) => r.id) as [string, string, string, string, string];
        assert.deepEqual(await ids(undefined), [r4, r3, r2, r1, r0]);
        assert.deepEqual(await ids({ status: 'open' }), [r3, r0]);
        assert.deepEqual(await ids({ status: ['settled', 'cancelled'] }), [r4, r1]);
        assert.deepEqual(await ids({ status: [] }), []);
        assert.deepEqual(await ids({ isHold: true }), [r3, r2]);
        assert.deepEqual(await ids({ isHold: false }), [r4, r1, r0]);
        assert.deepEqual(await ids({ createdAfter: new Date(T0 + 1000) }), [r4, r3, r2, r1]);
        assert.deepEqual(await ids({ createdBefore: new Date(T0 + 3000) }), [r2, r1, r0]);
        assert.deepEqual(
          await ids({ createdAfter: new Date(T0 + 1000), createdBefore: new Date(T0 + 3000), status: 'expired' }),
          [r2],
        );
        const page = await store.invoices.list({ status: 'open' });
        assert.equal(page.nextCursor, null);
        assertSameRecord(page.items[0], rows[3]!, 'listed row');
      }),
  },
  {
    name: 'invoices: keyset paging has no gaps or duplicates, also when many rows share one createdAt',
    run: (make) =>
      withStore(make, async (store) => {
        const rows: InvoiceRecord[] = [];
        for (let i = 0; i < 23; i++) rows.push(makeInvoice({ createdAt: new Date(T0 + (i < 17 ? 0 : i)) }));
        await store.transaction(async (tx) => {
          for (const row of rows) await tx.invoices.insert(row);
        });
        for (const limit of [1, 4, 7, 23, 50]) {
          const got = await collectPages((cursor) => store.invoices.list({ limit, cursor }), limit);
          assert.deepEqual(
            got.map((r) => r.id),
            newestFirstIds(rows),
            `limit ${limit}`,
          );
        }
        const first = await store.invoices.list({ limit: 5 });
        // A row inserted after the first page (newer than everything) does not shift later pages.
        await store.invoices.insert(makeInvoice({ createdAt: new Date(T0 + 10_000) }));
        const rest = await collectPages(
          (cursor) => store.invoices.list({ limit: 5, cursor: cursor ?? first.nextCursor ?? undefined }),
          5,
        );
        assert.deepEqual(
          [...first.items, ...rest].map((r) => r.id),
          newestFirstIds(rows),
        );
        const filtered = await collectPages(
          (cursor) => store.invoices.list({ limit: 3, cursor, createdBefore: new Date(T0 + 1) }),
          3,
        );
        assert.deepEqual(
          filtered.map((r) => r.id),
          newestFirstIds(rows.slice(0, 17)),
        );
      }),
  },
  {
    name: 'invoices: default page size is 50 and a malformed cursor is rejected with INVALID_INPUT',
    run: (make) =>
      withStore(make, async (store) => {
        await store.transaction(async (tx) => {
          for (let i = 0; i < 55; i++) await tx.invoices.insert(makeInvoice({ createdAt: new Date(T0 + i) }));
        });
        const page = await store.invoices.list();
        assert.equal(page.items.length, 50);
        assert.equal(typeof page.nextCursor, 'string');
        const next = await store.invoices.list({ cursor: page.nextCursor ?? undefined });
        assert.equal(next.items.length, 5);
        assert.equal(next.nextCursor, null);
        await assertRejectsWithCode(store.invoices.list({ cursor: '%%not-a-cursor%%' }), 'INVALID_INPUT', 'bad cursor');
      }),
  },
  {
    name: 'invoices: listExpired returns open invoices with expiresAt ≤ now, oldest expiry first, at most limit',
    run: (make) =>
      withStore(make, async (store) => {
        const now = new Date(T0 + 60_000);
        const a = makeInvoice({ expiresAt: new Date(T0 + 60_000) }); // exactly now: expired
        const b = makeInvoice({ expiresAt: new Date(T0 + 10) });
        const c = makeInvoice({ expiresAt: new Date(T0 + 30_000) });
        const future = makeInvoice({ expiresAt: new Date(T0 + 60_001) });
        const settled = makeInvoice({ status: 'settled', expiresAt: new Date(T0) });
        const accepted = makeInvoice({ status: 'accepted', expiresAt: new Date(T0), isHold: true });
        const closed = makeInvoice({ status: 'expired', expiresAt: new Date(T0) });
        for (const row of [a, b, c, future, settled, accepted, closed]) await store.invoices.insert(row);
        assert.deepEqual(
          (await store.invoices.listExpired(now, 10)).map((i) => i.id),
          [b.id, c.id, a.id],
        );
        assert.deepEqual(
          (await store.invoices.listExpired(now, 2)).map((i) => i.id),
          [b.id, c.id],
        );
        assert.deepEqual(await store.invoices.listExpired(new Date(T0 - 1), 10), []);
        assertSameRecord((await store.invoices.listExpired(now, 1))[0], b, 'expired row');
      }),
  },
  {
    name: 'invoices: the store keeps its own copy (mutating inputs or results changes nothing)',
    run: (make) =>
      withStore(make, async (store) => {
        const metadata = { cart: ['a'] };
        const createdAt = new Date(T0);
        const invoice = makeInvoice({ metadata, createdAt, id: uid('inv') });
        await store.invoices.insert(invoice);
        metadata.cart.push('b');
        createdAt.setTime(0);
        const got = await store.invoices.get(invoice.id);
        assert.deepEqual(got?.metadata, { cart: ['a'] });
        assert.equal(got?.createdAt.getTime(), T0);
        // Results may be frozen; when they are not, mutating them must not reach the store.
        try {
          got?.createdAt.setTime(1);
          (got?.metadata as { cart: string[] }).cart.push('c');
        } catch {
          // frozen: fine
        }
        const again = await store.invoices.get(invoice.id);
        assert.equal(again?.createdAt.getTime(), T0);
        assert.deepEqual(again?.metadata, { cart: ['a'] });
      }),
  },
];
