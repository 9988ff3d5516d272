/**
 * The retention acceptance figure (#18): a SQLite store holding `events` delivered webhook events
 * older than the 30-day window (with their deliveries and attempts) and as many old event-log
 * entries, made by bulk SQL; lnkit runs on a fake LND and takes payments in a loop while its own
 * retention role (the leader's) prunes. Measured: rows and file bytes before and after, every
 * write transaction's lock hold (BEGIN IMMEDIATE → COMMIT, recorded on the driver), and each
 * settlement's latency (pay → `invoice.settled` heard) during pruning against a baseline after it.
 */
import Database from 'better-sqlite3';
import { createLightning } from '../../src/create-lightning.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store, StoreMaintenance } from '../../src/store/store.js';
import { createFakeLnd } from '../../src/testing/fake-lnd.js';
import type { Logger } from '../../src/logger.js';

const DAY = 86_400_000;

/** What {@link retentionBench} measured. */
export interface RetentionFigures {
  readonly eventsBefore: number;
  readonly eventsAfter: number;
  /** Webhook events older than the window still there after the run (0 expected). */
  readonly oldLeft: number;
  readonly eventLogBefore: number;
  readonly eventLogAfter: number;
  /** Event-log entries older than the window still there after the run (0 expected). */
  readonly eventLogOldLeft: number;
  /** File bytes (page count × page size, after a WAL checkpoint). */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** From the first pruning batch to the end of the retention run (space given back included). */
  readonly pruneMs: number;
  readonly batches: number;
  /** Longest prune call (wall time, the wait for the connection included). */
  readonly longestBatchMs: number;
  /** Longest write-lock hold of any transaction while pruning ran (prune batches and settlements). */
  readonly longestLockMs: number;
  /** p99 of the write-lock holds while pruning ran. */
  readonly lockP99Ms: number;
  /**
   * The same in process CPU time: the hold's own work, without the time the OS gave other
   * processes meanwhile (on a loaded machine the wall time measures the neighbours too).
   */
  readonly longestLockCpuMs: number;
  readonly lockCpuP99Ms: number;
  /** Longest COMMIT statement while pruning ran (part of the lock hold: WAL append, auto-checkpoint). */
  readonly longestCommitMs: number;
  readonly during: LatencyFigures;
  readonly baseline: LatencyFigures;
}

/** Settlement latencies (ms) of one phase. */
export interface LatencyFigures {
  readonly settlements: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function figures(latencies: number[]): LatencyFigures {
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { settlements: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? 0 };
}

/** Writes the old rows by bulk SQL: `events` events 60 to 31 days old, a tenth more 10 days old (kept). */
function seed(file: string, events: number, now: number): void {
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
      SELECT 'whd_' || substr(id, 5), id, 'whe_gone', 'delivered', 1, NULL, 200, NULL, created_at, created_at + 200 FROM webhook_events`);
    raw.exec(`INSERT INTO webhook_attempts (id, delivery_id, attempt, status_code, latency_ms, error, at)
      SELECT 'wha_' || substr(id, 5), id, 1, 200, 42, NULL, created_at + 200 FROM webhook_deliveries`);
    // The event log of those days: no durable consumer, so age alone decides.
    raw.exec(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ${events})
      INSERT INTO event_log (type, payload, created_at)
      SELECT 'payment.received', '{"payment":{"paymentHash":"' || lower(hex(randomblob(32))) || '","amountMsat":{"$bigint":"22806000"}}}',
        ${now - 60 * DAY} + i * (${29 * DAY} / ${events}) FROM seq`);
  })();
  raw.exec('ANALYZE');
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
}

/** One write transaction's lock hold: wall time, and the CPU time the process spent in it. */
interface Hold {
  readonly start: number;
  readonly ms: number;
  readonly cpuMs: number;
  /** Of `ms`, the COMMIT statement itself (WAL append, and an automatic checkpoint when due). */
  readonly commitMs: number;
}

/** Records every write transaction's lock hold on `database` (its BEGIN IMMEDIATE and COMMIT runs). */
function recordLockHolds(database: Database.Database): { between(from: number, to: number): Hold[] } {
  const holds: Hold[] = [];
  let began: { at: number; cpu: NodeJS.CpuUsage } | null = null;
  const prepare = database.prepare.bind(database);
  database.prepare = ((text: string) => {
    const statement = prepare(text);
    const kind = text.trim().toLowerCase();
    if (kind === 'begin immediate' || kind === 'commit' || kind === 'rollback') {
      const run = statement.run.bind(statement);
      statement.run = ((...args: unknown[]) => {
        const ending = performance.now();
        const result = run(...args);
        if (kind === 'begin immediate') began = { at: performance.now(), cpu: process.cpuUsage() };
        else if (began !== null) {
          const cpu = process.cpuUsage(began.cpu);
          const end = performance.now();
          holds.push({
            start: began.at,
            ms: end - began.at,
            cpuMs: (cpu.user + cpu.system) / 1000,
            commitMs: end - ending,
          });
          began = null;
        }
        return result;
      }) as typeof statement.run;
    }
    return statement;
  }) as typeof database.prepare;
  return { between: (from, to) => holds.filter((h) => h.start >= from && h.start <= to) };
}

/**
 * Runs the figure on a new file `file`. `baselineMs` bounds the payment loop after pruning.
 * `payEveryMs` paces the loop (one payment started at most every so many ms; default: back to
 * back): the file's size after the run then does not depend on how fast the machine settles.
 */
export async function retentionBench(
  file: string,
  events: number,
  options: {
    readonly baselineMs?: number;
    readonly payEveryMs?: number;
    readonly log?: (line: string) => void;
  } = {},
): Promise<RetentionFigures> {
  const log = options.log ?? (() => undefined);
  const now = Date.now();
  const setup = createSqliteStore({ filename: file });
  await setup.migrate();
  await setup.close();
  const seeded = performance.now();
  seed(file, events, now);
  log(
    `  seeded ${events.toLocaleString('en-US')} old delivered events (+ deliveries, attempts, event log) in ${Math.round(performance.now() - seeded)} ms`,
  );

  const raw = new Database(file);
  const fileBytes = () =>
    Number(raw.pragma('page_count', { simple: true })) * Number(raw.pragma('page_size', { simple: true }));
  const count = (sqlText: string, ...args: unknown[]) =>
    Number(
      raw
        .prepare(sqlText)
        .pluck()
        .get(...args),
    );
  const bytesBefore = fileBytes();
  const eventsBefore = count('SELECT count(*) FROM webhook_events');
  const eventLogBefore = count('SELECT count(*) FROM event_log');

  const database = new Database(file);
  const locks = recordLockHolds(database);
  const store = createSqliteStore({ database });
  await store.migrate();
  const m = store.maintenance!;
  const batches: [start: number, ms: number][] = [];
  const maintenance: StoreMaintenance = {
    ...m,
    async prune(target, before, limit) {
      const t = performance.now();
      try {
        return await m.prune(target, before, limit);
      } finally {
        batches.push([t, performance.now() - t]);
      }
    },
  };
  const timed: Store = { ...store, maintenance };
  let ranAt: number | null = null;
  const logger: Logger = {
    debug: () => undefined,
    info: (_fields, message) => {
      if (message === 'retention pruned old rows' && ranAt === null) ranAt = performance.now();
    },
    warn: () => undefined,
    error: () => undefined,
  };
  const fake = createFakeLnd();
  const lightning = createLightning({
    lnd: fake.lnd,
    rates: createFixedRates('90000'),
    store: timed,
    logger,
    // The first run 1 s after start: the payment loop is running by then.
    retention: { intervalMs: 1000 },
  });
  const settled = new Map<string, () => void>();
  lightning.events.on('invoice.settled', ({ invoice }) => settled.get(invoice.paymentHash)?.());
  await lightning.start();

  const samples: [start: number, ms: number][] = [];
  let stopAt = Number.POSITIVE_INFINITY;
  const payEveryMs = options.payEveryMs ?? 0;
  for (let i = 0; performance.now() < stopAt; i++) {
    const started = performance.now();
    const invoice = await lightning.invoices.create({ amountSat: 100, description: `retention bench ${i}` });
    const heard = new Promise<void>((resolve) => settled.set(invoice.paymentHash, resolve));
    const t = performance.now();
    await fake.simulate.pay(invoice.paymentRequest);
    await heard;
    samples.push([t, performance.now() - t]);
    settled.delete(invoice.paymentHash);
    // The fake LND answers in microtasks: yield to timers and I/O (retention runs on a timer).
    const wait = started + payEveryMs - performance.now();
    await new Promise((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve)));
    if (ranAt !== null && stopAt === Number.POSITIVE_INFINITY)
      stopAt = performance.now() + (options.baselineMs ?? 10_000);
  }
  await lightning.stop();
  await store.close();
  database.close();

  const pruneStart = batches[0]?.[0] ?? 0;
  const pruneEnd = ranAt ?? 0;
  const during = samples.filter(([t, ms]) => t + ms >= pruneStart && t <= pruneEnd).map(([, ms]) => ms);
  const baseline = samples.filter(([t]) => t > pruneEnd).map(([, ms]) => ms);
  const holds = locks.between(pruneStart, pruneEnd);
  const wallHolds = holds.map((h) => h.ms).sort((a, b) => a - b);
  const cpuHolds = holds.map((h) => h.cpuMs).sort((a, b) => a - b);
  const p99 = (sorted: number[]) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const figuresOut: RetentionFigures = {
    eventsBefore,
    eventsAfter: count('SELECT count(*) FROM webhook_events'),
    oldLeft: count('SELECT count(*) FROM webhook_events WHERE created_at < ?', now - 30 * DAY),
    eventLogBefore,
    eventLogAfter: count('SELECT count(*) FROM event_log'),
    eventLogOldLeft: count('SELECT count(*) FROM event_log WHERE created_at < ?', now - 30 * DAY),
    bytesBefore,
    bytesAfter: fileBytes(),
    pruneMs: pruneEnd - pruneStart,
    batches: batches.length,
    longestBatchMs: Math.max(0, ...batches.map(([, ms]) => ms)),
    longestLockMs: wallHolds[wallHolds.length - 1] ?? 0,
    lockP99Ms: p99(wallHolds),
    longestLockCpuMs: cpuHolds[cpuHolds.length - 1] ?? 0,
    lockCpuP99Ms: p99(cpuHolds),
    longestCommitMs: Math.max(0, ...holds.map((h) => h.commitMs)),
    during: figures(during),
    baseline: figures(baseline),
  };
  raw.close();
  return figuresOut;
}
