/**
 * Retention (#18) through the real path: a SQLite file, lnkit started on the simulator over gRPC,
 * payments taken while the retention role prunes old webhook rows; then the store-level figures:
 * the file gives space back, batches stay small, never-paid invoices are kept unless enabled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning } from '../../src/create-lightning.js';
import { systemClock } from '../../src/domain/clock.js';
import { createEventBus } from '../../src/events/event-bus.js';
import { createLndClient, type GrpcLndClient } from '../../src/lnd/index.js';
import { silentLogger } from '../../src/logger.js';
import { noopMetrics } from '../../src/metrics-recorder.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createRetentionJob } from '../../src/retention/retention-job.js';
import type { ServiceContext } from '../../src/service-context.js';
import { makeInvoice } from '../../src/store/conformance/fixtures.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { waitUntil } from '../helpers/wait.js';
import { retentionBench } from '../../bench/scale/retention-bench.js';

const DAY = 86_400_000;
let sim: LndSimulator;
let dir: string;
const clients: GrpcLndClient[] = [];

beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-retention-'));
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

/** Writes `old` delivered events 40–60 days old (one delivery, one attempt each) and `recent` 2 days old. */
async function seedEvents(file: string, old: number, recent: number): Promise<void> {
  const store = createSqliteStore({ filename: file });
  await store.migrate();
  await store.close();
  const db = new Database(file);
  const now = Date.now();
  db.transaction(() => {
    db.exec(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ${old + recent})
      INSERT INTO webhook_events (id, type, body, created_at)
      SELECT printf('msg_old%08d', i), 'invoice.settled', '{"type":"invoice.settled","data":{"pad":"' || hex(randomblob(200)) || '"}}',
        CASE WHEN i < ${old} THEN ${now - 60 * DAY} + i * 1000 ELSE ${now - 2 * DAY} + i END FROM seq`);
    db.exec(`INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, updated_at)
      SELECT 'whd_' || substr(id, 5), id, 'whe_gone', 'delivered', 1, NULL, 200, NULL, created_at, created_at + 100 FROM webhook_events`);
    db.exec(`INSERT INTO webhook_attempts (id, delivery_id, attempt, status_code, latency_ms, error, at)
      SELECT 'wha_' || substr(id, 5), id, 1, 200, 12, NULL, created_at + 100 FROM webhook_deliveries`);
  })();
  db.close();
}

const count = (file: string, table: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  } finally {
    db.close();
  }
};

describe('retention', () => {
  it('prunes old webhook rows in the background while lnkit takes payments, and reports table figures', async () => {
    const file = join(dir, 'app.db');
    await seedEvents(file, 3000, 50);
    const store = createSqliteStore({ filename: file });
    const expiredLongAgo = makeInvoice({
      status: 'expired',
      createdAt: new Date(Date.now() - 90 * DAY),
      closedAt: new Date(Date.now() - 89 * DAY),
    });
    await store.migrate();
    await store.invoices.insert(expiredLongAgo);
    const lightning = createLightning({
      lnd: client('alice'),
      rates: createFixedRates('90000'),
      store,
      retention: { intervalMs: 100 },
    });
    await lightning.start();
    try {
      const bob = client('bob');
      let paid = 0;
      // Pay while retention runs: each payment settles and is recorded.
      for (let i = 0; i < 5; i++) {
        const invoice = await lightning.invoices.create({ amountSat: 1000 + i, description: `retention ${i}` });
        for await (const update of bob.sendPayment({ paymentRequest: invoice.paymentRequest, feeLimitMsat: 10_000n }))
          if (update.status === 'SUCCEEDED') paid++;
        await waitUntil(
          async () => (await lightning.invoices.get(invoice.id))?.status === 'settled',
          10_000,
          'settled',
        );
      }
      expect(paid).toBe(5);
      await waitUntil(async () => count(file, 'webhook_events') === 50, 20_000, 'old events pruned');
      expect(count(file, 'webhook_deliveries')).toBe(50);
      expect(count(file, 'webhook_attempts')).toBe(50);
      // Unpaid-invoice retention is off by default; settled invoices are never touched.
      expect(await store.invoices.get(expiredLongAgo.id)).toBeDefined();
      expect(count(file, "invoices WHERE status = 'settled'")).toBe(5);

      // The figures come from the latest retention run (every 100 ms here): wait for one after the payments.
      const invoiceRows = async (): Promise<number | undefined> =>
        (await lightning.health()).tables?.tables.find((t) => t.table === 'invoices')?.rows;
      await waitUntil(async () => (await invoiceRows()) === 6, 10_000, 'table figures after the payments');
      const report = await lightning.health();
      const invoices = report.tables!.tables.find((t) => t.table === 'invoices');
      expect(invoices?.rows).toBe(6);
      expect(invoices?.oldestAt?.getTime()).toBe(expiredLongAgo.createdAt.getTime());
      const prometheus = await lightning.metrics.prometheus();
      expect(prometheus).toMatch(/store_rows\{table="invoices"\} 6/);
      expect(prometheus).toMatch(/store_oldest_row_timestamp_seconds\{table="webhook_events"\} \d+/);
    } finally {
      await lightning.stop();
    }
  }, 60_000);

  it('gives the space back to the file system, in many small batches; unpaid invoices only when enabled', async () => {
    const file = join(dir, 'shrink.db');
    await seedEvents(file, 20_000, 100);
    const store = createSqliteStore({ filename: file });
    await store.migrate();
    const now = Date.now();
    const unpaid = makeInvoice({
      status: 'cancelled',
      createdAt: new Date(now - 10 * DAY),
      closedAt: new Date(now - 9 * DAY),
    });
    const recentUnpaid = makeInvoice({
      status: 'expired',
      createdAt: new Date(now - 2 * DAY),
      closedAt: new Date(now - DAY),
    });
    await store.invoices.insert(unpaid);
    await store.invoices.insert(recentUnpaid);
    const bytesBefore = await store.maintenance!.sizeBytes!();
    const pages = () => {
      const db = new Database(file, { readonly: true });
      try {
        return Number(db.pragma('page_count', { simple: true }));
      } finally {
        db.close();
      }
    };
    const pagesBefore = pages();
    const ctx = {
      store,
      clock: systemClock,
      logger: silentLogger,
      metrics: noopMetrics,
      bus: createEventBus(silentLogger),
    } as unknown as ServiceContext;
    const job = createRetentionJob(ctx, { unpaidInvoicesDays: 7, pauseMs: 0 });
    const run = await job.runOnce();
    expect(run.removed).toEqual({ webhookEvents: 20_000, unpaidInvoices: 1, eventLog: 0 });
    expect(run.batches).toBeGreaterThan(5);
    expect(run.reclaimedPages).toBeGreaterThan(0);
    expect(await store.invoices.get(unpaid.id)).toBeUndefined();
    expect(await store.invoices.get(recentUnpaid.id)).toBeDefined();
    expect(await store.maintenance!.sizeBytes!()).toBeLessThan(bytesBefore / 2);
    await store.close();
    expect(pages()).toBeLessThan(pagesBefore / 2);
    expect(job.lastStats()?.tables.find((t) => t.table === 'webhook_events')?.rows).toBe(100);
  }, 60_000);

  it('acceptance, small: 20,000 old delivered events and their event log pruned while lnkit takes payments; the file shrinks, in many short batches', async () => {
    // `npm run bench:scale` runs the same figure with 1,000,000 events.
    // Paced at one payment per 20 ms: each settlement adds ~4 KB (invoice, event log, events), so
    // back to back the file's final size followed the machine's speed (11.8 MB of 22.3 MB seen in a
    // loaded CI run, where pruning took longer and ~1,900 settlements ran meanwhile).
    const r = await retentionBench(join(dir, 'acceptance.db'), 20_000, { baselineMs: 1000, payEveryMs: 20 });
    expect(r.eventsBefore).toBe(22_000);
    expect(r.oldLeft).toBe(0);
    expect(r.eventsAfter).toBeGreaterThanOrEqual(2000); // the 10% inside the window, and the new settlements' events
    expect(r.eventLogBefore).toBe(20_000);
    // Every old entry went; what is left are the entries of the payments made meanwhile (more on a
    // faster machine), inside the window.
    expect(r.eventLogOldLeft).toBe(0);
    expect(r.eventLogAfter).toBeLessThan(r.eventLogBefore);
    expect(r.bytesAfter).toBeLessThan(r.bytesBefore / 2);
    expect(r.batches).toBeGreaterThan(5);
    expect(r.during.settlements).toBeGreaterThan(0);
    expect(r.longestLockMs).toBeGreaterThan(0);
    // The 50 ms lock budget is a speed figure: `npm run bench:scale -- --check` enforces it (1,000,000
    // events). Here, even the holds' CPU time swings with the machine (68 ms seen at load 10: the
    // process's other threads count too), so the test checks the mechanism — many short batches,
    // sized by the job (src/retention/retention-job.test.ts pins the sizing on a manual clock).
    expect(r.longestLockCpuMs).toBeGreaterThan(0);
  }, 120_000);

  it('rejects a bad retention window with INVALID_INPUT', () => {
    const ctx = { store: createSqliteStore({ filename: ':memory:' }) } as unknown as ServiceContext;
    for (const bad of [-1, Number.NaN, '30' as unknown as number]) {
      expect(() => createRetentionJob(ctx, { webhookEventsDays: bad })).toThrow(/retention.webhookEventsDays/);
      expect(() => createRetentionJob(ctx, { eventLogDays: bad })).toThrow(/retention.eventLogDays/);
    }
  });
});
