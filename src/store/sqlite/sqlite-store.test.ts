import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { storeConformanceCases } from '../conformance.js';
import { BIG_MSAT, makeInvoice, makePayment } from '../conformance/fixtures.js';
import { sqliteMigrations } from './migrations/index.js';
import { createSqliteStore } from './sqlite-store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lnkit-sqlite-'));
let fileNo = 0;
const nextFile = (): string => path.join(dir, `store-${++fileNo}.db`);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('createSqliteStore', () => {
  describe('conformance (file)', () => {
    for (const c of storeConformanceCases)
      it(c.name, () => c.run(async () => createSqliteStore({ filename: nextFile() })));
  });

  describe('conformance (:memory:)', () => {
    for (const c of storeConformanceCases)
      it(c.name, () => c.run(async () => createSqliteStore({ filename: ':memory:' })));
  });

  it('keeps data across close and reopen of the same file', async () => {
    const filename = nextFile();
    const invoice = makeInvoice({ amountMsat: BIG_MSAT });
    const first = createSqliteStore({ filename });
    await first.migrate();
    await first.invoices.insert(invoice);
    await first.checkpoints.advance('lnd.add_index', BIG_MSAT);
    await first.close();
    const second = createSqliteStore({ filename });
    await second.migrate();
    expect((await second.invoices.get(invoice.id))?.amountMsat).toBe(BIG_MSAT);
    expect(await second.checkpoints.get('lnd.add_index')).toBe(BIG_MSAT);
    await second.close();
  });

  it('records migrations, turns on WAL and foreign keys, and leaves a caller-owned handle open', async () => {
    const filename = nextFile();
    const database = new Database(filename);
    const store = createSqliteStore({ database });
    await store.migrate();
    await store.migrate();
    const applied = database.prepare('select name from lnkit_migration order by name').all() as { name: string }[];
    expect(applied.map((r) => r.name)).toEqual(Object.keys(sqliteMigrations).sort());
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    await store.close();
    expect(database.open).toBe(true);
    // The caller's default integer mode is untouched (lnkit sets safeIntegers per statement).
    expect(database.prepare('select 1 as n').get()).toEqual({ n: 1 });
    database.close();
  });

  it('stores msat as exact INTEGER and dates as integer ms', async () => {
    const filename = nextFile();
    const store = createSqliteStore({ filename });
    await store.migrate();
    const invoice = makeInvoice({ amountMsat: BIG_MSAT });
    await store.invoices.insert(invoice);
    await store.close();
    const raw = new Database(filename, { readonly: true });
    raw.defaultSafeIntegers(true);
    const row = raw
      .prepare('select amount_msat, typeof(amount_msat) t, created_at, amount_eur from invoices')
      .get() as Record<string, unknown>;
    expect(row).toEqual({
      amount_msat: BIG_MSAT,
      t: 'integer',
      created_at: BigInt(invoice.createdAt.getTime()),
      amount_eur: '19.99',
    });
    raw.close();
  });

  it('commits 1,000 settlements (update + insert + checkpoint) in one transaction well under a second', async () => {
    const store = createSqliteStore({ filename: nextFile() });
    await store.migrate();
    const invoices = Array.from({ length: 1000 }, () => makeInvoice());
    await store.transaction(async (tx) => {
      for (const i of invoices) await tx.invoices.insert(i);
    });
    const started = performance.now();
    await store.transaction(async (tx) => {
      let index = 0n;
      for (const invoice of invoices) {
        index += 1n;
        const settled = await tx.invoices.update(
          invoice.id,
          { status: 'settled', settleIndex: index, amountPaidMsat: invoice.amountMsat },
          { fromStatus: ['open', 'accepted'] },
        );
        if (!settled) throw new Error('lost the race');
        await tx.payments.insert(
          makePayment({ paymentHash: invoice.paymentHash, invoiceId: invoice.id, settleIndex: index }),
        );
        await tx.checkpoints.advance('lnd.settle_index', index);
      }
    });
    const elapsed = performance.now() - started;
    expect(await store.checkpoints.get('lnd.settle_index')).toBe(1000n);
    expect((await store.payments.list({ limit: 1000 })).items.length).toBe(1000);
    expect(elapsed).toBeLessThan(1000);
    await store.close();
  });

  it('maps driver errors: conflict → StoreConflictError with the cause, orphan row → StoreError', async () => {
    const store = createSqliteStore({ filename: ':memory:' });
    await store.migrate();
    const invoice = makeInvoice();
    await store.invoices.insert(invoice);
    const conflict = await store.invoices.insert(invoice).catch((e: unknown) => e);
    expect(conflict).toMatchObject({
      code: 'STORE_CONFLICT',
      cause: { code: expect.stringMatching(/^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/) },
    });
    await expect(store.transaction(() => store.invoices.get(invoice.id))).rejects.toMatchObject({
      code: 'STORE_ERROR',
    });
    await store.close();
  });

  it('rejects calls through a tx after its transaction ended, and closes a never-used file', async () => {
    const store = createSqliteStore({ filename: ':memory:' });
    await store.migrate();
    let leaked: Parameters<Parameters<typeof store.transaction>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.checkpoints.advance('late', 1n)).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(await store.checkpoints.get('late')).toBeUndefined();
    await store.close();
    const closeSpy = vi.spyOn(Database.prototype, 'close');
    try {
      const unused = createSqliteStore({ filename: nextFile() });
      await unused.close();
      await unused.close();
      expect(closeSpy).toHaveBeenCalledTimes(1);
    } finally {
      closeSpy.mockRestore();
    }
  });

  it('rejects a bad config with INVALID_INPUT', () => {
    expect(() => createSqliteStore({ filename: '' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => createSqliteStore({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => createSqliteStore({ database: {} as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => createSqliteStore({ filename: path.join(dir, 'missing-dir', 'x.db') })).toThrow(
      expect.objectContaining({ code: 'STORE_ERROR' }),
    );
  });
});
