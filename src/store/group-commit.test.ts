import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors.js';
import { makeInvoice } from './conformance/fixtures.js';
import { createGroupCommit } from './group-commit.js';
import { createMemoryStore } from './memory/index.js';
import type { InvoiceRecord, Store } from './store.js';

/** A memory store that counts its transactions. */
function countingStore(): { store: Store; transactions: () => number } {
  const inner = createMemoryStore();
  let count = 0;
  const store: Store = {
    ...inner,
    transaction: (fn) => {
      count++;
      return inner.transaction(fn);
    },
  };
  return { store, transactions: () => count };
}

const outcome = (p: Promise<void>): Promise<unknown> =>
  p.then(
    () => 'ok',
    (error: unknown) => error,
  );

describe('createGroupCommit', () => {
  it('commits the writes handed in together in one transaction, and each resolves', async () => {
    const { store, transactions } = countingStore();
    const commit = createGroupCommit<InvoiceRecord>({ store, write: (tx, row) => tx.invoices.insert(row) });
    const rows = Array.from({ length: 10 }, () => makeInvoice());
    await Promise.all(rows.map(commit));
    expect(transactions()).toBe(1);
    for (const row of rows) expect((await store.invoices.get(row.id))?.paymentHash).toBe(row.paymentHash);
  });

  it('writes handed in while a transaction runs go together into the next one', async () => {
    const { store, transactions } = countingStore();
    const commit = createGroupCommit<InvoiceRecord>({ store, write: (tx, row) => tx.invoices.insert(row) });
    const first = commit(makeInvoice());
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is under way
    const rest = Array.from({ length: 5 }, () => commit(makeInvoice()));
    await Promise.all([first, ...rest]);
    expect(transactions()).toBe(2);
    expect((await store.invoices.list({ limit: 100 })).items).toHaveLength(6);
  });

  it('splits a long queue into transactions of maxBatch', async () => {
    const { store, transactions } = countingStore();
    const commit = createGroupCommit<InvoiceRecord>({
      store,
      write: (tx, row) => tx.invoices.insert(row),
      maxBatch: 4,
    });
    await Promise.all(Array.from({ length: 10 }, () => commit(makeInvoice())));
    expect(transactions()).toBe(3);
  });

  it('a write that conflicts fails alone, with its own error; the others of its batch commit', async () => {
    const { store, transactions } = countingStore();
    const taken = makeInvoice({ idempotencyKey: 'order-7' });
    await store.invoices.insert(taken);
    const commit = createGroupCommit<InvoiceRecord>({ store, write: (tx, row) => tx.invoices.insert(row) });
    const rows = [makeInvoice(), makeInvoice({ idempotencyKey: 'order-7' }), makeInvoice(), makeInvoice()];
    const results = await Promise.all(rows.map((row) => outcome(commit(row))));
    expect(results[1]).toMatchObject({ code: 'STORE_CONFLICT' });
    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
    for (const i of [0, 2, 3]) expect(await store.invoices.get(rows[i]!.id)).toBeDefined();
    expect(await store.invoices.get(rows[1]!.id)).toBeUndefined();
    expect(transactions()).toBe(1 + rows.length); // the batch, then each alone
  });

  it('a StoreError fails every write of the batch, nothing written, without trying each alone', async () => {
    const { store, transactions } = countingStore();
    const broken = new StoreError('sqlite transaction: disk I/O error');
    const commit = createGroupCommit<InvoiceRecord>({
      store,
      write: async (tx, row) => {
        await tx.invoices.insert(row);
        if (row.description === 'last') throw broken;
      },
    });
    const rows = [makeInvoice(), makeInvoice(), makeInvoice({ description: 'last' })];
    const results = await Promise.all(rows.map((row) => outcome(commit(row))));
    expect(results).toEqual([broken, broken, broken]);
    expect((await store.invoices.list({ limit: 100 })).items).toEqual([]);
    expect(transactions()).toBe(1);
  });

  it('keeps working after a failed batch', async () => {
    const { store } = countingStore();
    let failing = true;
    const commit = createGroupCommit<InvoiceRecord>({
      store,
      write: async (tx, row) => {
        if (failing) throw new StoreError('sqlite transaction: database is locked');
        await tx.invoices.insert(row);
      },
    });
    await expect(commit(makeInvoice())).rejects.toMatchObject({ code: 'STORE_ERROR' });
    failing = false;
    const row = makeInvoice();
    await commit(row);
    expect(await store.invoices.get(row.id)).toBeDefined();
  });
});
