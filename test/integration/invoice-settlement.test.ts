/**
 * Issue #2 acceptance through the real path: createLightning on a SQLite file, the fake LND network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { StoreError } from '../../src/errors.js';
import type { Repositories, Store } from '../../src/store/store.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createFakeLnd } from '../../src/testing/fake-lnd.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createCollectingLogger, recordEvents } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-settle-'));
  file = join(dir, 'lnkit.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rates = createFixedRates('87654.32');
const fastWatcher = { minBackoffMs: 5, maxBackoffMs: 50 };

function open(fake: ReturnType<typeof createFakeLnd>, store: Store = createSqliteStore({ filename: file })): Lightning {
  return createLightning({ lnd: fake.lnd, rates, store, settlement: fastWatcher, logger: createCollectingLogger() });
}

async function countIncoming(store: Store): Promise<number> {
  return (await store.payments.list({ direction: 'in', limit: 1000 })).items.length;
}

describe('EUR invoice from creation to settlement', () => {
  it('creates a €19.99 invoice at 87,654.32 EUR/BTC for 22,806 sat and records its settlement once', async () => {
    const fake = createFakeLnd();
    const lightning = open(fake);
    await lightning.start();
    const events = recordEvents(lightning.events, ['invoice.created', 'invoice.settled', 'payment.received']);
    const invoice = await lightning.invoices.create({
      amountEur: '19.99',
      description: 'Order 42',
      metadata: { order: 42 },
    });
    expect(invoice.amountMsat).toBe(22_806_000n);
    expect(invoice.amountEur?.toFixed(2)).toBe('19.99');
    expect(invoice.rate?.toFixed()).toBe('87654.32');
    expect(invoice.rateSource).toBe('fixed');
    expect(invoice.paymentRequest).toMatch(/^ln/);
    expect(invoice.status).toBe('open');

    await fake.simulate.pay(invoice.paymentRequest);
    const settled = await lightning.events.waitFor('invoice.settled', (e) => e.invoice.id === invoice.id, 10_000);
    expect(settled.invoice.status).toBe('settled');
    expect(settled.invoice.amountPaidMsat).toBe(22_806_000n);
    const stored = await lightning.invoices.get(invoice.id);
    expect(stored.status).toBe('settled');
    expect(stored.settleIndex).toBeGreaterThan(0n);
    expect(events.map((e) => e.name)).toEqual(['invoice.created', 'invoice.settled', 'payment.received']);
    await lightning.stop();
  });

  it('restart: 5 invoices, stop, 3 paid while down → exactly 3 settlements, each once; a further start adds nothing', async () => {
    const fake = createFakeLnd();
    const first = open(fake);
    await first.start();
    const invoices = [];
    for (let i = 0; i < 5; i++)
      invoices.push(await first.invoices.create({ amountSat: 1000 + i, description: `inv ${i}` }));
    await first.stop();

    for (const inv of invoices.slice(0, 3)) await fake.simulate.pay(inv.paymentRequest);

    const store2 = createSqliteStore({ filename: file });
    const second = open(fake, store2);
    const events = recordEvents(second.events, ['payment.received', 'invoice.settled']);
    await second.start();
    await waitUntil(async () => (await countIncoming(store2)) === 3, 10_000, '3 settlements');
    await waitUntil(() => events.filter((e) => e.name === 'payment.received').length === 3, 5_000, '3 events');
    await second.stop();
    const settledIds = events
      .filter((e) => e.name === 'invoice.settled')
      .map((e) => (e.payload as { invoice: { id: string } }).invoice.id);
    expect(settledIds.sort()).toEqual(
      invoices
        .slice(0, 3)
        .map((i) => i.id)
        .sort(),
    );

    const store3 = createSqliteStore({ filename: file });
    const third = open(fake, store3);
    const again = recordEvents(third.events, ['payment.received']);
    await third.start();
    const probe = await third.invoices.create({ amountSat: 5, description: 'probe' });
    await fake.simulate.pay(probe.paymentRequest);
    await third.events.waitFor('payment.received', (e) => e.invoice?.id === probe.id, 10_000);
    expect(again.map((e) => e.payload.invoice?.id)).toEqual([probe.id]);
    expect(await countIncoming(store3)).toBe(4);
    const statuses = await Promise.all(invoices.map((i) => third.invoices.get(i.id).then((x) => x.status)));
    expect(statuses).toEqual(['settled', 'settled', 'settled', 'open', 'open']);
    await third.stop();
  });

  it('crash: a store that throws inside the settlement transaction writes nothing and emits nothing; the next start records it', async () => {
    const fake = createFakeLnd();
    let failInserts = true;
    const real = createSqliteStore({ filename: file });
    const flaky: Store = {
      ...real,
      migrate: () => real.migrate(),
      ping: () => real.ping(),
      close: () => real.close(),
      transaction: <T>(fn: (tx: Repositories) => Promise<T>) =>
        real.transaction((tx) =>
          fn({
            ...tx,
            payments: {
              ...tx.payments,
              insert: async (p) => {
                if (failInserts && p.direction === 'in') throw new StoreError('disk on fire');
                return tx.payments.insert(p);
              },
              // The settlement fast path (#15) writes the incoming payment here instead of insert().
              recordIncoming: async (input) => {
                if (failInserts) throw new StoreError('disk on fire');
                return tx.payments.recordIncoming!(input);
              },
            },
          }),
        ),
    };
    const logger = createCollectingLogger();
    const first = createLightning({ lnd: fake.lnd, rates, store: flaky, settlement: fastWatcher, logger });
    await first.start();
    const events = recordEvents(first.events, ['invoice.settled', 'payment.received']);
    const invoice = await first.invoices.create({ amountSat: 2100, description: 'crash test' });
    await fake.simulate.pay(invoice.paymentRequest);
    // Let the watcher try (and fail, rolling back) a few times.
    await waitUntil(
      () => logger.lines.filter((l) => l.includes('disk on fire')).length >= 3,
      10_000,
      'three failed attempts',
    );
    expect(events).toEqual([]);
    expect((await real.invoices.get(invoice.id))?.status).toBe('open');
    expect(await countIncoming(real)).toBe(0);
    await first.stop();

    failInserts = false;
    const store2 = createSqliteStore({ filename: file });
    const second = open(fake, store2);
    const later = recordEvents(second.events, ['payment.received']);
    await second.start();
    await waitUntil(() => later.length === 1, 10_000, 'the settlement');
    expect((await store2.invoices.get(invoice.id))?.status).toBe('settled');
    expect(await countIncoming(store2)).toBe(1);
    await second.stop();
  });

  it('records a settlement of an invoice lnkit did not create as an external payment', async () => {
    const fake = createFakeLnd();
    const lightning = open(fake);
    await lightning.start();
    await lightning.invoices.create({ amountSat: 1, description: 'warm-up' });
    const foreign = await fake.lnd.addInvoice({ valueMsat: 7_000n, memo: 'made outside lnkit' });
    await fake.simulate.pay(foreign.paymentRequest);
    const { payment, invoice } = await lightning.events.waitFor(
      'payment.received',
      (e) => e.payment.paymentHash === foreign.paymentHash,
      10_000,
    );
    expect(invoice).toBeNull();
    expect(payment.invoiceId).toBeNull();
    expect(payment.amountMsat).toBe(7_000n);
    await lightning.stop();
  });

  it('a node with history: settlements from before lnkit existed are not replayed as new payments', async () => {
    const fake = createFakeLnd();
    for (let i = 0; i < 3; i++) {
      const old = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: `history ${i}` });
      await fake.simulate.pay(old.paymentRequest);
    }
    const lightning = open(fake);
    const seen = recordEvents(lightning.events, ['payment.received']);
    await lightning.start();
    // Created at once, racing the first reconcile.
    const invoice = await lightning.invoices.create({ amountSat: 42, description: 'new' });
    await fake.simulate.pay(invoice.paymentRequest);
    await waitUntil(() => seen.length >= 1, 10_000, 'our settlement');
    await lightning.stop();
    expect(seen.map((e) => e.payload.invoice?.id ?? null)).toEqual([invoice.id]);
  });

  it('a listener that throws does not stop the watcher', async () => {
    const fake = createFakeLnd();
    const lightning = open(fake);
    await lightning.start();
    lightning.events.on('payment.received', () => {
      throw new Error('listener bug');
    });
    const a = await lightning.invoices.create({ amountSat: 10, description: 'a' });
    const b = await lightning.invoices.create({ amountSat: 11, description: 'b' });
    await fake.simulate.pay(a.paymentRequest);
    await fake.simulate.pay(b.paymentRequest);
    await lightning.events
      .waitFor('invoice.settled', (e) => e.invoice.id === b.id, 10_000)
      .catch(async () => undefined);
    await waitUntil(async () => (await lightning.invoices.get(b.id)).status === 'settled', 10_000, 'b settled');
    await lightning.stop();
  });

  it('the same idempotencyKey returns the same invoice and makes one LND invoice', async () => {
    const fake = createFakeLnd();
    const lightning = open(fake);
    await lightning.start();
    const before = fake.network.node('alice').callLog.filter((c) => c.method === 'addInvoice').length;
    const results = await Promise.all(
      [1, 2, 3].map(() => lightning.invoices.create({ amountEur: '5', description: 'x', idempotencyKey: 'order-7' })),
    );
    const again = await lightning.invoices.create({ amountEur: '5', description: 'x', idempotencyKey: 'order-7' });
    expect(new Set([...results, again].map((i) => i.id)).size).toBe(1);
    expect(fake.network.node('alice').callLog.filter((c) => c.method === 'addInvoice').length - before).toBe(1);
    await lightning.stop();
  });
});
