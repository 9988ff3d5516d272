/**
 * The SQLite payment and checkpoint repositories.
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Payment } from '../../domain/payment.js';
import type { CheckpointRepository, PaymentListQuery, PaymentPatch, PaymentRepository } from '../store.js';
import { decodeCursor, resolvePageLimit, statusList, toPage } from '../paging.js';
import type { SqliteContext } from './context.js';
import { big, maybeMs, ms, toPayment, msKey } from './rows.js';
import type { PaymentsTable } from './schema.js';

function toRow(p: Payment): Insertable<PaymentsTable> {
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
  };
}

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
  return set;
}

/** Creates the payment repository on `ctx`. */
export function createSqlitePaymentRepository(ctx: SqliteContext): PaymentRepository {
  const { db } = ctx;
  return {
    async insert(payment) {
      await db.insertInto('payments').values(toRow(payment)).execute();
    },
    async get(id) {
      const row = await db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPayment(row);
    },
    async getByPaymentHash(paymentHash, direction) {
      const row = await db.selectFrom('payments').selectAll().where('direction', '=', direction).where('payment_hash', '=', paymentHash).executeTakeFirst();
      return row && toPayment(row);
    },
    async getByIdempotencyKey(key) {
      const row = await db.selectFrom('payments').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
      return row && toPayment(row);
    },
    async list(query: PaymentListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      let q = db.selectFrom('payments').selectAll();
      if (query.direction) q = q.where('direction', '=', query.direction);
      if (statuses) q = q.where('status', 'in', statuses);
      if (after) q = q.where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'id'), '<', tuple(msKey(after.createdAtMs), after.id)));
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      return toPage(rows.map(toPayment), limit);
    },
    async update(id, patch, options) {
      const from = options?.fromStatus;
      if (from?.length === 0) return undefined;
      const set = toSet(patch);
      if (Object.keys(set).length === 0) {
        let q = db.selectFrom('payments').selectAll().where('id', '=', id);
        if (from) q = q.where('status', 'in', from);
        const row = await q.executeTakeFirst();
        return row && toPayment(row);
      }
      let q = db.updateTable('payments').set(set).where('id', '=', id);
      if (from) q = q.where('status', 'in', from);
      const row = await q.returningAll().executeTakeFirst();
      return row && toPayment(row);
    },
  };
}

/** Creates the checkpoint repository on `ctx`: one upsert keeps max(current, value). */
export function createSqliteCheckpointRepository(ctx: SqliteContext): CheckpointRepository {
  const { db } = ctx;
  return {
    async get(name) {
      const row = await db.selectFrom('checkpoints').select('value').where('name', '=', name).executeTakeFirst();
      return row && big(row.value);
    },
    async advance(name, value) {
      const row = await db
        .insertInto('checkpoints')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql<bigint>`max(checkpoints.value, excluded.value)` }))
        .returning('value')
        .executeTakeFirstOrThrow();
      return big(row.value);
    },
  };
}
