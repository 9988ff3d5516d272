import { describe, expect, it } from 'vitest';
import { InsufficientInboundError, LndPermissionError, StoreError } from '../errors.js';
import type { Invoice } from '../domain/invoice.js';
import type { LndClient } from '../lnd/lnd-client.js';
import { createMemoryStore } from '../store/memory/index.js';
import type { Store } from '../store/store.js';
import { makeInvoice } from '../store/conformance/fixtures.js';
import { createFakeLnd } from '../testing/fake-lnd.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createTestContext } from '../testing/service-context-fixture.js';
import { INBOUND_LISTING_MAX_AGE_MS, INBOUND_LISTING_TTL_MS } from './check-inbound.js';
import { createInvoiceService } from './invoice-service.js';

/** alice (fake LND) with every added invoice's hash noted, and ListChannels counted and switchable. */
function setup(options: { store?: Store; onAdd?: (memo: string) => Promise<void> } = {}) {
  const clock = createManualClock();
  const fake = createFakeLnd({ clock });
  const added: string[] = [];
  const hashByMemo = new Map<string, string>();
  let listings = 0;
  let channels: 'real' | 'none' | 'denied' | 'hang' = 'real';
  const lnd: LndClient = {
    ...fake.lnd,
    async addInvoice(input) {
      const result = await fake.lnd.addInvoice(input);
      added.push(result.paymentHash);
      hashByMemo.set(input.memo ?? '', result.paymentHash);
      await options.onAdd?.(input.memo ?? '');
      return result;
    },
    async listChannels() {
      listings++;
      if (channels === 'denied') throw new LndPermissionError();
      if (channels === 'hang') return new Promise(() => undefined);
      return channels === 'none' ? [] : fake.lnd.listChannels();
    },
  };
  const store = options.store ?? createMemoryStore();
  const ctx = createTestContext({ lnd, store, clock });
  const invoices = createInvoiceService(ctx);
  const created = () => ctx.emittedEvents.filter((e) => e.type === 'invoice.created');
  const lndState = async (hash: string) => (await fake.lnd.lookupInvoice(hash)).state;
  return {
    clock,
    ctx,
    store,
    invoices,
    added,
    hashByMemo,
    created,
    lndState,
    listings: () => listings,
    setChannels: (next: typeof channels) => (channels = next),
  };
}

const settle = <T>(p: Promise<T>): Promise<T | Error> => p.catch((error: Error) => error);

describe('invoices.create: concurrent creates share one transaction (group commit)', () => {
  it('commits them together: every row, every invoice.created, one transaction', async () => {
    const inner = createMemoryStore();
    let transactions = 0;
    const store: Store = { ...inner, transaction: (fn) => (transactions++, inner.transaction(fn)) };
    const t = setup({ store });
    const invoices = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.invoices.create({ amountSat: 1000n + BigInt(i), description: `#${i}` })),
    );
    expect(transactions).toBe(1);
    for (const invoice of invoices) expect((await t.store.invoices.get(invoice.id))?.status).toBe('open');
    expect(
      t
        .created()
        .map((e) => (e.payload as { invoice: Invoice }).invoice.id)
        .sort(),
    ).toEqual(invoices.map((i) => i.id).sort());
    expect((await t.store.webhookOutbox.listDeliveries({ limit: 100 })).items).toEqual([]); // no endpoint
  });

  it('a create whose row conflicts (its idempotency key won by another process) fails alone; the others commit', async () => {
    const inner = createMemoryStore();
    let transactions = 0;
    const store: Store = { ...inner, transaction: (fn) => (transactions++, inner.transaction(fn)) };
    // Another process takes the key for a different amount while this one's AddInvoice is in flight.
    const t = setup({
      store,
      onAdd: async (memo) => {
        if (memo === 'raced') await store.invoices.insert(makeInvoice({ idempotencyKey: 'order-9', amountEur: null }));
      },
    });
    const results = await Promise.all([
      settle(t.invoices.create({ amountSat: 1000n, description: 'a' })),
      settle(t.invoices.create({ amountSat: 2000n, description: 'raced', idempotencyKey: 'order-9' })),
      settle(t.invoices.create({ amountSat: 3000n, description: 'b' })),
    ]);
    expect(results[1]).toMatchObject({ code: 'INVALID_INPUT', field: 'idempotencyKey' });
    expect(transactions).toBe(1 + 3); // the batch rolled back, then each create alone
    const ok = [results[0], results[2]] as Invoice[];
    for (const invoice of ok) expect(await t.store.invoices.get(invoice.id)).toBeDefined();
    expect(
      t
        .created()
        .map((e) => (e.payload as { invoice: Invoice }).invoice.description)
        .sort(),
    ).toEqual(['a', 'b']);
    // The raced create's LND invoice is cancelled: nobody can pay an invoice lnkit has no row for.
    expect(await t.lndState(t.hashByMemo.get('raced')!)).toBe('CANCELED');
    expect(await t.lndState(t.hashByMemo.get('a')!)).toBe('OPEN');
    expect(await t.lndState(t.hashByMemo.get('b')!)).toBe('OPEN');
  });

  it('a store failure fails every create of the batch: nothing written, no event, every LND invoice cancelled', async () => {
    const inner = createMemoryStore();
    let broken = false;
    const store: Store = {
      ...inner,
      transaction: (fn) =>
        inner.transaction(async (tx) => {
          const result = await fn(tx);
          if (broken) throw new StoreError('sqlite transaction: disk I/O error');
          return result;
        }),
    };
    const t = setup({ store });
    broken = true;
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => settle(t.invoices.create({ amountSat: 1000n, description: `#${i}` }))),
    );
    for (const result of results) expect(result).toMatchObject({ code: 'STORE_ERROR' });
    expect((await inner.invoices.list({ limit: 100 })).items).toEqual([]);
    expect((await inner.webhookOutbox.listDeliveries({ limit: 100 })).items).toEqual([]);
    expect(t.created()).toEqual([]);
    expect(t.added).toHaveLength(5);
    for (const hash of t.added) expect(await t.lndState(hash)).toBe('CANCELED');
    broken = false;
    expect((await t.invoices.create({ amountSat: 1000n, description: 'after' })).status).toBe('open');
  });
});

describe('invoices.create: the inbound check lists channels once for concurrent creates', () => {
  it('one ListChannels serves concurrent creates and later ones for a second, then LND is asked again', async () => {
    const t = setup();
    await Promise.all(Array.from({ length: 16 }, () => t.invoices.create({ amountSat: 1000n, description: 'x' })));
    expect(t.listings()).toBe(1);
    await t.clock.advance(INBOUND_LISTING_TTL_MS - 1);
    await t.invoices.create({ amountSat: 1000n, description: 'x' });
    expect(t.listings()).toBe(1);
    await t.clock.advance(1);
    await t.invoices.create({ amountSat: 1000n, description: 'x' });
    expect(t.listings()).toBe(2);
  });

  it('refuses only on a listing made for it: inbound that appeared since the kept listing is seen at once', async () => {
    const t = setup();
    t.setChannels('none');
    await expect(t.invoices.create({ amountSat: 1000n, description: 'x' })).rejects.toBeInstanceOf(
      InsufficientInboundError,
    );
    expect(t.listings()).toBe(1);
    t.setChannels('real'); // a channel opened: the kept listing (no inbound) is not trusted to refuse
    expect((await t.invoices.create({ amountSat: 1000n, description: 'x' })).status).toBe('open');
    expect(t.listings()).toBe(2);
    t.setChannels('none');
    // Within the second, a kept listing that lets the amount through is used as is (documented).
    expect((await t.invoices.create({ amountSat: 1000n, description: 'x' })).status).toBe('open');
    expect(t.listings()).toBe(2);
    // Past it, the create still passes on the kept listing while the next one is listed …
    await t.clock.advance(INBOUND_LISTING_TTL_MS);
    expect((await t.invoices.create({ amountSat: 1000n, description: 'x' })).status).toBe('open');
    expect(t.listings()).toBe(3);
    await new Promise((resolve) => setImmediate(resolve));
    // … and the creates after it hear what that listing said.
    await expect(t.invoices.create({ amountSat: 1000n, description: 'x' })).rejects.toMatchObject({
      code: 'INSUFFICIENT_INBOUND',
      requestedSat: 1000n,
      receivableSat: 0n,
    });
    expect(t.added).toHaveLength(3); // nothing added in LND for the refused ones
  });

  it('past the TTL a create does not wait for the new listing; past the max age it does', async () => {
    const t = setup();
    await t.invoices.create({ amountSat: 1000n, description: 'x' });
    t.setChannels('hang'); // LND takes its time to list channels
    await t.clock.advance(INBOUND_LISTING_TTL_MS);
    expect((await t.invoices.create({ amountSat: 1000n, description: 'x' })).status).toBe('open');
    expect((await t.invoices.create({ amountSat: 1000n, description: 'x' })).status).toBe('open');
    expect(t.listings()).toBe(2); // one listing in flight, shared
    await t.clock.advance(INBOUND_LISTING_MAX_AGE_MS - INBOUND_LISTING_TTL_MS);
    let settled = false;
    void t.invoices.create({ amountSat: 1000n, description: 'x' }).finally(() => (settled = true));
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // waits for the listing that has not answered
    expect(t.added).toHaveLength(3);
  });

  it('a macaroon that may not list channels skips the check, warning once per listing', async () => {
    const t = setup();
    t.setChannels('denied');
    await Promise.all(Array.from({ length: 4 }, () => t.invoices.create({ amountSat: 1000n, description: 'x' })));
    expect(t.listings()).toBe(1);
    expect(t.ctx.logLines.filter((l) => l.message.includes('cannot list channels'))).toHaveLength(1);
  });

  it('allowInsufficientInbound does not list channels', async () => {
    const t = setup();
    t.setChannels('none');
    await t.invoices.create({ amountSat: 1000n, description: 'x', allowInsufficientInbound: true });
    expect(t.listings()).toBe(0);
  });
});
