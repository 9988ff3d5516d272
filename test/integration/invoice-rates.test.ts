/**
 * Rates at the createLightning level, over real HTTP: the median of live sources is locked into the
 * invoice; every source down and no fallback → RateUnavailableError with no LND call, no row, no
 * event; a configured fallback prices the invoice and emits rate.fallback_used.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning } from '../../src/create-lightning.js';
import { createBitstampSource, createKrakenSource, createRateProvider } from '../../src/rates/index.js';
import { okBody } from '../../src/rates/sources/provider-fixtures.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createFakeLnd } from '../../src/testing/fake-lnd.js';
import { recordEvents } from '../helpers/collect.js';

let server: Server;
let base: string;
let up = true;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (!up) {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
      return;
    }
    const provider = req.url?.startsWith('/0/public/Ticker') ? 'kraken' : 'bitstamp';
    const price = provider === 'kraken' ? '87654.32' : '87660.32';
    res.writeHead(200, { 'content-type': 'application/json' }).end(okBody(provider, price, Date.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SERVICE_METHODS = new Set(['addInvoice', 'addHoldInvoice', 'cancelInvoice']);

function setup(fallback?: string) {
  const fake = createFakeLnd();
  const store = createMemoryStore();
  const rates = createRateProvider({
    sources: [createKrakenSource({ baseUrl: base }), createBitstampSource({ baseUrl: base })],
    timeoutMs: 1_000,
    ...(fallback ? { fallback } : {}),
  });
  const lightning = createLightning({ lnd: fake.lnd, rates, store });
  const calls = (): number => fake.network.node('alice').callLog.filter((c) => SERVICE_METHODS.has(c.method)).length;
  return { fake, store, lightning, calls };
}

describe('rates through createLightning', () => {
  it('locks the median of the live sources, and the sources used, into the invoice and its events', async () => {
    up = true;
    const { lightning, store } = setup();
    await lightning.start();
    const events = recordEvents(lightning.events, ['invoice.created']);
    await lightning.webhooks.addEndpoint({
      url: 'https://hooks.example.com/lnkit',
      secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
    });
    const invoice = await lightning.invoices.create({ amountEur: '19.99', description: 'median' });
    expect(invoice.rate?.toFixed()).toBe('87657.32');
    expect(invoice.rateSource?.split(',').sort()).toEqual(['bitstamp', 'kraken']);
    expect(invoice.rateFetchedAt).toBeInstanceOf(Date);
    expect(events[0]?.payload.invoice.rate?.toFixed()).toBe('87657.32');
    const { items } = await store.webhookOutbox.listDeliveries();
    const body = JSON.parse((await store.webhookOutbox.getEvent(items[0]!.eventId))!.body) as {
      data: Record<string, unknown>;
    };
    expect(body.data).toMatchObject({ rate: '87657.32', amount_eur: '19.99', amount_sats: 22805 }); // ceil(19.99 × 1e8 / 87657.32) = ceil(22804.7…)
    await lightning.stop();
  });

  it('every source down and no fallback → RateUnavailableError; no LND call, no row, no event', async () => {
    up = false;
    const { lightning, store, calls } = setup();
    await lightning.start();
    const events = recordEvents(lightning.events, ['invoice.created', 'rate.fallback_used']);
    const before = calls();
    await expect(lightning.invoices.create({ amountEur: '30', description: 'no rate' })).rejects.toMatchObject({
      code: 'RATE_UNAVAILABLE',
    });
    expect(calls()).toBe(before);
    expect((await store.invoices.list()).items).toHaveLength(0);
    expect(events).toEqual([]);
    expect((await lightning.metrics.snapshot()).counters.rate_provider_errors).toBe(1);
    // Invoices in sats need no rate and still work.
    await expect(lightning.invoices.create({ amountSat: 100, description: 'sats' })).resolves.toMatchObject({
      rate: null,
    });
    await lightning.stop();
  });

  it('with a fallback configured, the fallback prices the invoice and rate.fallback_used is emitted', async () => {
    up = false;
    const { lightning } = setup('90000');
    await lightning.start();
    const events = recordEvents(lightning.events, ['rate.fallback_used']);
    const invoice = await lightning.invoices.create({ amountEur: '9', description: 'fallback' });
    expect(invoice.rateSource).toBe('fallback');
    expect(invoice.amountMsat).toBe(10_000_000n);
    expect(events).toHaveLength(1);
    expect(events[0]?.payload.rate).toBe('90000');
    await lightning.stop();
  });
});
