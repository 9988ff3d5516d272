/**
 * Settlement ingestion into PostgreSQL: lnkit's `recordSettlements` through the real store, next to
 * a raw `pg` loop issuing the same statements (same SQL text, prepared the same way, one
 * transaction per batch) in the same run. Rounds alternate which goes first, so a busy neighbour on
 * a shared machine slows both alike; each round yields one ratio (lnkit / raw, goal ≥ 0.5).
 * The statements lnkit sent are recorded and compared with the raw loop's, so the comparison stays
 * honest when the store changes. Prints, never asserts. Server: LNKIT_BENCH_POSTGRES_URL, else
 * LNKIT_TEST_POSTGRES_URL, else the local one; skipped (with the reason) when none answers.
 */
import pg from 'pg';
import { systemClock } from '../src/domain/clock.js';
import { createEventBus } from '../src/events/event-bus.js';
import type { LndInvoice } from '../src/lnd/lnd-client.js';
import { silentLogger } from '../src/logger.js';
import { createMetrics } from '../src/operations/metrics.js';
import { createFixedRates } from '../src/rates/fixed.js';
import type { ServiceContext } from '../src/service-context.js';
import { recordSettlements } from '../src/settlement/record-settlements.js';
import { INVOICE_COLUMNS, updateSql } from '../src/store/postgres/columns.js';
import type { PostgresPool, PostgresQueryConfig } from '../src/store/postgres/context.js';
import { createPostgresStore } from '../src/store/postgres/index.js';
import { invoiceStatements } from '../src/store/postgres/invoice-repository.js';
import { paymentStatements } from '../src/store/postgres/payment-repository.js';
import { endpointStatements } from '../src/store/postgres/webhook-endpoint-repository.js';
import { outboxStatements } from '../src/store/postgres/webhook-outbox-repository.js';
import { enqueueWebhookEvent } from '../src/webhooks/outbox/enqueue.js';
import { webhookData } from '../src/webhooks/outbox/payloads.js';

/** Options of {@link benchPostgresSettlements}. */
export interface PostgresSettlementBenchOptions {
  readonly url?: string;
  /** Default is 3. */
  readonly rounds?: number;
  /** Settlements each side records per round. Default is 1,000. */
  readonly settlementsPerRound?: number;
  /** Settlements per transaction (as the stream's batches). Default is 500. */
  readonly batchSize?: number;
}

/** One round: settlements per second of each side, and their ratio. */
export interface PostgresSettlementRound {
  readonly lnkitPerSecond: number;
  readonly rawPerSecond: number;
  readonly ratio: number;
}

/** The figures. */
export interface PostgresSettlementFigures {
  readonly settlementsPerRound: number;
  readonly batchSize: number;
  readonly rounds: readonly PostgresSettlementRound[];
  readonly ratioMin: number;
  readonly ratioMedian: number;
  /** Statements per settlement (BEGIN/COMMIT and checkpoints included), lnkit and raw. */
  readonly statementsPerSettlement: { readonly lnkit: number; readonly raw: number };
  /** True when both sides sent the same SQL texts the same number of times. */
  readonly sameStatements: boolean;
}

type Counts = Map<string, number>;
const note = (counts: Counts, config: PostgresQueryConfig | string): void => {
  const text = typeof config === 'string' ? config : config.text;
  counts.set(text, (counts.get(text) ?? 0) + 1);
};

/** The pool lnkit gets: pg's, recording each statement's text while `counts.on`. */
function recordingPool(pool: pg.Pool, counts: { on: boolean; texts: Counts }): PostgresPool {
  const record = (config: PostgresQueryConfig): void => {
    if (counts.on) note(counts.texts, config);
  };
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: (config: PostgresQueryConfig) => (record(config), client.query(config as pg.QueryConfig)),
        release: (error?: Error | boolean) => client.release(error),
      };
    },
    query: (config: PostgresQueryConfig) => (record(config), pool.query(config as pg.QueryConfig)),
    end: () => pool.end(),
  };
}

/** Seeds `count` open invoices (not timed) and returns their payment hashes (`prefix`: 4 hex digits). */
async function seedInvoices(client: pg.Client, s: string, prefix: string, count: number): Promise<string[]> {
  const now = new Date();
  const hashes = Array.from({ length: count }, (_, i) => `${prefix}${i.toString(16).padStart(60, '0')}`);
  await client.query(
    `INSERT INTO ${s}.invoices (id, payment_hash, payment_request, amount_msat, description, status, is_hold, add_index, created_at, expires_at)
     SELECT 'inv_' || h, h, 'lnbcrt' || h, 1000, 'bench', 'open', false, 1, $2, $3 FROM unnest($1::text[]) AS h`,
    [hashes, now, new Date(now.getTime() + 3_600_000)],
  );
  return hashes;
}

function settlementsOf(hashes: readonly string[], firstIndex: number): LndInvoice[] {
  const now = new Date();
  return hashes.map((paymentHash, i) => ({
    paymentHash,
    paymentRequest: `lnbcrt${paymentHash}`,
    memo: 'bench',
    valueMsat: 1000n,
    state: 'SETTLED',
    addIndex: BigInt(firstIndex + i + 1),
    settleIndex: BigInt(firstIndex + i + 1),
    amountPaidMsat: 1000n,
    creationDate: now,
    settleDate: now,
    expirySeconds: 3600,
    cltvExpiry: 80,
    preimage: null,
    isKeysend: false,
    isAmp: false,
    htlcs: [],
  }));
}

/** The raw loop: lnkit's statements for one batch, issued with pg and nothing else. */
async function rawBatch(client: pg.Client, s: string, batch: readonly LndInvoice[], counts: Counts): Promise<void> {
  const inv = invoiceStatements(s);
  const pay = paymentStatements(s);
  const ends = endpointStatements(s);
  const out = outboxStatements(s);
  const q = async (config: pg.QueryConfig) => (note(counts, config.text), client.query(config));
  await q({ text: 'BEGIN' });
  let maxSettle = 0n;
  const now = new Date();
  for (const item of batch) {
    await q({ ...pay.byHash, values: ['in', item.paymentHash] });
    const { rows } = await q({ ...inv.byHash, values: [item.paymentHash] });
    const invoiceId = (rows[0] as { id: string }).id;
    const set = {
      status: 'settled',
      settle_index: item.settleIndex,
      amount_paid_msat: item.amountPaidMsat,
      settled_at: now,
    };
    const update = updateSql(`${s}.invoices`, INVOICE_COLUMNS, invoiceId, set, ['open', 'accepted', 'expired']);
    await q({ text: update.text, values: update.values, name: `raw_${update.text.length}` });
    const paymentId = `pay_raw_${item.paymentHash}`;
    await q({
      ...pay.insert,
      values: [
        ...[paymentId, 'in', 'succeeded', item.paymentHash, item.paymentRequest, item.amountPaidMsat, 0n, invoiceId],
        ...[null, null, null, item.settleIndex, null, now, now, now, null],
      ],
    });
    for (const type of ['invoice.settled', 'payment.received']) {
      const endpoints = (await q({ ...ends.all, values: [] })).rows as { id: string }[];
      const eventId = `msg_raw_${type}_${item.paymentHash}`;
      const body = JSON.stringify({
        type,
        timestamp: now.toISOString(),
        data: { invoice_id: invoiceId, payment_id: paymentId },
      });
      const col = <T>(v: T) => endpoints.map(() => v);
      await q({
        ...out.enqueue,
        values: [
          ...[eventId, type, body, now, endpoints.map((e) => `whd_${eventId}_${e.id}`), endpoints.map((e) => e.id)],
          ...[col('pending'), col(0), col(now), col(null), col(null), col(now), col(now)],
        ],
      });
    }
    if (item.settleIndex > maxSettle) maxSettle = item.settleIndex;
  }
  await q({ ...pay.checkpointAdvance, values: ['lnd.settle_index', maxSettle] });
  await q({ text: 'COMMIT' });
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * Runs the rounds on a fresh schema (dropped afterwards).
 * @returns the figures, or `{ skipped }` with the reason when no server answers
 */
export async function benchPostgresSettlements(
  options: PostgresSettlementBenchOptions = {},
): Promise<PostgresSettlementFigures | { readonly skipped: string }> {
  const url =
    options.url ??
    process.env.LNKIT_BENCH_POSTGRES_URL ??
    process.env.LNKIT_TEST_POSTGRES_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const rounds = options.rounds ?? 3;
  const perRound = options.settlementsPerRound ?? 1000;
  const batchSize = options.batchSize ?? 500;
  const raw = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await raw.connect();
  } catch (error) {
    return { skipped: `no PostgreSQL at ${url.replace(/\/\/[^@/]*@/, '//…@')}: ${(error as Error).message}` };
  }
  const schemaName = `lnkit_bench_${process.pid}`;
  const s = `"${schemaName}"`;
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const counts = { on: false, texts: new Map<string, number>() };
  const store = createPostgresStore({ pool: recordingPool(pool, counts) }, { schema: schemaName });
  try {
    await store.migrate();
    const t0 = new Date();
    await store.webhookEndpoints.insert({
      id: 'whe_bench',
      url: 'https://example.com/hooks',
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      events: null,
      allowInsecure: false,
      allowPrivateNetwork: false,
      isEnabled: true,
      disabledReason: null,
      createdAt: t0,
      updatedAt: t0,
    });
    const ctx: ServiceContext = {
      lnd: {} as ServiceContext['lnd'],
      rates: createFixedRates('90000'),
      store,
      bus: createEventBus(silentLogger),
      clock: systemClock,
      logger: silentLogger,
      metrics: createMetrics({ readGauges: async () => [] }),
      recordEvent: async (tx, type, payload) => {
        await enqueueWebhookEvent(tx, { type, data: webhookData(type, payload), occurredAt: new Date() });
      },
      run: (op) => op(),
    };
    const rawTexts: Counts = new Map();
    const results: PostgresSettlementRound[] = [];
    let index = 0;
    for (let round = 0; round < rounds; round++) {
      const lnkitItems = settlementsOf(
        await seedInvoices(raw, s, `a${round.toString(16).padStart(3, '0')}`, perRound),
        index,
      );
      index += perRound;
      const rawItems = settlementsOf(
        await seedInvoices(raw, s, `b${round.toString(16).padStart(3, '0')}`, perRound),
        index,
      );
      index += perRound;
      // Statistics, as autovacuum keeps them on a store in service: this schema is seconds old and
      // would have none. Without them the plans PostgreSQL cached for lnkit's prepared statements
      // (made while it believed the tables empty) slowed lnkit round after round as the rows grew
      // (420 → 138 settlements/s over six rounds) while the raw loop's single connection stayed flat.
      await raw.query(`ANALYZE ${s}.invoices, ${s}.payments, ${s}.webhook_events, ${s}.webhook_deliveries`);
      const runLnkit = async (): Promise<number> => {
        counts.on = true;
        const started = performance.now();
        for (let i = 0; i < perRound; i += batchSize)
          await recordSettlements(ctx, lnkitItems.slice(i, i + batchSize), { fromStream: true });
        const ms = performance.now() - started;
        counts.on = false;
        return (perRound / ms) * 1000;
      };
      const runRaw = async (): Promise<number> => {
        const started = performance.now();
        for (let i = 0; i < perRound; i += batchSize)
          await rawBatch(raw, s, rawItems.slice(i, i + batchSize), rawTexts);
        return (perRound / (performance.now() - started)) * 1000;
      };
      let lnkitPerSecond: number;
      let rawPerSecond: number;
      if (round % 2 === 0) {
        lnkitPerSecond = await runLnkit();
        rawPerSecond = await runRaw();
      } else {
        rawPerSecond = await runRaw();
        lnkitPerSecond = await runLnkit();
      }
      results.push({ lnkitPerSecond, rawPerSecond, ratio: lnkitPerSecond / rawPerSecond });
    }
    const total = (m: Counts): number => [...m.values()].reduce((a, b) => a + b, 0);
    // The raw loop names its update statement itself; compare texts, not names.
    const same =
      counts.texts.size === rawTexts.size && [...counts.texts].every(([text, n]) => rawTexts.get(text) === n);
    const ratios = results.map((r) => r.ratio);
    return {
      settlementsPerRound: perRound,
      batchSize,
      rounds: results,
      ratioMin: Math.min(...ratios),
      ratioMedian: median(ratios),
      statementsPerSettlement: {
        lnkit: total(counts.texts) / (rounds * perRound),
        raw: total(rawTexts) / (rounds * perRound),
      },
      sameStatements: same,
    };
  } finally {
    await store.close();
    await pool.end();
    await raw.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => undefined);
    await raw.end();
  }
}

/** Runs {@link benchPostgresSettlements} and prints its lines in `npm run bench`'s format. */
export async function printPostgresSettlementBench(options?: PostgresSettlementBenchOptions): Promise<void> {
  const label = (text: string): string => text.padEnd(52);
  const result = await benchPostgresSettlements(options);
  if ('skipped' in result) {
    console.log(`${label('settlements on PostgreSQL')} skipped: ${result.skipped}`);
    return;
  }
  const per = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12);
  const batches = `batches of ${result.batchSize}`;
  console.log(
    `${label(`settlements committed on PostgreSQL (${batches})`)} ${per(median(result.rounds.map((r) => r.lnkitPerSecond)))} ops/s`,
  );
  console.log(
    `${label(`the same statements, raw pg (median of ${result.rounds.length} rounds)`)} ${per(median(result.rounds.map((r) => r.rawPerSecond)))} ops/s`,
  );
  console.log(
    `${label('lnkit / raw pg (goal ≥ 0.5)')} ${result.ratioMedian.toFixed(2).padStart(12)}     (min ${result.ratioMin.toFixed(2)}; ${result.statementsPerSettlement.lnkit.toFixed(2)} statements per settlement, ${result.sameStatements ? 'same SQL on both sides' : `raw loop differs: ${result.statementsPerSettlement.raw.toFixed(2)}`})`,
  );
}
