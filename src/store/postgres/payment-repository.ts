/**
 * The PostgreSQL payment and checkpoint repositories.
 */
import type { Payment } from '../../domain/payment.js';
import type { CheckpointRepository, PaymentListQuery, PaymentPatch, PaymentRepository } from '../store.js';
import { decodeCursor, resolvePageLimit, statusList, toPage } from '../paging.js';
import { PAYMENT_COLUMNS, insertSql, list, updateSql } from './columns.js';
import { conflict } from './errors.js';
import { compileNewestFirst } from './list-arms.js';
import { run, runCompiled, runDynamic, statement, type RepositoryEnv, type Statement } from './repository-env.js';
import { toPayment } from './rows.js';
import { bigintOf } from './values.js';
import { paymentColumnValues } from '../payment-values.js';

/** The values of an insert, in {@link PAYMENT_COLUMNS} order. */
const insertValues = (p: Payment): unknown[] => paymentColumnValues(p, (date) => date);

function toSet(patch: PaymentPatch): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.feeMsat !== undefined) set.fee_msat = patch.feeMsat;
  if (patch.preimage !== undefined) set.preimage = patch.preimage;
  if (patch.failureReason !== undefined) set.failure_reason = patch.failureReason;
  if (patch.amountMsat !== undefined) set.amount_msat = patch.amountMsat;
  if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
  if (patch.completedAt !== undefined) set.completed_at = patch.completedAt;
  if (patch.settleIndex !== undefined) set.settle_index = patch.settleIndex;
  if (patch.feeLimitMsat !== undefined) set.fee_limit_msat = patch.feeLimitMsat;
  return set;
}

type PaymentStatementName =
  'insert' | 'byId' | 'byHash' | 'byKey' | 'checkpointGet' | 'checkpointAdvance' | 'checkpointReset';

/** The fixed statements of the payment and checkpoint repositories in quoted schema `s`. */
export function paymentStatements(s: string): Readonly<Record<PaymentStatementName, Statement>> {
  const select = `SELECT ${list(PAYMENT_COLUMNS)} FROM ${s}.payments`;
  return {
    insert: statement(insertSql(`${s}.payments`, PAYMENT_COLUMNS)),
    byId: statement(`${select} WHERE id = $1`),
    byHash: statement(`${select} WHERE direction = $1 AND payment_hash = $2`),
    byKey: statement(`${select} WHERE idempotency_key = $1`),
    checkpointGet: statement(`SELECT value FROM ${s}.checkpoints WHERE name = $1`),
    checkpointAdvance: statement(
      `INSERT INTO ${s}.checkpoints AS c (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = GREATEST(c.value, EXCLUDED.value) RETURNING value`,
    ),
    checkpointReset: statement(
      `INSERT INTO ${s}.checkpoints AS c (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value RETURNING value`,
    ),
  };
}

/** Creates the payment repository on `env`. */
export function createPostgresPaymentRepository(
  env: RepositoryEnv,
  sql: ReturnType<typeof paymentStatements>,
): PaymentRepository {
  const one = async (s: Statement, values: readonly unknown[]): Promise<Payment | undefined> => {
    const [row] = await run(env, s, values);
    return row && toPayment(row);
  };
  return {
    async insert(payment) {
      const rows = await run(env, sql.insert, insertValues(payment));
      if (rows.length === 0) throw conflict('payments', 'id, (direction, payment hash) or idempotency key');
    },
    get: (id) => one(sql.byId, [id]),
    getByPaymentHash: (paymentHash, direction) => one(sql.byHash, [direction, paymentHash]),
    getByIdempotencyKey: (key) => one(sql.byKey, [key]),
    async list(query: PaymentListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      const values = {
        direction: query.direction,
        afterAt: after && new Date(after.createdAtMs),
        afterId: after?.id,
      };
      const arm = (status: string | undefined, v: typeof values) => {
        let q = env.db.selectFrom('payments').select(PAYMENT_COLUMNS);
        if (v.direction !== undefined) q = q.where('direction', '=', v.direction);
        if (status !== undefined) q = q.where('status', '=', status);
        if (v.afterAt !== undefined && v.afterId !== undefined)
          q = q.where(({ eb, refTuple, tuple }) =>
            eb(refTuple('created_at', 'id'), '<', tuple(v.afterAt!, v.afterId!)),
          );
        return q;
      };
      const compiled = compileNewestFirst(env, 'payments', values, statuses, arm, limit + 1);
      return toPage((await runCompiled(env, compiled)).map(toPayment), limit);
    },
    async update(id, patch, options) {
      const from = options?.fromStatus;
      if (from?.length === 0) return undefined;
      const { text, values } = updateSql(`${env.schema}.payments`, PAYMENT_COLUMNS, id, toSet(patch), from);
      const [row] = await runDynamic(env, text, values);
      return row && toPayment(row);
    },
  };
}

/** Creates the checkpoint repository on `env`: one upsert keeps max(current, value). */
export function createPostgresCheckpointRepository(
  env: RepositoryEnv,
  sql: ReturnType<typeof paymentStatements>,
): CheckpointRepository {
  return {
    async get(name) {
      const [row] = await run(env, sql.checkpointGet, [name]);
      return row && bigintOf(row, 'value');
    },
    async advance(name, value) {
      const [row] = await run(env, sql.checkpointAdvance, [name, value]);
      return bigintOf(row!, 'value');
    },
    async reset(name, value) {
      const [row] = await run(env, sql.checkpointReset, [name, value]);
      return bigintOf(row!, 'value');
    },
  };
}
