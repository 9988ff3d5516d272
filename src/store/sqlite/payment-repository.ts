/**
 * The SQLite payment and checkpoint repositories.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Payment } from '../../domain/payment.js';
import type { CheckpointRepository, PaymentListQuery, PaymentPatch, PaymentRepository } from '../store.js';
import { decodeCursor, resolvePageLimit, statusList, toPage } from '../paging.js';
import { insertSql, updateSql, type SqliteContext } from './context.js';
import { big, maybeMs, ms, toPayment, msKey } from './rows.js';
import type { PaymentsTable } from './schema.js';
import { unionOfArms } from './list-arms.js';
import { paymentColumnValues } from '../payment-values.js';
import { recordIncoming } from './record-incoming.js';

/** Maps a payment to its row (column → value). */
export function toRow(p: Payment): Insertable<PaymentsTable> {
  return {
    id: p.id,
    direction: p.direction,
    status: p.status,
    payment_hash: p.paymentHash,
    payment_request: p.paymentRequest,
    amount_msat: p.amountMsat,
    fee_msat: p.feeMsat,
    invoice_id: p.invoiceId,
    preimage: p.preimage,
    failure_reason: p.failureReason,
    idempotency_key: p.idempotencyKey,
    settle_index: p.settleIndex,
    fee_limit_msat: p.feeLimitMsat,
    created_at: ms(p.createdAt),
    updated_at: ms(p.updatedAt),
    completed_at: maybeMs(p.completedAt),
    node_pubkey: p.nodePubkey ?? null,
  };
}

/**
 * The values of {@link toRow} in {@link PAYMENT_COLUMNS} order, for positional parameters (binding
 * 17 named ones costs a property lookup each). Kept in step with `toRow` by record-incoming.test.ts.
 */
export const paymentValues = (p: Payment): unknown[] => paymentColumnValues(p, ms);

function toSet(patch: PaymentPatch): Updateable<PaymentsTable> {
  const set: Updateable<PaymentsTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.feeMsat !== undefined) set.fee_msat = patch.feeMsat;
  if (patch.preimage !== undefined) set.preimage = patch.preimage;
  if (patch.failureReason !== undefined) set.failure_reason = patch.failureReason;
  if (patch.amountMsat !== undefined) set.amount_msat = patch.amountMsat;
  if (patch.updatedAt !== undefined) set.updated_at = ms(patch.updatedAt);
  if (patch.completedAt !== undefined) set.completed_at = maybeMs(patch.completedAt);
  if (patch.settleIndex !== undefined) set.settle_index = patch.settleIndex;
  if (patch.feeLimitMsat !== undefined) set.fee_limit_msat = patch.feeLimitMsat;
  return set;
}

type Row = Selectable<PaymentsTable>;

/** Every column, in insert order (the keys of `toRow`). */
export const PAYMENT_COLUMNS = [
  'id',
  'direction',
  'status',
  'payment_hash',
  'payment_request',
  'amount_msat',
  'fee_msat',
  'invoice_id',
  'preimage',
  'failure_reason',
  'idempotency_key',
  'settle_index',
  'fee_limit_msat',
  'created_at',
  'updated_at',
  'completed_at',
  'node_pubkey',
] as const;

/**
 * A list row read as an array (values in {@link PAYMENT_COLUMNS} order) as the row object the mapper
 * reads: a fixed-shape literal, a fraction of the size of the row object better-sqlite3 makes.
 */
export const paymentRowOf = (v: readonly unknown[]): Row =>
  ({
    id: v[0],
    direction: v[1],
    status: v[2],
    payment_hash: v[3],
    payment_request: v[4],
    amount_msat: v[5],
    fee_msat: v[6],
    invoice_id: v[7],
    preimage: v[8],
    failure_reason: v[9],
    idempotency_key: v[10],
    settle_index: v[11],
    fee_limit_msat: v[12],
    created_at: v[13],
    updated_at: v[14],
    completed_at: v[15],
    node_pubkey: v[16],
  }) as Row;

const INSERT = insertSql('payments', PAYMENT_COLUMNS);
const BY_ID = 'SELECT * FROM payments WHERE id = ?';
const BY_HASH = 'SELECT * FROM payments WHERE direction = ? AND payment_hash = ?';
const BY_KEY = 'SELECT * FROM payments WHERE idempotency_key = ?';
const CHECKPOINT_GET = 'SELECT value FROM checkpoints WHERE name = ?';
const CHECKPOINT_RESET =
  'INSERT INTO checkpoints (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value RETURNING value';
const CHECKPOINT_ADVANCE =
  'INSERT INTO checkpoints (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = max(checkpoints.value, excluded.value) RETURNING value';

/** Creates the payment repository on `ctx`. */
export function createSqlitePaymentRepository(ctx: SqliteContext): PaymentRepository {
  const { db } = ctx;
  const one = async (text: string, ...values: string[]): Promise<Payment | undefined> => {
    const row = await ctx.hold(() => ctx.statement(text).get(...values) as Row | undefined);
    return row && toPayment(row);
  };
  return {
    async insert(payment) {
      const row = toRow(payment);
      await ctx.hold(() => ctx.statement(INSERT).run(row));
    },
    get: (id) => one(BY_ID, id),
    getByPaymentHash: (paymentHash, direction) => one(BY_HASH, direction, paymentHash),
    getByIdempotencyKey: (key) => one(BY_KEY, key),
    async list(query: PaymentListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      const arm = (status: string | undefined) => {
        let q = db.selectFrom('payments').select(PAYMENT_COLUMNS);
        if (query.direction) q = q.where('direction', '=', query.direction);
        if (status !== undefined) q = q.where('status', '=', status);
        if (after)
          q = q.where(({ eb, refTuple, tuple }) =>
            eb(refTuple('created_at', 'id'), '<', tuple(msKey(after.createdAtMs), after.id)),
          );
        return q;
      };
      const { sql: text, parameters } = unionOfArms(statuses, arm)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .compile();
      const rows = await ctx.hold(() => ctx.rawStatement(text).all(...parameters) as unknown[][]);
      return toPage(
        rows.map((v) => toPayment(paymentRowOf(v))),
        limit,
      );
    },
    async update(id, patch, options) {
      const from = options?.fromStatus;
      if (from?.length === 0) return undefined;
      const { sql, params } = updateSql('payments', toSet(patch), from);
      const row = await ctx.hold(() => ctx.statement(sql).get({ ...params, id }) as Row | undefined);
      return row && toPayment(row);
    },
    recordIncoming: (input) => recordIncoming(ctx, input),
  };
}

/** Creates the checkpoint repository on `ctx`: one upsert keeps max(current, value). */
export function createSqliteCheckpointRepository(ctx: SqliteContext): CheckpointRepository {
  return {
    async get(name) {
      const row = await ctx.hold(() => ctx.statement(CHECKPOINT_GET).get(name) as { value: bigint } | undefined);
      return row && big(row.value);
    },
    async advance(name, value) {
      const row = await ctx.hold(() => ctx.statement(CHECKPOINT_ADVANCE).get(name, value) as { value: bigint });
      return big(row.value);
    },
    async reset(name, value) {
      const row = await ctx.hold(() => ctx.statement(CHECKPOINT_RESET).get(name, value) as { value: bigint });
      return big(row.value);
    },
  };
}
