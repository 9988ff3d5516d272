/**
 * The retention figure: a SQLite store holding `events` delivered webhook events older than the
 * window (with their deliveries and attempts) is pruned by the real retention job while
 * settlements are recorded through the real settlement path; prints rows and file size before and
 * after, the longest pruning batch and the slowest settlement.
 */
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { recordSettlements } from '../../src/settlement/record-settlements.js';
import { createRetentionJob } from '../../src/retention/retention-job.js';
import { createEventBus } from '../../src/events/event-bus.js';
import { silentLogger } from '../../src/logger.js';
import { systemClock } from '../../src/domain/clock.js';
import { noopMetrics } from '../../src/metrics-recorder.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { enqueueWebhookEvent } from '../../src/webhooks/outbox/enqueue.js';
import { webhookData } from '../../src/webhooks/outbox/payloads.js';
import type { ServiceContext } from '../../src/service-context.js';
import type { LndInvoice } from '../../src/lnd/lnd-client.js';
import { makeInvoice } from '../../src/store/conformance/fixtures.js';

const DAY = 86_400_000;

/** The retention figures. */
export interface RetentionFigures {
  readonly eventsBefore: number;
  readonly eventsAfter: number;
  /** Events older than the window still there after the run (0 expected). */
  readonly oldLeft: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly pruneMs: number;
  readonly batches: number;
  readonly longestBatchMs: number;
  readonly settlements: number;
  readonly slowestSettlementMs: number;
  readonly medianSettlementMs: number;
}

/** Runs the retention figure on a new file `file` with `events` old delivered events. */
export async function retentionBench(file: string, events: number): Promise<RetentionFigures> {
  const now = Date.now();
  const store = createSqliteStore({ filename: file });
  await store.migrate();
  await store.webhookEndpoints.insert({
    id: 'whe_r',
    url: 'https://shop.example/hooks',
    secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
    events: null,
    allowInsecure: false,
    allowPrivateNetwork: false,
    isEnabled: true,
    disabledReason: null,
    createdAt: new Date(now - 90 * DAY),
    updatedAt: new Date(now - 90 * DAY),
  });
  await store.close();
  // Old events: 60 to 31 days ago; the newest 10% are inside the 30-day window and must stay.
  const raw = new Database(file);
  raw.pragma('synchronous = OFF');
  const kept = Math.floor(events / 10);
  const total = events + kept;
  raw.transaction(() => {
    raw.exec(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ${total})
      INSERT INTO webhook_events (id, type, body, created_at)
      SELECT printf('msg_%012d', i), 'invoice.settled', '{"type":"invoice.settled","timestamp":"2026-01-01T00:00:00.000Z","data":{"invoice_id":"inv_' || i || '","payment_hash":"' || lower(hex(randomblob(32))) || '","amount_msat":"22806000","status":"settled"}}',
        CASE WHEN i < ${events} THEN ${now - 60 * DAY} + i * (${29 * DAY} / ${events}) ELSE ${now - 10 * DAY} + i END FROM seq`);
    raw.exec(`INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, updated_at)
      SELECT 'whd_' || substr(id, 5), id, 'whe_r', 'delivered', 1, NULL, 200, NULL, created_at, created_at + 200 FROM webhook_events`);
    raw.exec(`INSERT INTO webhook_attempts (id, delivery_id, attempt, status_code, latency_ms, error, at)
      SELECT 'wha_' || substr(id, 5), id, 1, 200, 42, NULL, created_at + 200 FROM webhook_deliveries`);
  })();
  raw.exec('ANALYZE');
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const size = () =>
    (Number(raw.pragma('page_count', { simple: true })) - Number(raw.pragma('freelist_count', { simple: true }))) *
    Number(raw.pragma('page_size', { simple: true }));
  const fileBytes = () =>
    Number(raw.pragma('page_count', { simple: true })) * Number(raw.pragma('page_size', { simple: true }));

  const app = createSqliteStore({ filename: file });
  await app.migrate();
  const ctx: ServiceContext = {
    lnd: {} as ServiceContext['lnd'],
    rates: createFixedRates('90000'),
    store: app,
    bus: createEventBus(silentLogger),
    clock: systemClock,
    logger: silentLogger,
    metrics: noopMetrics,
    recordEvent: async (tx, type, payload) => {
      await enqueueWebhookEvent(tx, { type, data: webhookData(type, payload), occurredAt: new Date() });
    },
    run: (op) => op(),
  };
  // Open invoices the "shop" settles while retention runs.
  const open = Array.from({ length: 20_000 }, (_, i) =>
    makeInvoice({ addIndex: BigInt(i + 1), createdAt: new Date(now) }),
  );
  await app.transaction(async (tx) => {
    for (const invoice of open) await tx.invoices.insert(invoice);
  });
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const bytesBefore = fileBytes();
  void size;
  const eventsBefore = Number(raw.prepare('SELECT count(*) FROM webhook_events').pluck().get());
  const cutoff = now - 30 * DAY;

  const job = createRetentionJob(ctx, { webhookEventsDays: 30 });
  let pruning = true;
  const latencies: number[] = [];
  const payer = (async () => {
    let i = 0;
    while (pruning && i < open.length) {
      const invoice = open[i]!;
      const settlement: LndInvoice = {
        paymentHash: invoice.paymentHash,
        paymentRequest: invoice.paymentRequest,
        memo: invoice.description,
        valueMsat: invoice.amountMsat,
        state: 'SETTLED',
        addIndex: invoice.addIndex,
        settleIndex: BigInt(i + 1),
        amountPaidMsat: invoice.amountMsat,
        creationDate: invoice.createdAt,
        settleDate: new Date(),
        expirySeconds: 3600,
        cltvExpiry: 80,
        preimage: null,
        isKeysend: false,
        isAmp: false,
        htlcs: [],
      };
      const t = performance.now();
      await recordSettlements(ctx, [settlement], { fromStream: true });
      latencies.push(performance.now() - t);
      i++;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const t = performance.now();
  const run = await job.runOnce();
  const pruneMs = performance.now() - t;
  pruning = false;
  await payer;
  await app.close();
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const eventsAfter = Number(raw.prepare('SELECT count(*) FROM webhook_events').pluck().get());
  const oldLeft = Number(raw.prepare('SELECT count(*) FROM webhook_events WHERE created_at < ?').pluck().get(cutoff));
  const bytesAfter = fileBytes();
  raw.close();
  latencies.sort((a, b) => a - b);
  return {
    eventsBefore,
    eventsAfter,
    oldLeft,
    bytesBefore,
    bytesAfter,
    pruneMs,
    batches: run.batches,
    longestBatchMs: run.longestBatchMs,
    settlements: latencies.length,
    slowestSettlementMs: latencies[latencies.length - 1] ?? 0,
    medianSettlementMs: latencies[Math.floor(latencies.length / 2)] ?? 0,
  };
}
