/**
 * Settlements recorded at store level on SQLite (`recordSettlements` through `createSqliteStore`,
 * batches of 500), next to the raw limit: the same schema in raw better-sqlite3 with the 3 essential
 * statements per settlement (invoice UPDATE … RETURNING, payment INSERT guarded by its unique
 * index, one INSERT of both events, carrying the settled invoice row and the payment, into the event log) and the checkpoint per batch, one transaction
 * per batch. lnkit's side runs its own event recorder, as createLightning wires it (no webhook endpoint).
 * Both files live in the same folder with the same pragmas; rounds alternate which goes first.
 * Also: heap growth while recording 20,000 settlements, and replays skipped one transaction each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../../src/domain/clock.js';
import { createEventBus } from '../../src/events/event-bus.js';
import { createEventRecorder } from '../../src/events/event-recorder.js';
import type { LndInvoice } from '../../src/lnd/lnd-client.js';
import { silentLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/operations/metrics.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import type { ServiceContext } from '../../src/service-context.js';
import { recordSettlements } from '../../src/settlement/record-settlements.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { type Figure, fmt, interleave, load, ratioFigure } from '../harness.js';

const BATCH = 500;

/**
 * The service context `recordSettlements` needs, on `store`, with lnkit's own event recorder (as
 * createLightning wires it): outbox rows per subscribed endpoint, event-log rows appended per transaction.
 */
export function benchContext(store: Store): ServiceContext {
  const bus = createEventBus(silentLogger);
  const recorder = createEventRecorder({
    store,
    clock: systemClock,
    nodeOf: () => null,
    multi: () => false,
    lastRate: () => null,
    deliverLocal: (events) => {
      for (const event of events) bus.emit(event.type, event.payload as never);
    },
  });
  return {
    lnd: {} as ServiceContext['lnd'],
    rates: createFixedRates('90000'),
    store: recorder.store,
    bus,
    clock: systemClock,
    logger: silentLogger,
    metrics: createMetrics({ readGauges: async () => [] }),
    recordEvent: recorder.recordEvent,
    run: (op) => op(),
  };
}

/** Inserts `count` open invoices with hashes `<prefix><index>` in one transaction, unmeasured. */
export function seed(db: Database.Database, prefix: string, count: number, firstIndex: number): LndInvoice[] {
  const insert = db.prepare(
    `INSERT INTO invoices (id, payment_hash, payment_request, amount_msat, description, status, is_hold, add_index, created_at, expires_at)
     VALUES (?, ?, ?, 1000, 'bench', 'open', 0, ?, ?, ?)`,
  );
  const now = Date.now();
  const items: LndInvoice[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const paymentHash = `${prefix}${i.toString(16).padStart(64 - prefix.length, '0')}`;
      const addIndex = BigInt(firstIndex + i + 1);
      insert.run(`inv_${paymentHash}`, paymentHash, `lnbcrt${paymentHash}`, addIndex, now, now + 3_600_000);
      items.push({
        paymentHash,
        paymentRequest: `lnbcrt${paymentHash}`,
        memo: 'bench',
        valueMsat: 1000n,
        state: 'SETTLED',
        addIndex,
        settleIndex: addIndex,
        amountPaidMsat: 1000n,
        creationDate: new Date(now),
        settleDate: new Date(now),
        expirySeconds: 3600,
        cltvExpiry: 80,
        preimage: null,
        isKeysend: false,
        isAmp: false,
        htlcs: [],
      });
    }
  })();
  return items;
}

/** The raw limit: 3 statements per settlement, the checkpoint per batch, one transaction per batch. */
export function rawRecorder(db: Database.Database): (batch: readonly LndInvoice[]) => void {
  const settle = db.prepare(
    `UPDATE invoices SET status = 'settled', settle_index = ?, amount_paid_msat = ?, settled_at = ?
     WHERE payment_hash = ? AND status IN ('open', 'accepted', 'expired') RETURNING *`,
  );
  const pay = db.prepare(
    `INSERT INTO payments (id, direction, status, payment_hash, payment_request, amount_msat, fee_msat, invoice_id,
       settle_index, created_at, updated_at, completed_at)
     VALUES (?, 'in', 'succeeded', ?, ?, ?, 0, ?, ?, ?, ?, ?) ON CONFLICT (direction, payment_hash) DO NOTHING`,
  );
  const events = db.prepare('INSERT INTO event_log (type, payload, created_at) VALUES (?, ?, ?), (?, ?, ?)');
  const checkpoint = db.prepare(
    `INSERT INTO checkpoints (name, value) VALUES ('lnd.settle_index', ?)
     ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`,
  );
  let seq = 0;
  return db.transaction((batch: readonly LndInvoice[]) => {
    const now = Date.now();
    let max = 0n;
    for (const item of batch) {
      const row = settle.get(item.settleIndex, item.amountPaidMsat, now, item.paymentHash) as
        Record<string, unknown> | undefined;
      const invoiceId = (row?.id as string | undefined) ?? null;
      const paymentId = `pay_raw_${(seq++).toString(36)}`;
      const inserted = pay.run(
        paymentId,
        item.paymentHash,
        item.paymentRequest,
        item.amountPaidMsat,
        invoiceId,
        item.settleIndex,
        now,
        now,
        now,
      );
      if (inserted.changes === 0) continue;
      // The events carry what lnkit's do: the settled invoice row and the payment.
      const payment = {
        id: paymentId,
        direction: 'in',
        status: 'succeeded',
        payment_hash: item.paymentHash,
        payment_request: item.paymentRequest,
        amount_msat: item.amountPaidMsat,
        fee_msat: 0,
        invoice_id: invoiceId,
        settle_index: item.settleIndex,
        created_at: now,
        updated_at: now,
        completed_at: now,
      };
      const json = (value: unknown): string =>
        JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      events.run(
        'invoice.settled',
        json({ invoice: row ?? null }),
        now,
        'payment.received',
        json({ payment, invoice: row ?? null }),
        now,
      );
      if (item.settleIndex > max) max = item.settleIndex;
    }
    checkpoint.run(max);
  });
}

/** The SQLite settlement group's figures. */
export async function benchSqliteSettlements(rounds: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-bench-'));
  const lnkitDb = new Database(join(dir, 'lnkit.db'));
  const rawDb = new Database(join(dir, 'raw.db'));
  const store = createSqliteStore({ database: lnkitDb });
  const rawStore = createSqliteStore({ database: rawDb });
  try {
    await store.migrate();
    await rawStore.migrate(); // same schema and pragmas; then only the raw handle writes
    rawDb.defaultSafeIntegers(true);
    const ctx = benchContext(store);
    const record = rawRecorder(rawDb);
    const perRound = 5_000;
    let next = 0;
    const side = (name: string, db: Database.Database, write: (batch: readonly LndInvoice[]) => Promise<unknown>) => ({
      name,
      async run() {
        const items = seed(db, next.toString(16).padStart(4, '0'), perRound, next * perRound);
        next++;
        const started = performance.now();
        for (let i = 0; i < perRound; i += BATCH) await write(items.slice(i, i + BATCH));
        return (perRound / (performance.now() - started)) * 1000;
      },
    });
    const c = await interleave(
      side('lnkit', lnkitDb, (batch) => recordSettlements(ctx, batch, { fromStream: true })),
      side('raw', rawDb, async (batch) => record(batch)),
      { rounds },
    );
    const figures: Figure[] = [
      ratioFigure('sqlite.settlements', 'settlements recorded, SQLite store / raw better-sqlite3 (3 statements)', c, {
        subject: 'lnkit',
        baseline: 'raw',
        unit: '/s',
      }),
    ];

    // Heap growth over 20,000 settlements, and replays (each its own transaction, all skipped).
    const items = seed(lnkitDb, 'ffff', 20_000, 10_000_000);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    for (let i = 0; i < items.length; i += BATCH) {
      await recordSettlements(ctx, items.slice(i, i + BATCH), { fromStream: true });
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    global.gc?.();
    const after = process.memoryUsage().heapUsed;
    const mib = (bytes: number): number => bytes / 1024 / 1024;
    figures.push({
      id: 'sqlite.heap',
      label: 'heap retained after recording 20,000 settlements',
      value: mib(after - before),
      unit: 'MiB',
      detail: `peak +${fmt(mib(peak - before))} MiB${global.gc ? '' : ' (no --expose-gc: not collected)'}; ${load()}`,
    });
    const started = performance.now();
    for (let i = 0; i < 2000; i++) await recordSettlements(ctx, [items[i]!], { fromStream: true });
    figures.push({
      id: 'sqlite.replays',
      label: 'replayed settlements skipped (one transaction each)',
      value: (2000 / (performance.now() - started)) * 1000,
      unit: '/s',
      detail: load(),
    });
    return figures;
  } finally {
    await store.close();
    await rawStore.close();
    lnkitDb.close();
    rawDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
