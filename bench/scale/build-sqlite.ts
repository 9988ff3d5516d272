/**
 * Builds a large SQLite store by bulk SQL (recursive CTEs, no API calls): invoices with a realistic
 * status mix, the incoming payment of every settled invoice, some outgoing payments, and the
 * webhook events, deliveries and attempts of the recent settlements.
 *
 * Fast at 10M invoices because the build works as a bulk import would: the real migrations create
 * the schema, then — for the build only — no rollback journal, no fsync and a large page cache;
 * every secondary index is dropped, the rows are generated in SQL in big transactions, and the
 * indexes are created afterwards (one sorted pass each). The unique constraints that SQLite keeps
 * inside the table (ids, payment hashes, idempotency keys) stay and are filled as the rows go in;
 * the payment hashes are random, so their index takes random inserts, which the large cache keeps
 * in memory. At the end the file is back in WAL mode and its schema is checked against the
 * migrations' own (every table and index, by name and SQL).
 */
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';

/** The newest invoice's created_at; history runs back from here one invoice every `STEP_MS`. */
export const NOW_MS = Date.UTC(2026, 11, 1);
/** 10M invoices over ~3 years: one every 10 s. */
export const STEP_MS = 10_000;
/** Invoices created this recently are still open. */
const OPEN_WINDOW = 2_000;
/** The endpoint every generated delivery goes to. */
export const ENDPOINT_ID = 'whe_bench';

/** The one webhook endpoint of a built store (every delivery row points at it), as old as its first invoice. */
export async function insertBenchEndpoint(store: Pick<Store, 'webhookEndpoints'>, n: number): Promise<void> {
  await store.webhookEndpoints.insert({
    id: ENDPOINT_ID,
    url: 'https://shop.example/hooks',
    secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
    events: null,
    allowInsecure: false,
    allowPrivateNetwork: false,
    isEnabled: true,
    disabledReason: null,
    createdAt: new Date(NOW_MS - n * STEP_MS),
    updatedAt: new Date(NOW_MS - n * STEP_MS),
  });
}

const CHUNK = 1_000_000;
/** Page cache of the build's connection (KiB): holds the payment-hash index of 10M invoices. */
const BUILD_CACHE_KIB = 3 * 1024 * 1024;

/** created_at of invoice number `i` (0 = oldest) when there are `n`. */
export const createdAtOf = (i: number, n: number): number => NOW_MS - (n - 1 - i) * STEP_MS;

function invoicesSql(n: number): string {
  // Status by i % 200: 55% settled, 35% expired, 3% cancelled, then hold (accepted/settled) and open.
  const status = `CASE WHEN i >= ${n - OPEN_WINDOW} THEN 'open'
      WHEN i % 200 < 110 THEN 'settled' WHEN i % 200 < 180 THEN 'expired' WHEN i % 200 < 186 THEN 'cancelled'
      WHEN i % 200 < 188 THEN 'accepted' ELSE 'settled' END`;
  return `WITH RECURSIVE seq(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < @to),
    rows AS (SELECT i, ${status} AS status, ${NOW_MS} - (${n - 1} - i) * ${STEP_MS} AS created FROM seq)
    INSERT INTO invoices (id, payment_hash, payment_request, amount_msat, amount_eur, rate, rate_source, rate_fetched_at,
      description, metadata, status, is_hold, add_index, settle_index, amount_paid_msat, idempotency_key, preimage,
      created_at, expires_at, settled_at, closed_at)
    SELECT printf('inv_%012d', i), lower(hex(randomblob(32))), 'lnbc228060n1p' || lower(hex(randomblob(150))),
      22806000 + i % 1000, '19.99', '87654.32', 'kraken,bitstamp', created - 800,
      'Order #' || i, '{"orderId":"A-' || i || '"}', status, CASE WHEN i % 200 >= 186 THEN 1 ELSE 0 END, i + 1,
      CASE WHEN status = 'settled' THEN i + 1 END, CASE WHEN status = 'settled' THEN 22806000 + i % 1000 END,
      CASE WHEN i % 10 = 0 THEN 'key-' || i END, NULL,
      created, created + 3600000,
      CASE WHEN status = 'settled' THEN created + 30000 END,
      CASE WHEN status IN ('settled', 'expired', 'cancelled') THEN created + 3600000 END
    FROM rows`;
}

const PAYMENTS_IN = `INSERT INTO payments (id, direction, status, payment_hash, payment_request, amount_msat, fee_msat,
    invoice_id, preimage, failure_reason, idempotency_key, settle_index, fee_limit_msat, created_at, updated_at, completed_at)
  SELECT 'pay_' || substr(id, 5), 'in', 'succeeded', payment_hash, NULL, amount_paid_msat, 0, id,
    lower(hex(randomblob(32))), NULL, NULL, settle_index, NULL, settled_at, settled_at, settled_at
  FROM invoices WHERE status = 'settled' AND rowid >= @from AND rowid < @to`;

// One outgoing payment per 20 invoices: 90% succeeded, 8% failed, 2% in flight.
const PAYMENTS_OUT = `INSERT INTO payments (id, direction, status, payment_hash, payment_request, amount_msat, fee_msat,
    invoice_id, preimage, failure_reason, idempotency_key, settle_index, fee_limit_msat, created_at, updated_at, completed_at)
  SELECT 'pout_' || substr(id, 5), 'out', CASE WHEN (rowid / 20) % 50 < 45 THEN 'succeeded' WHEN (rowid / 20) % 50 < 49 THEN 'failed' ELSE 'in_flight' END,
    lower(hex(randomblob(32))), 'lnbc1p' || lower(hex(randomblob(120))), 1000000, 1000, NULL, NULL,
    CASE WHEN (rowid / 20) % 50 >= 45 AND (rowid / 20) % 50 < 49 THEN 'no_route' END, NULL, NULL, 10000, created_at, created_at, created_at
  FROM invoices WHERE rowid % 20 = 0 AND rowid >= @from AND rowid < @to`;

/** Webhook rows for settled invoices with rowid in range: an event, its delivered delivery, one attempt. */
const EVENTS = `INSERT INTO webhook_events (id, type, body, created_at)
  SELECT 'msg_' || substr(id, 5), 'invoice.settled',
    '{"type":"invoice.settled","timestamp":"2026-01-01T00:00:00.000Z","data":{"invoice_id":"' || id || '","payment_hash":"' || payment_hash || '","amount_msat":"22806000","amount_eur":"19.99","status":"settled"}}',
    settled_at FROM invoices WHERE status = 'settled' AND rowid >= @from AND rowid < @to`;
const DELIVERIES = `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at,
    last_status_code, last_error, created_at, updated_at)
  SELECT 'whd_' || substr(id, 5), id, '${ENDPOINT_ID}', CASE WHEN rowid % 1000 = 0 THEN 'failed' ELSE 'delivered' END, 1, NULL, 200, NULL,
    created_at, created_at + 200 FROM webhook_events WHERE rowid >= @from AND rowid < @to`;
const ATTEMPTS = `INSERT INTO webhook_attempts (id, delivery_id, attempt, status_code, latency_ms, error, at)
  SELECT 'wha_' || substr(id, 5), id, 1, 200, 42, NULL, created_at + 200 FROM webhook_deliveries WHERE rowid >= @from AND rowid < @to`;

/** Every table and index of the file, name → SQL (null for autoindexes), and the file-level settings. */
function schemaOf(db: Database.Database): Map<string, string | null> {
  const rows = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index')").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[];
  const schema = new Map(rows.map((r) => [`${r.type} ${r.name}`, r.sql]));
  for (const setting of ['journal_mode', 'auto_vacuum', 'page_size', 'user_version'])
    schema.set(`pragma ${setting}`, String(db.pragma(setting, { simple: true })));
  return schema;
}

/** Timings of a build, in ms. */
export interface BuildReport {
  readonly loadMs: number;
  readonly indexMs: number;
  /** CPU time of the whole build (on a shared machine, what the build itself cost). */
  readonly cpuMs: number;
  readonly bytes: number;
}

/**
 * Builds `file` with `n` invoices; webhook rows go with the newest `webhookShare` of the settled
 * invoices (retention keeps only a recent window of them).
 */
export async function buildSqliteStore(
  file: string,
  n: number,
  options: { readonly webhookShare?: number; readonly log?: (line: string) => void } = {},
): Promise<BuildReport> {
  const log = options.log ?? (() => undefined);
  const cpu = process.cpuUsage();
  const store = createSqliteStore({ filename: file });
  await store.migrate();
  await insertBenchEndpoint(store, n);
  await store.close();

  const db = new Database(file);
  const expected = schemaOf(db);
  // Build-only settings: a failed build is thrown away, so no journal and no fsync.
  // Out of WAL first (SQLite keeps a WAL database in WAL when asked for OFF directly), and out of
  // better-sqlite3's defensive mode, which refuses journal_mode = OFF.
  db.unsafeMode(true);
  db.pragma('journal_mode = DELETE');
  if (db.pragma('journal_mode = OFF', { simple: true }) !== 'off') throw new Error('could not turn the journal off');
  db.pragma('synchronous = OFF');
  db.pragma(`cache_size = -${BUILD_CACHE_KIB}`);
  db.pragma('temp_store = MEMORY');
  // Secondary indexes only: the autoindexes of PRIMARY KEY/UNIQUE columns have no SQL and stay.
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as {
    name: string;
    sql: string;
  }[];
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);

  const started = performance.now();
  const chunked = (label: string, text: string, total: number) => {
    const statement = db.prepare(text);
    for (let from = 0; from < total; from += CHUNK) {
      const to = Math.min(total, from + CHUNK);
      db.transaction(() => statement.run({ from, to }))();
      if (total > CHUNK) log(`  ${label} ${(to / total).toFixed(1)}: ${Math.round(performance.now() - started)} ms`);
    }
    if (total <= CHUNK) log(`  ${label}: ${Math.round(performance.now() - started)} ms`);
  };
  chunked('invoices', invoicesSql(n), n);
  chunked('incoming payments', PAYMENTS_IN, n + 1);
  chunked('outgoing payments', PAYMENTS_OUT, n + 1);
  const firstWebhook = Math.floor(n * (1 - (options.webhookShare ?? 0.1)));
  const statement = db.prepare(EVENTS);
  db.transaction(() => statement.run({ from: firstWebhook + 1, to: n + 1 }))();
  const events = Number(db.prepare('SELECT max(rowid) AS m FROM webhook_events').pluck().get() ?? 0);
  chunked('webhook deliveries', DELIVERIES, events + 1);
  chunked('webhook attempts', ATTEMPTS, events + 1);
  const loadMs = performance.now() - started;

  const indexed = performance.now();
  for (const index of indexes) {
    db.exec(index.sql);
    log(`  index ${index.name}: ${Math.round(performance.now() - indexed)} ms`);
  }
  // As migration 005 does: statistics from a sample of each index, not a full pass.
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
  const indexMs = performance.now() - indexed;
  log(`  indexes rebuilt + ANALYZE: ${Math.round(indexMs)} ms`);
  db.pragma('journal_mode = WAL');
  db.unsafeMode(false);
  const built = schemaOf(db);
  const differences = [...new Set([...expected.keys(), ...built.keys()])].filter(
    (k) => expected.get(k) !== built.get(k),
  );
  const bytes = Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
  db.close();
  if (differences.length > 0)
    throw new Error(`the built schema differs from the migrations' in ${differences.join(', ')}`);
  const used = process.cpuUsage(cpu);
  return { loadMs, indexMs, cpuMs: (used.user + used.system) / 1000, bytes };
}
