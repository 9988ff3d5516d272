/**
 * lnkit/http through the real path: alice's lnkit (createLightning, SQLite file) over gRPC/TLS to the
 * simulator, bob paying through carol with SendPaymentV2, the handlers on a real node:http server
 * through toNodeListener, read by a real HTTP SSE client. Every byte the handlers answered is kept and
 * searched for every preimage at the end: lnkit's HODL preimage (read from the SQLite file) and the
 * preimages bob's payments returned.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createInvoiceStatusHandler, toNodeListener, type InvoiceStatusHandler } from '../../src/http/index.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient, LndPayment } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { createCollectingLogger } from '../helpers/collect.js';
import { openSse, type SseMessage } from '../helpers/sse.js';
import { decodeSvgQr } from '../helpers/qr.js';

let sim: LndSimulator;
let dir: string;
let lightning: Lightning;
let checkout: InvoiceStatusHandler;
let server: Server;
let base: string;
let bob: LndClient;
const clients: LndClient[] = [];
/** Every body the handlers sent, for the preimage search. */
const outputs: string[] = [];
const bobUpdates: LndPayment[] = [];

function connect(name: string): LndClient {
  const node = sim.node(name);
  const client = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-http-'));
  lightning = createLightning({
    lnd: connect('alice'),
    rates: createFixedRates('87654.32'),
    store: createSqliteStore({ filename: join(dir, 'shop.db') }),
    logger: createCollectingLogger(),
    expirySweepIntervalMs: 100,
  });
  await lightning.start();
  bob = connect('bob');
  checkout = createInvoiceStatusHandler({ lightning, heartbeatMs: 100 });
  server = createServer(toNodeListener(checkout.fetch));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/invoices`;
});

afterAll(async () => {
  checkout?.close();
  await new Promise((resolve) => server?.close(resolve));
  await lightning?.stop();
  for (const client of clients) await client.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function fetchText(path: string): Promise<Response & { body_: string }> {
  const response = await fetch(`${base}/${path}`);
  const body_ = await response.text();
  outputs.push(body_);
  return Object.assign(response, { body_ });
}

async function stream(id: string, headers: Record<string, string> = {}) {
  const sse = await openSse(`${base}/${id}/events`, headers);
  void sse.ended.then(() => outputs.push(sse.text()));
  return sse;
}

const statuses = (messages: readonly SseMessage[]): (string | undefined)[] =>
  messages.filter((m) => m.event === 'status').map((m) => m.id);

function bobPays(request: string): Promise<LndPayment | undefined> {
  return (async () => {
    let last: LndPayment | undefined;
    for await (const update of bob.sendPayment({
      paymentRequest: request,
      feeLimitMsat: 10_000n,
      timeoutSeconds: 60,
    })) {
      bobUpdates.push(update);
      last = update;
    }
    return last;
  })();
}

describe('a checkout over real HTTP', () => {
  it('JSON view, QR code, and a live "settled" when bob pays through carol', async () => {
    const invoice = await lightning.invoices.create({
      amountEur: '19.99',
      description: 'Order 42',
      metadata: { order: 42, _email: 'buyer@example.com' },
    });
    const view = await fetchText(invoice.id);
    expect(view.status).toBe(200);
    expect(JSON.parse(view.body_)).toMatchObject({
      invoice_id: invoice.id,
      status: 'open',
      amount_sats: 22_806,
      amount_eur: '19.99',
      payment_request: invoice.paymentRequest,
      expiry_time: invoice.expiresAt.toISOString(),
    });
    expect(view.body_).not.toContain('buyer@example.com');

    const qr = await fetchText(`${invoice.id}/qr.svg`);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    expect(decodeSvgQr(qr.body_)).toBe(`LIGHTNING:${invoice.paymentRequest.toUpperCase()}`);

    const sse = await stream(invoice.id);
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await sse.waitFor((m) => m.id === 'open');
    const paid = await bobPays(invoice.paymentRequest);
    expect(paid?.status).toBe('SUCCEEDED');
    const settled = await sse.waitFor((m) => m.id === 'settled', 5_000);
    expect(JSON.parse(settled.data!)).toMatchObject({ status: 'settled', invoice_id: invoice.id });
    await sse.ended;
    expect(statuses(sse.messages)).toEqual(['open', 'settled']);
    expect(JSON.parse((await fetchText(invoice.id)).body_).status).toBe('settled');
  });

  it('a client that reconnects with Last-Event-ID misses nothing (HODL: accepted and settled while away)', async () => {
    const invoice = await lightning.invoices.createHold({ amountSat: 5000n, description: 'hold order' });
    const first = await stream(invoice.id);
    await first.waitFor((m) => m.id === 'open');
    first.close();
    await first.ended;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(checkout.openStreams).toBe(0);

    // While the client is away, bob pays: the invoice is accepted.
    const accepted = lightning.events.waitFor('invoice.accepted', (e) => e.invoice.id === invoice.id, 10_000);
    const paying = bobPays(invoice.paymentRequest);
    await accepted;

    const second = await stream(invoice.id, { 'last-event-id': 'open' });
    await second.waitFor((m) => m.id === 'accepted');
    // Connection drops again; the shop ships and settles meanwhile.
    second.close();
    await lightning.invoices.settleHold(invoice.id);
    expect((await paying)?.status).toBe('SUCCEEDED');

    const third = await stream(invoice.id, { 'last-event-id': 'accepted' });
    await third.ended;
    expect(statuses(third.messages)).toEqual(['settled']);
    // Seen across the three connections: every status once, in order.
    expect([...statuses(first.messages), ...statuses(second.messages), ...statuses(third.messages)]).toEqual([
      'open',
      'accepted',
      'settled',
    ]);
    // EventSource reconnecting after the final status is told to stop.
    const after = await openSse(`${base}/${invoice.id}/events`, { 'last-event-id': 'settled' });
    expect(after.status).toBe(204);
  });

  it('an invoice that expires unpaid ends its stream with "expired"', async () => {
    const invoice = await lightning.invoices.create({ amountSat: 1000n, description: 'soon gone', expirySeconds: 1 });
    const sse = await stream(invoice.id);
    await sse.waitFor((m) => m.id === 'open');
    await sse.waitFor((m) => m.id === 'expired', 5_000);
    await sse.ended;
    expect(statuses(sse.messages)).toEqual(['open', 'expired']);
    expect(sse.messages.some((m) => m.comments.includes('heartbeat'))).toBe(true);
  });

  it('unknown and malformed ids are 404 over HTTP; POST is 405', async () => {
    expect((await fetchText('inv_00000000000000000000000000')).status).toBe(404);
    expect((await fetchText('inv_00000000000000000000000000/events')).status).toBe(404);
    expect((await fetchText('../../etc/passwd')).status).toBe(404);
    const post = await fetch(`${base}/inv_00000000000000000000000000`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
  });

  it('no preimage appears in any handler output (HODL preimage from the store, bob’s payment preimages)', async () => {
    const db = new Database(join(dir, 'shop.db'), { readonly: true });
    const stored = db.prepare('SELECT preimage FROM invoices WHERE preimage IS NOT NULL').all() as {
      preimage: string;
    }[];
    db.close();
    const preimages = [
      ...stored.map((r) => r.preimage),
      ...bobUpdates.flatMap((u) => (u.preimage ? [u.preimage] : [])),
    ];
    expect(stored.length).toBeGreaterThan(0);
    expect(new Set(preimages).size).toBeGreaterThanOrEqual(2);
    // Sanity: these really are the preimages of invoices the handlers showed.
    const hashes = preimages.map((p) => createHash('sha256').update(Buffer.from(p, 'hex')).digest('hex'));
    expect(outputs.some((o) => hashes.some((h) => o.includes(h)))).toBe(true);
    expect(outputs.length).toBeGreaterThan(8);
    const all = outputs.join('\n').toLowerCase();
    for (const preimage of preimages) {
      expect(all).not.toContain(preimage.toLowerCase());
      expect(all).not.toContain(Buffer.from(preimage, 'hex').toString('base64'));
    }
    expect(all).not.toContain('preimage');
  });
});
