/**
 * Acceptance: 1,000 concurrent SSE clients on one invoice all receive "settled" within 1 s of the
 * settlement being recorded. Real HTTP on loopback (one socket per client, no pooling), lnkit on the
 * in-process fake LND and a SQLite file; clients and server share this process (and its 2 cores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createInvoiceStatusHandler, toNodeListener, type InvoiceStatusHandler } from '../../src/http/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createFakeLnd } from '../../src/testing/fake-lnd.js';
import { openSse, type SseReader } from '../helpers/sse.js';

const CLIENTS = 1000;
let dir: string;
let lightning: Lightning;
let fake: ReturnType<typeof createFakeLnd>;
let checkout: InvoiceStatusHandler;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-sse-load-'));
  fake = createFakeLnd();
  lightning = createLightning({
    lnd: fake.lnd,
    rates: createFixedRates('87654.32'),
    store: createSqliteStore({ filename: join(dir, 'shop.db') }),
  });
  await lightning.start();
  checkout = createInvoiceStatusHandler({ lightning });
  server = createServer(toNodeListener(checkout.fetch));
  server.maxConnections = CLIENTS + 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 2048, resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/invoices`;
});

afterAll(async () => {
  checkout?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await lightning?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it(`${CLIENTS} concurrent SSE clients on one invoice all receive "settled" within 1 s of the settlement`, async () => {
  const invoice = await lightning.invoices.create({ amountEur: '19.99', description: 'Popular item' });
  const readers: SseReader[] = [];
  // Connect in batches so the listen backlog is never the bottleneck being measured.
  for (let i = 0; i < CLIENTS; i += 100) {
    readers.push(...(await Promise.all(Array.from({ length: 100 }, () => openSse(`${base}/${invoice.id}/events`)))));
  }
  await Promise.all(readers.map((r) => r.waitFor((m) => m.id === 'open', 30_000)));
  expect(checkout.openStreams).toBe(CLIENTS);

  let settledAt = 0;
  lightning.events.on('invoice.settled', (e) => {
    if (e.invoice.id === invoice.id) settledAt = performance.now();
  });
  const received = readers.map((r) => r.waitFor((m) => m.id === 'settled', 10_000).then(() => performance.now()));
  await fake.simulate.pay(invoice.paymentRequest);
  const times = await Promise.all(received);
  const slowest = Math.max(...times) - settledAt;
  const sorted = times.map((t) => t - settledAt).sort((a, b) => a - b);
  console.log(
    `${CLIENTS} SSE clients: "settled" at all of them ${slowest.toFixed(0)} ms after the settlement was recorded (median ${sorted[CLIENTS / 2]!.toFixed(0)} ms)`,
  );
  expect(settledAt).toBeGreaterThan(0);
  expect(slowest).toBeLessThan(1000);
  await Promise.all(readers.map((r) => r.ended));
  expect(checkout.openStreams).toBe(0);
});
