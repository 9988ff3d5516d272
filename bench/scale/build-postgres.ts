/**
 * Builds a large PostgreSQL store by bulk SQL (`generate_series`, no API calls): the same data as
 * build-sqlite.ts — invoices with a realistic status mix, the incoming payment of every settled
 * invoice, one outgoing payment per 20 invoices, and webhook events, deliveries and attempts for
 * the newest tenth of the settlements. Secondary indexes are dropped during the load and rebuilt
 * after it, then VACUUM (ANALYZE).
 */
import pg from 'pg';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { ENDPOINT_ID, insertBenchEndpoint, NOW_MS, STEP_MS } from './build-sqlite.js';

const CHUNK = 250_000;
const OPEN_WINDOW = 2_000;

/** Timings of a build, in ms, and the schema's size. */
export interface PostgresBuildReport {
  readonly loadMs: number;
  readonly indexMs: number;
  readonly bytes: number;
}

const statements = (s: string, n: number) => {
  const ts = (ms: string) => `to_timestamp((${ms})::double precision / 1000)`;
  const status = `CASE WHEN i >= ${n - OPEN_WINDOW} THEN 'open'
      WHEN i % 200 < 110 THEN 'settled' WHEN i % 200 < 180 THEN 'expired' WHEN i % 200 < 186 THEN 'cancelled'
      WHEN i % 200 < 188 THEN 'accepted' ELSE 'settled' END`;
  return {
    invoices: `INSERT INTO ${s}.invoices (id, payment_hash, payment_request, amount_msat, amount_eur, rate, rate_source,
        rate_fetched_at, description, metadata, status, is_hold, add_index, settle_index, amount_paid_msat, idempotency_key,
        preimage, created_at, expires_at, settled_at, closed_at)
      SELECT 'inv_' || lpad(i::text, 12, '0'), md5(i::text || 'h1') || md5(i::text || 'h2'),
        'lnbc228060n1p' || repeat(md5(i::text || 'r'), 9), 22806000 + i % 1000, 19.99, 87654.32, 'kraken,bitstamp',
        c - interval '800 milliseconds', 'Order #' || i, ('{"orderId":"A-' || i || '"}')::json, st, i % 200 >= 186, i + 1,
        CASE WHEN st = 'settled' THEN i + 1 END, CASE WHEN st = 'settled' THEN 22806000 + i % 1000 END,
        CASE WHEN i % 10 = 0 THEN 'key-' || i END, NULL, c, c + interval '1 hour',
        CASE WHEN st = 'settled' THEN c + interval '30 seconds' END,
        CASE WHEN st IN ('settled', 'expired', 'cancelled') THEN c + interval '1 hour' END
      FROM (SELECT i, ${status} AS st, ${ts(`${NOW_MS}::bigint - (${n - 1} - i) * ${STEP_MS}`)} AS c
        FROM generate_series($1::bigint, $2::bigint - 1) AS i) AS r`,
    paymentsIn: `INSERT INTO ${s}.payments (id, direction, status, payment_hash, payment_request, amount_msat, fee_msat,
        invoice_id, preimage, failure_reason, idempotency_key, settle_index, fee_limit_msat, created_at, updated_at, completed_at)
      SELECT 'pay_' || substr(id, 5), 'in', 'succeeded', payment_hash, NULL, amount_paid_msat, 0, id,
        md5(id || 'p') || md5(id || 'q'), NULL, NULL, settle_index, NULL, settled_at, settled_at, settled_at
      FROM ${s}.invoices WHERE status = 'settled' AND id >= 'inv_' || lpad($1::text, 12, '0') AND id < 'inv_' || lpad($2::text, 12, '0')`,
    paymentsOut: `INSERT INTO ${s}.payments (id, direction, status, payment_hash, payment_request, amount_msat, fee_msat,
        invoice_id, preimage, failure_reason, idempotency_key, settle_index, fee_limit_msat, created_at, updated_at, completed_at)
      SELECT 'pout_' || substr(id, 5), 'out',
        CASE WHEN (add_index / 20) % 50 < 45 THEN 'succeeded' WHEN (add_index / 20) % 50 < 49 THEN 'failed' ELSE 'in_flight' END,
        md5(id || 'o1') || md5(id || 'o2'), 'lnbc1p' || repeat(md5(id), 7), 1000000, 1000, NULL, NULL,
        CASE WHEN (add_index / 20) % 50 >= 45 AND (add_index / 20) % 50 < 49 THEN 'no_route' END, NULL, NULL, 10000,
        created_at, created_at, created_at
      FROM ${s}.invoices WHERE add_index % 20 = 0 AND id >= 'inv_' || lpad($1::text, 12, '0') AND id < 'inv_' || lpad($2::text, 12, '0')`,
    events: `INSERT INTO ${s}.webhook_events (id, type, body, created_at)
      SELECT 'msg_' || substr(id, 5), 'invoice.settled',
        '{"type":"invoice.settled","timestamp":"2026-01-01T00:00:00.000Z","data":{"invoice_id":"' || id || '","payment_hash":"' || payment_hash || '","amount_msat":"22806000","amount_eur":"19.99","status":"settled"}}',
        settled_at
      FROM ${s}.invoices WHERE status = 'settled' AND id >= 'inv_' || lpad($1::text, 12, '0') AND id < 'inv_' || lpad($2::text, 12, '0')`,
    deliveries: `INSERT INTO ${s}.webhook_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at,
        last_status_code, last_error, created_at, updated_at)
      SELECT 'whd_' || substr(id, 5), id, '${ENDPOINT_ID}',
        CASE WHEN substr(id, 5)::bigint % 1000 = 0 THEN 'failed' ELSE 'delivered' END, 1, NULL, 200, NULL,
        created_at, created_at + interval '200 milliseconds'
      FROM ${s}.webhook_events WHERE id >= 'msg_' || lpad($1::text, 12, '0') AND id < 'msg_' || lpad($2::text, 12, '0')`,
    attempts: `INSERT INTO ${s}.webhook_attempts (id, delivery_id, attempt, status_code, latency_ms, error, at)
      SELECT 'wha_' || substr(id, 5), id, 1, 200, 42, NULL, created_at + interval '200 milliseconds'
      FROM ${s}.webhook_deliveries WHERE id >= 'whd_' || lpad($1::text, 12, '0') AND id < 'whd_' || lpad($2::text, 12, '0')`,
  };
};

/** Builds `n` invoices (and the rest) in the new schema `schema` of the database at `url`. */
export async function buildPostgresStore(
  url: string,
  schema: string,
  n: number,
  options: { readonly webhookShare?: number; readonly log?: (line: string) => void } = {},
): Promise<PostgresBuildReport> {
  const log = options.log ?? (() => undefined);
  const store = createPostgresStore({ connectionString: url }, { schema });
  await store.migrate();
  await insertBenchEndpoint(store, n);
  await store.close();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const s = `"${schema}"`;
    await client.query('SET synchronous_commit = off');
    await client.query("SET maintenance_work_mem = '256MB'");
    // Secondary indexes only: those behind a primary key or unique constraint stay.
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = $1
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE connamespace = $1::regnamespace)`,
      [schema],
    );
    for (const index of indexes) await client.query(`DROP INDEX ${s}."${index.name}"`);
    const sql = statements(s, n);
    const started = performance.now();
    const chunked = async (label: string, text: string, from: number, to: number) => {
      for (let at = from; at < to; at += CHUNK) await client.query(text, [at, Math.min(to, at + CHUNK)]);
      log(`  ${label}: ${Math.round(performance.now() - started)} ms`);
    };
    await chunked('invoices', sql.invoices, 0, n);
    await chunked('incoming payments', sql.paymentsIn, 0, n);
    await chunked('outgoing payments', sql.paymentsOut, 0, n);
    const firstWebhook = Math.floor(n * (1 - (options.webhookShare ?? 0.1)));
    await chunked('webhook events', sql.events, firstWebhook, n);
    await chunked('webhook deliveries', sql.deliveries, firstWebhook, n);
    await chunked('webhook attempts', sql.attempts, firstWebhook, n);
    const loadMs = performance.now() - started;
    const indexed = performance.now();
    for (const index of indexes) await client.query(index.def);
    await client.query(
      `ANALYZE ${s}.invoices, ${s}.payments, ${s}.webhook_events, ${s}.webhook_deliveries, ${s}.webhook_attempts`,
    );
    const indexMs = performance.now() - indexed;
    log(`  indexes rebuilt + VACUUM (ANALYZE): ${Math.round(indexMs)} ms`);
    const { rows } = await client.query<{ n: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS n FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    return { loadMs, indexMs, bytes: Number(rows[0]!.n) };
  } finally {
    await client.end();
  }
}

/** Sample payment hashes and event ids to look up (random rows). */
export async function postgresSamples(
  url: string,
  schema: string,
): Promise<{ invoices: number; sampleHashes: string[]; sampleEventIds: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const s = `"${schema}"`;
    const invoices = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${s}.invoices`)).rows[0]!.n);
    const hashes = await client.query<{ h: string }>(
      `SELECT payment_hash AS h FROM ${s}.invoices TABLESAMPLE SYSTEM (1) LIMIT 500`,
    );
    const events = await client.query<{ id: string }>(
      `SELECT id FROM ${s}.webhook_events TABLESAMPLE SYSTEM (1) LIMIT 200`,
    );
    return { invoices, sampleHashes: hashes.rows.map((r) => r.h), sampleEventIds: events.rows.map((r) => r.id) };
  } finally {
    await client.end();
  }
}
