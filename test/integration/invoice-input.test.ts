/**
 * Bad input to invoices.create / get / cancel: a typed error with a clear message; nothing written,
 * no LND call, no event. Plus expiry and lifecycle guards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { isLightningError } from '../../src/errors.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/store.js';
import { createFakeLnd } from '../../src/testing/fake-lnd.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { createCollectingLogger, recordEvents } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';

let fake: ReturnType<typeof createFakeLnd>;
let store: Store;
let lightning: Lightning;
let events: ReturnType<typeof recordEvents>;
// Calls a service makes on behalf of a user (the watcher's own listInvoices/subscribe don't count).
const SERVICE_METHODS = new Set([
  'addInvoice',
  'addHoldInvoice',
  'cancelInvoice',
  'settleInvoice',
  'lookupInvoice',
  'sendPayment',
  'decodePayReq',
]);
const lndCalls = (): number => fake.network.node('alice').callLog.filter((c) => SERVICE_METHODS.has(c.method)).length;

beforeEach(async () => {
  fake = createFakeLnd();
  store = createMemoryStore();
  lightning = createLightning({
    lnd: fake.lnd,
    rates: createFixedRates('90000'),
    store,
    logger: createCollectingLogger(),
  });
  await lightning.start();
  events = recordEvents(lightning.events, ['invoice.created', 'invoice.cancelled', 'invoice.settled']);
});
afterEach(async () => {
  await lightning.stop();
});

const desc = 'ok';
const createCases: [string, Record<string, unknown>, RegExp][] = [
  ['negative EUR', { amountEur: '-3', description: desc }, /amountEur: expected a positive EUR amount, got -3/],
  ['zero EUR', { amountEur: '0', description: desc }, /amountEur: expected a positive EUR amount/],
  ['zero sats', { amountSat: 0, description: desc }, /amountSat: expected a positive amount/],
  ['negative sats', { amountSat: -5n, description: desc }, /amountSat: expected a positive amount/],
  ['NaN', { amountEur: Number.NaN, description: desc }, /amountEur: expected a finite number, got NaN/],
  ['Infinity', { amountEur: Number.POSITIVE_INFINITY, description: desc }, /amountEur: expected a finite number/],
  [
    "'abc'",
    { amountEur: 'abc', description: desc },
    /amountEur: expected a positive EUR amount like "19.99", got "abc"/,
  ],
  [
    "'1e3'",
    { amountEur: '1e3', description: desc },
    /amountEur: expected a positive EUR amount like "19.99", got "1e3"/,
  ],
  ['3 decimals', { amountEur: '1.999', description: desc }, /amountEur: expected at most 2 decimals, got 1.999/],
  ['both amounts', { amountEur: '1', amountSat: 1, description: desc }, /exactly one of amountEur or amountSat/],
  ['no amount', { description: desc }, /exactly one of amountEur or amountSat/],
  ['fractional sats', { amountSat: 1.5, description: desc }, /amountSat: expected a positive whole number of sats/],
  ['above 21 million BTC (sats)', { amountSat: 2_100_000_000_000_001n, description: desc }, /above 21 million BTC/],
  ['above 21 million BTC (EUR)', { amountEur: '999999999999999', description: desc }, /above 21 million BTC/],
  [
    'description over 639 bytes',
    { amountSat: 1, description: 'é'.repeat(320) },
    /description: expected at most 639 UTF-8 bytes, got 640/,
  ],
  ['description not a string', { amountSat: 1, description: 42 }, /description: expected a string, got 42/],
  [
    'expiry 0',
    { amountSat: 1, description: desc, expirySeconds: 0 },
    /expirySeconds: expected 1 to 31536000 seconds, got 0/,
  ],
  [
    'expiry negative',
    { amountSat: 1, description: desc, expirySeconds: -1 },
    /expirySeconds: expected 1 to 31536000 seconds/,
  ],
  [
    'expiry over a year',
    { amountSat: 1, description: desc, expirySeconds: 31_536_001 },
    /expirySeconds: expected 1 to 31536000 seconds, got 31536001/,
  ],
  [
    'expiry fractional',
    { amountSat: 1, description: desc, expirySeconds: 1.5 },
    /expirySeconds: expected a whole number of seconds/,
  ],
  [
    'metadata not JSON (bigint)',
    { amountSat: 1, description: desc, metadata: { a: 1n } },
    /metadata: expected plain JSON/,
  ],
  [
    'metadata not JSON (Date)',
    { amountSat: 1, description: desc, metadata: { at: new Date() } },
    /metadata: expected plain JSON/,
  ],
  [
    'metadata over 8 KB',
    { amountSat: 1, description: desc, metadata: { blob: 'x'.repeat(8200) } },
    /metadata: expected at most 8192 bytes of JSON/,
  ],
  [
    'idempotencyKey empty',
    { amountSat: 1, description: desc, idempotencyKey: '' },
    /idempotencyKey: expected 1 to 200 printable ASCII characters/,
  ],
];

describe('invoices.create refuses bad input, changing nothing', () => {
  it.each(createCases)('%s', async (_name, input, message) => {
    const calls = lndCalls();
    const error = await lightning.invoices.create(input as never).catch((e: unknown) => e);
    expect(isLightningError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect((error as Error).message).toMatch(message);
    expect(lndCalls()).toBe(calls);
    expect((await store.invoices.list()).items).toHaveLength(0);
    expect(events).toEqual([]);
  });
});

describe('invoices.get / cancel refuse bad ids and illegal moves', () => {
  it.each([
    ['get', 'not-an-id', 'INVALID_INPUT'],
    ['get', 'inv_00000000000000000000000000', 'INVOICE_NOT_FOUND'],
    ['cancel', 42, 'INVALID_INPUT'],
    ['cancel', 'inv_00000000000000000000000000', 'INVOICE_NOT_FOUND'],
  ] as const)('%s(%s) → %s', async (method, id, code) => {
    const calls = lndCalls();
    await expect(lightning.invoices[method](id as string)).rejects.toMatchObject({ code });
    expect(lndCalls()).toBe(calls);
    expect(events).toEqual([]);
  });

  it('getByPaymentHash with a malformed hash → INVALID_INPUT', async () => {
    await expect(lightning.invoices.getByPaymentHash('abc')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('cancelling a settled invoice → INVALID_STATE_TRANSITION, no LND call, no event', async () => {
    const invoice = await lightning.invoices.create({ amountSat: 100, description: 'paid' });
    await fake.simulate.pay(invoice.paymentRequest);
    await waitUntil(async () => (await lightning.invoices.get(invoice.id)).status === 'settled', 10_000, 'settled');
    events.length = 0;
    const calls = lndCalls();
    await expect(lightning.invoices.cancel(invoice.id)).rejects.toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      message: /is settled/,
    });
    expect(lndCalls()).toBe(calls);
    expect(events).toEqual([]);
  });

  it('cancels an open invoice in LND and locally, once', async () => {
    const invoice = await lightning.invoices.create({ amountSat: 100, description: 'to cancel' });
    const cancelled = await lightning.invoices.cancel(invoice.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await fake.lnd.lookupInvoice(invoice.paymentHash)).state).toBe('CANCELED');
    expect(events.map((e) => e.name)).toEqual(['invoice.created', 'invoice.cancelled']);
    await expect(lightning.invoices.cancel(invoice.id)).rejects.toMatchObject({ code: 'INVALID_STATE_TRANSITION' });
  });

  it('lists with filters and keyset paging, newest first', async () => {
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await lightning.invoices.create({ amountSat: 10 + i, description: `n${i}` }));
    await lightning.invoices.cancel(made[0]!.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await lightning.invoices.list({ limit: 3, status: 'open', ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Newest first: createdAt desc, then id desc (ids are random within one millisecond, so two
    // invoices created in the same millisecond are ordered by id, not by creation).
    const newestFirst = made
      .slice(1)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    expect(seen).toEqual(newestFirst.map((i) => i.id));
    await expect(lightning.invoices.list({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(lightning.invoices.list({ status: 'paid' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('expiry and lifecycle', () => {
  it('an open invoice past expiresAt becomes expired; a later LND settlement is still recorded', async () => {
    const clock = createManualClock(Date.now());
    const fake2 = createFakeLnd(); // LND on the real clock: it still considers the invoice open
    const local = createLightning({
      lnd: fake2.lnd,
      rates: createFixedRates('90000'),
      store: createMemoryStore(),
      clock,
      expirySweepIntervalMs: 1000,
    });
    await local.start();
    const seen = recordEvents(local.events, ['invoice.expired', 'invoice.settled']);
    const invoice = await local.invoices.create({ amountSat: 50, description: 'short', expirySeconds: 60 });
    await clock.advance(61_000);
    await waitUntil(() => seen.length === 1, 5_000, 'expired event');
    expect((await local.invoices.get(invoice.id)).status).toBe('expired');
    await fake2.simulate.pay(invoice.paymentRequest);
    await waitUntil(
      async () => (await local.invoices.get(invoice.id)).status === 'settled',
      10_000,
      'settled after expiry',
    );
    expect(seen.map((e) => e.name)).toEqual(['invoice.expired', 'invoice.settled']);
    await local.stop();
  });

  it('calls before start() and after stop() fail with a typed error; start/stop are idempotent', async () => {
    const fresh = createLightning({ lnd: fake.lnd, rates: createFixedRates('90000'), store: createMemoryStore() });
    await expect(fresh.invoices.list()).rejects.toMatchObject({ code: 'NOT_STARTED' });
    await Promise.all([fresh.start(), fresh.start()]);
    await fresh.invoices.list();
    await Promise.all([fresh.stop(), fresh.stop()]);
    await expect(fresh.invoices.list()).rejects.toMatchObject({ code: 'STOPPED' });
    await expect(fresh.start()).rejects.toMatchObject({ code: 'STOPPED' });
  });

  it('supports await using', async () => {
    let ref: Lightning | undefined;
    {
      await using scoped = createLightning({
        lnd: fake.lnd,
        rates: createFixedRates('90000'),
        store: createMemoryStore(),
      });
      ref = scoped;
      await scoped.start();
      await scoped.invoices.create({ amountSat: 1, description: 'scoped' });
    }
    await expect(ref.invoices.list()).rejects.toMatchObject({ code: 'STOPPED' });
  });
});
