import { afterEach, describe, expect, it } from 'vitest';
import { decodeSvgQr } from '../../test/helpers/qr.js';
import { readSseBody } from '../../test/helpers/sse.js';
import { decimal } from '../domain/amount.js';
import type { Invoice, InvoiceStatus } from '../domain/invoice.js';
import { InvoiceNotFoundError, StoreError } from '../errors.js';
import { createEventBus, type InternalEventBus } from '../events/event-bus.js';
import { silentLogger, type Logger } from '../logger.js';
import { createInvoiceStatusHandler, type InvoiceStatusHandler } from './invoice-status-handler.js';
import { PUBLIC_INVOICE_FIELDS } from './public-invoice.js';

const ID = 'inv_01jabcdefghjkmnpqrstvwxyz0';
const OTHER = 'inv_01jzzzzzzzzzzzzzzzzzzzzzzz';
const BOLT11 =
  'lnbcrt228060n1p5qqqqqpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5facqmd3sqqqqqqqqqqqqqqqqqqqqqqq';

function invoiceIn(status: InvoiceStatus, id = ID): Invoice {
  return {
    id,
    paymentHash: 'ab'.repeat(32),
    paymentRequest: BOLT11,
    amountMsat: 22_806_000n,
    amountEur: decimal('19.99'),
    rate: decimal('87654.32'),
    rateSource: 'kraken',
    rateFetchedAt: new Date('2026-01-01T09:59:30Z'),
    description: 'Order 42',
    metadata: { order_id: 42, _email: 'buyer@example.com' },
    status,
    isHold: false,
    addIndex: 7n,
    settleIndex: status === 'settled' ? 3n : null,
    amountPaidMsat: status === 'settled' ? 22_806_000n : null,
    idempotencyKey: 'order-42-secret-key',
    createdAt: new Date('2026-01-01T10:00:00Z'),
    expiresAt: new Date('2026-01-01T11:00:00Z'),
    settledAt: status === 'settled' ? new Date('2026-01-01T10:05:00Z') : null,
    closedAt: status === 'expired' || status === 'cancelled' ? new Date('2026-01-01T11:00:00Z') : null,
  };
}

let bus: InternalEventBus;
let rows: Map<string, Invoice>;
let failLookup: Error | null;
let handler: InvoiceStatusHandler;

function setup(config: Partial<Parameters<typeof createInvoiceStatusHandler>[0]> = {}): void {
  bus = createEventBus(silentLogger);
  rows = new Map([[ID, invoiceIn('open')]]);
  failLookup = null;
  handler = createInvoiceStatusHandler({
    lightning: {
      events: bus,
      invoices: {
        async get(id) {
          if (failLookup) throw failLookup;
          const row = rows.get(id);
          if (!row) throw new InvoiceNotFoundError(`no invoice with id ${id}`);
          return row;
        },
      },
    },
    heartbeatMs: 20,
    ...config,
  });
}

function change(status: InvoiceStatus, id = ID): void {
  const invoice = invoiceIn(status, id);
  rows.set(id, invoice);
  const name = `invoice.${status === 'open' ? 'created' : status}` as const;
  bus.emit(name, { invoice });
}

const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> =>
  handler.fetch(new Request(`http://shop.test${path}`, { headers, method }));

afterEach(() => handler.close());

describe('GET …/:id', () => {
  it('answers the public view under any prefix: status, sat and EUR, BOLT11, expiry; nothing private', async () => {
    setup();
    for (const path of [`/${ID}`, `/api/invoices/${ID}`, `/api/invoices/${ID}/`]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual([...PUBLIC_INVOICE_FIELDS].sort());
      expect(body).toMatchObject({
        invoice_id: ID,
        status: 'open',
        amount_sats: 22_806,
        amount_eur: '19.99',
        payment_request: BOLT11,
        expiry_time: '2026-01-01T11:00:00.000Z',
      });
      const text = JSON.stringify(body);
      for (const secret of ['buyer@example.com', 'order-42-secret-key', 'order_id', 'kraken']) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it.each([
    ['an unknown id', `/api/invoices/${OTHER}`],
    ['a malformed id', '/api/invoices/inv_short'],
    ['another path', '/api/orders'],
    ['the root', '/'],
    ['an unknown view', `/api/invoices/${ID}/preimage`],
  ])('404 for %s, the same answer whatever the reason', async (_what, path) => {
    setup();
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'INVOICE_NOT_FOUND', message: 'no such invoice' } });
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s is refused with 405 and changes nothing', async (method) => {
    setup();
    const response = await get(`/${ID}`, {}, method);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(rows.get(ID)?.status).toBe('open');
  });

  it('a store outage is 503 with Retry-After, logged, its message not shown', async () => {
    const lines: string[] = [];
    const logger: Logger = { ...silentLogger, error: (_f, message) => void lines.push(message) };
    setup({ logger });
    failLookup = new StoreError('database at /var/secret/path is locked');
    for (const path of [`/${ID}`, `/${ID}/events`, `/${ID}/qr.svg`]) {
      const response = await get(path);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.text()).not.toContain('/var/secret');
    }
    expect(lines).toHaveLength(3);
    expect(handler.openStreams).toBe(0);
  });
});

describe('GET …/:id/qr.svg', () => {
  it('is an SVG QR code of the uppercase LIGHTNING: URI that decodes back', async () => {
    setup();
    const response = await get(`/api/invoices/${ID}/qr.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await response.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
    expect(svg).not.toMatch(/<script|on\w+=/i);
    expect(decodeSvgQr(svg)).toBe(`LIGHTNING:${BOLT11.toUpperCase()}`);
  });
});

describe('GET …/:id/events', () => {
  it('sends the current status at once, each change, then ends at a final status', async () => {
    setup();
    const response = await get(`/${ID}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    const sse = readSseBody(response);
    const first = await sse.waitFor((m) => m.event === 'status');
    expect(first.id).toBe('open');
    expect(JSON.parse(first.data!)).toMatchObject({ invoice_id: ID, status: 'open', amount_eur: '19.99' });
    expect(sse.messages[0]?.retry).toBe(2000);
    change('settled', OTHER); // another invoice: not ours
    change('settled');
    await sse.ended;
    expect(sse.messages.filter((m) => m.event === 'status').map((m) => m.id)).toEqual(['open', 'settled']);
    expect(handler.openStreams).toBe(0);
  });

  it('drops repeated and stale events (payment.received after invoice.settled, a lagging replica)', async () => {
    setup();
    const sse = readSseBody(await get(`/${ID}/events`));
    await sse.waitFor((m) => m.id === 'open');
    change('accepted');
    await sse.waitFor((m) => m.id === 'accepted');
    change('open'); // stale: an invoice never goes back to open
    change('accepted'); // repeated
    bus.emit('payment.received', { invoice: invoiceIn('settled'), payment: {} as never });
    change('settled');
    await sse.ended;
    expect(sse.messages.filter((m) => m.event).map((m) => m.id)).toEqual(['open', 'accepted', 'settled']);
  });

  it('a change between subscribing and the store read is not lost', async () => {
    setup();
    const inner = handler;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    handler = createInvoiceStatusHandler({
      lightning: {
        events: bus,
        invoices: {
          get: async (id) => {
            const row = rows.get(id)!;
            await gate;
            return row;
          },
        },
      },
    });
    inner.close();
    const pending = get(`/${ID}/events`);
    await Promise.resolve();
    change('settled'); // the read already took 'open'; the event arrives before the stream exists
    release();
    const sse = readSseBody(await pending);
    await sse.ended;
    expect(sse.messages.filter((m) => m.event).map((m) => m.id)).toEqual(['open', 'settled']);
  });

  it('Last-Event-ID resumes: what the client saw is not repeated, what it missed is sent', async () => {
    setup();
    const first = readSseBody(await get(`/${ID}/events`));
    await first.waitFor((m) => m.id === 'open');
    first.close();
    change('accepted'); // while the client was away
    const again = readSseBody(await get(`/${ID}/events`, { 'last-event-id': 'open' }));
    await again.waitFor((m) => m.id === 'accepted');
    change('settled');
    await again.ended;
    expect(again.messages.filter((m) => m.event).map((m) => m.id)).toEqual(['accepted', 'settled']);

    const same = readSseBody(await get(`/${ID}/events?lastEventId=accepted`));
    await same.ended; // already settled: only what it missed
    expect(same.messages.filter((m) => m.event).map((m) => m.id)).toEqual(['settled']);
  });

  it('Last-Event-ID equal to the current status sends nothing until the next change', async () => {
    setup();
    const sse = readSseBody(await get(`/${ID}/events`, { 'last-event-id': 'open' }));
    await sse.waitFor((m) => m.comments.includes('heartbeat'));
    expect(sse.messages.filter((m) => m.event)).toEqual([]);
    change('expired');
    await sse.ended;
    expect(sse.messages.filter((m) => m.event).map((m) => m.id)).toEqual(['expired']);
  });

  it.each(['settled', 'cancelled'])('Last-Event-ID %s (final) is 204: EventSource stops', async (id) => {
    setup();
    const response = await get(`/${ID}/events`, { 'last-event-id': id });
    expect(response.status).toBe(204);
  });

  it('expired ends the stream; a reconnect gets a late settlement, else 204', async () => {
    setup();
    const sse = readSseBody(await get(`/${ID}/events`));
    change('expired');
    await sse.ended;
    expect(sse.messages.filter((m) => m.event).map((m) => m.id)).toEqual(['open', 'expired']);
    expect((await get(`/${ID}/events`, { 'last-event-id': 'expired' })).status).toBe(204);
    change('settled'); // LND settled it after our local expiry
    const late = readSseBody(await get(`/${ID}/events`, { 'last-event-id': 'expired' }));
    await late.ended;
    expect(late.messages.filter((m) => m.event).map((m) => m.id)).toEqual(['settled']);
  });

  it('an unknown Last-Event-ID counts as nothing seen', async () => {
    setup();
    const sse = readSseBody(await get(`/${ID}/events`, { 'last-event-id': 'garbage' }));
    await sse.waitFor((m) => m.id === 'open');
  });

  it('heartbeats keep an idle stream alive; the client leaving ends it and its listeners', async () => {
    setup();
    const controller = new AbortController();
    const response = await handler.fetch(new Request(`http://shop.test/${ID}/events`, { signal: controller.signal }));
    const sse = readSseBody(response);
    await sse.waitFor((m) => m.comments.filter((c) => c === 'heartbeat').length >= 1);
    await sse.waitFor((m) => m !== sse.messages[1] && m.comments.includes('heartbeat'));
    expect(handler.openStreams).toBe(1);
    expect(bus.listenerCount('invoice.settled')).toBe(1);
    controller.abort();
    await sse.ended;
    expect(handler.openStreams).toBe(0);
    expect(bus.listenerCount('invoice.settled')).toBe(0);
  });

  it('a client cancelling the body ends the stream too; close() ends every open stream', async () => {
    setup();
    const a = readSseBody(await get(`/${ID}/events`));
    const b = readSseBody(await get(`/${ID}/events`));
    await a.waitFor((m) => m.id === 'open');
    a.close();
    await a.ended;
    expect(handler.openStreams).toBe(1);
    handler.close();
    await b.ended;
    expect(handler.openStreams).toBe(0);
    expect(bus.listenerCount('invoice.settled')).toBe(0);
  });

  it('an invoice already final is sent once and the stream ends; HEAD gives headers only', async () => {
    setup();
    rows.set(ID, invoiceIn('cancelled'));
    const sse = readSseBody(await get(`/${ID}/events`));
    await sse.ended;
    expect(sse.messages.filter((m) => m.event).map((m) => m.id)).toEqual(['cancelled']);
    const head = await get(`/${ID}/events`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(handler.openStreams).toBe(0);
  });

  it('unknown invoice: 404 and nothing left listening', async () => {
    setup();
    expect((await get(`/${OTHER}/events`)).status).toBe(404);
    expect(bus.listenerCount('invoice.settled')).toBe(0);
  });
});

describe('never a preimage', () => {
  it('even when the source hands over a store row that carries one, no view, event or QR shows it', async () => {
    setup();
    const preimage = 'ee'.repeat(32);
    const row = (status: InvoiceStatus): Invoice => ({ ...invoiceIn(status), preimage }) as Invoice;
    rows.set(ID, row('open'));
    const outputs: string[] = [];
    outputs.push(await (await get(`/${ID}`)).text());
    outputs.push(await (await get(`/${ID}/qr.svg`)).text());
    const sse = readSseBody(await get(`/${ID}/events`));
    await sse.waitFor((m) => m.id === 'open');
    bus.emit('invoice.accepted', { invoice: row('accepted') });
    bus.emit('invoice.settled', { invoice: row('settled') });
    await sse.ended;
    outputs.push(sse.text());
    expect(outputs.join('\n')).not.toContain(preimage);
    expect(outputs.join('\n')).not.toContain('preimage');
  });
});

describe('CORS', () => {
  it('is off by default', async () => {
    setup();
    const response = await get(`/${ID}`, { origin: 'https://evil.test' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows listed origins only, answers preflights, never with credentials', async () => {
    setup({ cors: { origin: ['https://shop.test'] } });
    const ok = await get(`/${ID}`, { origin: 'https://shop.test' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.test');
    expect(ok.headers.get('vary')).toBe('Origin');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await get(`/${ID}`, { origin: 'https://evil.test' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await get(`/${ID}/events`, { origin: 'https://shop.test' }, 'OPTIONS');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Last-Event-ID/);
  });

  it("'*' allows any origin", async () => {
    setup({ cors: { origin: '*' } });
    const sse = await get(`/${ID}/events`, { origin: 'https://any.test' });
    expect(sse.headers.get('access-control-allow-origin')).toBe('*');
    await sse.body?.cancel();
  });
});

it.each([0, -1, Number.NaN])('heartbeatMs %s is refused', (heartbeatMs) => {
  expect(() =>
    createInvoiceStatusHandler({
      lightning: { events: createEventBus(silentLogger), invoices: { get: async () => invoiceIn('open') } },
      heartbeatMs,
    }),
  ).toThrow(/heartbeatMs: expected a positive number/);
});
