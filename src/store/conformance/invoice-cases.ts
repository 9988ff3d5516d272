/**
 * Conformance cases for `store.invoices` beyond the table-driven rules (rule-table.ts): the
 * invoice-only list filters and `listExpired`.
 */
import assert from 'node:assert/strict';
import type { InvoiceListQuery, InvoiceRecord } from '../store.js';
import {
  T0,
  assertSameRecord,
  collectPages,
  makeInvoice,
  newestFirstIds,
  withStore,
  type StoreConformanceCase,
} from './fixtures.js';

/** Cases for the invoice repository. */
export const invoiceCases: readonly StoreConformanceCase[] = [
  {
    name: 'invoices: list filters by isHold, createdAfter (inclusive) and createdBefore (exclusive), also across pages',
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
        const ids = async (q: InvoiceListQuery | undefined): Promise<string[]> =>
          (await store.invoices.list(q)).items.map((i) => i.id);
        const [r0, r1, r2, r3, r4] = rows.map((r) => r.id) as [string, string, string, string, string];
        assert.deepEqual(await ids(undefined), [r4, r3, r2, r1, r0]);
        assert.deepEqual(await ids({ isHold: true }), [r3, r2], 'isHold true');
        assert.deepEqual(await ids({ isHold: false }), [r4, r1, r0], 'isHold false');
        assert.deepEqual(await ids({ createdAfter: new Date(T0 + 1000) }), [r4, r3, r2, r1], 'createdAfter');
        assert.deepEqual(await ids({ createdBefore: new Date(T0 + 3000) }), [r2, r1, r0], 'createdBefore');
        assert.deepEqual(
          await ids({ createdAfter: new Date(T0 + 1000), createdBefore: new Date(T0 + 3000), status: 'expired' }),
          [r2],
          'all filters',
        );
        const page = await store.invoices.list({ isHold: true, status: 'open' });
        assert.equal(page.nextCursor, null);
        assertSameRecord(page.items[0], rows[3]!, 'listed row');

        // The filters hold on every page, also when many rows share one createdAt.
        const more: InvoiceRecord[] = [];
        for (let i = 0; i < 17; i++) more.push(makeInvoice({ createdAt: new Date(T0 - 1), isHold: i % 2 === 0 }));
        await store.transaction(async (tx) => {
          for (const row of more) await tx.invoices.insert(row);
        });
        const filtered = await collectPages(
          (cursor) => store.invoices.list({ limit: 3, cursor, createdBefore: new Date(T0), isHold: true }),
          3,
        );
        assert.deepEqual(
          filtered.map((r) => r.id),
          newestFirstIds(more.filter((r) => r.isHold)),
          'filtered pages',
        );
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
];
