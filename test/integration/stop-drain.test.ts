/**
 * Issue "Operations" acceptance: `stop()` in the middle of 1,000 settlements loses none. Bob pays
 * 1,000 invoices over real gRPC/TLS while lnkit runs; lnkit is stopped when about half of the
 * payment.received events have arrived; bob finishes; the next `start()` on the same SQLite file
 * records exactly the rest: 1,000 incoming rows, 1,000 events across both lifetimes, none twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createLndClient, type GrpcLndClient } from '../../src/lnd/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { createSuiteLogger, findLeaks, registerSecret } from '../helpers/log-sink.js';
import { waitUntil } from '../helpers/wait.js';

const COUNT = Number(process.env.LNKIT_STOP_DRAIN_COUNT ?? 1000);
const PAYERS = 16;
let sim: LndSimulator;
/** Every line of this file's lnkit instances, for the suite-wide redaction scan. */
const logger = createSuiteLogger();
let dir: string;
const clients: GrpcLndClient[] = [];

beforeAll(async () => {
  sim = await startLndSimulator();
  for (const node of sim.nodes())
    for (const [kind, macaroon] of Object.entries(node.macaroons))
      registerSecret(`${node.name} ${kind} macaroon`, macaroon);
  dir = mkdtempSync(join(tmpdir(), 'lnkit-stop-drain-'));
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function client(name: string): GrpcLndClient {
  const node = sim.node(name);
  const lnd = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  clients.push(lnd);
  return lnd;
}

function open(db: string): Lightning {
  return createLightning({
    lnd: client('alice'),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: db }),
    settlement: { minBackoffMs: 5, maxBackoffMs: 100 },
    logger,
  });
}

/** Runs `fn` over `items` with `workers` concurrent loops. */
async function inParallel<T>(items: readonly T[], workers: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

it(`stop() halfway through ${COUNT} settlements loses none: the next start() records exactly the rest`, async () => {
  const started = performance.now();
  const db = join(dir, 'lnkit.db');
  const first = open(db);
  await first.start();
  const requests: string[] = [];
  const ids: string[] = [];
  await inParallel(
    Array.from({ length: COUNT }, (_, i) => i),
    8,
    async (i) => {
      const invoice = await first.invoices.create({ amountSat: 1000, description: `drain ${i}` });
      requests.push(invoice.paymentRequest);
      ids.push(invoice.id);
    },
  );

  const createdAt = performance.now();

  // The first lifetime: stop() is called from the listener of the half-way event.
  const firstEvents: string[] = [];
  let eventsWhenStopCalled = 0;
  let paidWhenStopCalled = 0;
  let paid = 0;
  let callStop: () => void = () => undefined;
  const stopCalled = new Promise<void>((resolve) => (callStop = resolve));
  const stopping = stopCalled.then(() => first.stop({ timeoutMs: 10_000 }));
  first.events.on('payment.received', ({ invoice }) => {
    firstEvents.push(invoice!.id);
    if (firstEvents.length === COUNT / 2) {
      eventsWhenStopCalled = firstEvents.length;
      paidWhenStopCalled = paid;
      callStop();
    }
  });

  // The last 40 % are paid only once stop() was called, whatever the pace of the invoice stream,
  // so settlements arrive before, during and after the stop.
  const bob = client('bob');
  const holdBack = Math.floor(COUNT * 0.6);
  await inParallel(
    requests.map((request, i) => ({ request, i })),
    PAYERS,
    async ({ request, i }) => {
      if (i >= holdBack) await stopCalled;
      let last;
      for await (const update of bob.sendPayment({
        paymentRequest: request,
        feeLimitMsat: 10_000n,
        timeoutSeconds: 30,
      }))
        last = update;
      expect(last?.status).toBe('SUCCEEDED');
      paid++;
    },
  );
  const paidAt = performance.now();
  await stopping;
  const afterStop = firstEvents.length;

  // Every settlement the first lifetime committed, it announced (and nothing else).
  const reader = new Database(db, { readonly: true });
  const incoming = (): number =>
    (reader.prepare("SELECT count(*) AS n FROM payments WHERE direction = 'in'").get() as { n: number }).n;
  const rowsAfterStop = incoming();
  expect(rowsAfterStop).toBe(afterStop);
  expect(afterStop).toBeLessThan(COUNT);

  // The second lifetime on the same file records exactly the rest.
  const second = open(db);
  const secondEvents: string[] = [];
  second.events.on('payment.received', ({ invoice }) => void secondEvents.push(invoice!.id));
  await second.start();
  await waitUntil(
    () => firstEvents.length + secondEvents.length >= COUNT && incoming() >= COUNT,
    20_000,
    `${COUNT} settlements`,
  );
  await second.stop();
  const rows = incoming();
  const settled = (reader.prepare("SELECT count(*) AS n FROM invoices WHERE status = 'settled'").get() as { n: number })
    .n;
  reader.close();

  const all = [...firstEvents, ...secondEvents];
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `stop-drain: ${COUNT} invoices created in ${((createdAt - started) / 1000).toFixed(1)} s, paid in ${((paidAt - createdAt) / 1000).toFixed(1)} s; ` +
      `stop() called at ${eventsWhenStopCalled} events / ${paidWhenStopCalled} paid; first lifetime announced ${afterStop} (${rowsAfterStop} rows); ` +
      `second lifetime ${secondEvents.length}; ${rows} incoming rows, ${settled} settled, ${all.length} events (${new Set(all).size} distinct) in ${seconds.toFixed(1)} s`,
  );
  expect(rows).toBe(COUNT);
  expect(settled).toBe(COUNT);
  expect(secondEvents.length).toBe(COUNT - afterStop);
  expect(all.length).toBe(COUNT);
  expect(new Set(all).size).toBe(COUNT);
  expect([...new Set(all)].sort()).toEqual([...ids].sort());
  const macaroons = new Map(Object.entries(sim.node('alice').macaroons));
  expect(
    findLeaks(
      macaroons,
      logger.lines.map((text, i) => ({ where: `line ${i}`, text })),
    ),
  ).toEqual([]);
}, 60_000);
