/**
 * The SQLite rebalance repository.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import { REBALANCE_FAILURE_REASONS, REBALANCE_STATUSES, type Rebalance } from '../../domain/rebalance.js';
import { StoreError } from '../../errors.js';
import type { RebalanceListQuery, RebalancePatch, RebalanceRepository } from '../store.js';
import { decodeCursor, resolvePageLimit, statusList, toPage } from '../paging.js';
import { insertSql, updateSql, type SqliteContext } from './context.js';
import { big, maybeMs, ms, msKey, num } from './rows.js';
import type { RebalancesTable } from './schema.js';

type Row = Selectable<RebalancesTable>;

function oneOf<T extends string>(value: string, allowed: readonly T[], column: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new StoreError(`sqlite: ${column}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** Maps a `rebalances` row to a record. */
export function toRebalance(row: Row): Rebalance {
  return {
    id: row.id,
    status: oneOf(row.status, REBALANCE_STATUSES, 'rebalances.status'),
    outChanId: row.out_chan_id,
    inPeer: row.in_peer,
    inChanId: row.in_chan_id,
    amountSat: big(row.amount_sat),
    feeMsat: big(row.fee_msat),
    maxFeeMsat: big(row.max_fee_msat),
    paymentHash: row.payment_hash,
    failureReason:
      row.failure_reason === null
        ? null
        : oneOf(row.failure_reason, REBALANCE_FAILURE_REASONS, 'rebalances.failure_reason'),
    failureMessage: row.failure_message,
    isAutomatic: num(row.is_automatic) !== 0,
    idempotencyKey: row.idempotency_key,
    createdAt: new Date(num(row.created_at)),
    updatedAt: new Date(num(row.updated_at)),
    completedAt: row.completed_at === null ? null : new Date(num(row.completed_at)),
    ...(row.node_pubkey !== null ? { nodePubkey: row.node_pubkey } : {}),
  };
}

function toRow(r: Rebalance): Insertable<RebalancesTable> {
  return {
    id: r.id,
    status: r.status,
    out_chan_id: r.outChanId,
    in_peer: r.inPeer,
    in_chan_id: r.inChanId,
    amount_sat: r.amountSat,
    fee_msat: r.feeMsat,
    max_fee_msat: r.maxFeeMsat,
    payment_hash: r.paymentHash,
    failure_reason: r.failureReason,
    failure_message: r.failureMessage,
    is_automatic: r.isAutomatic ? 1 : 0,
    idempotency_key: r.idempotencyKey,
    created_at: ms(r.createdAt),
    updated_at: ms(r.updatedAt),
    completed_at: maybeMs(r.completedAt),
    node_pubkey: r.nodePubkey ?? null,
  };
}

function toSet(patch: RebalancePatch): Updateable<RebalancesTable> {
  const set: Updateable<RebalancesTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.inChanId !== undefined) set.in_chan_id = patch.inChanId;
  if (patch.feeMsat !== undefined) set.fee_msat = patch.feeMsat;
  if (patch.paymentHash !== undefined) set.payment_hash = patch.paymentHash;
  if (patch.failureReason !== undefined) set.failure_reason = patch.failureReason;
  if (patch.failureMessage !== undefined) set.failure_message = patch.failureMessage;
  if (patch.updatedAt !== undefined) set.updated_at = ms(patch.updatedAt);
  if (patch.completedAt !== undefined) set.completed_at = maybeMs(patch.completedAt);
  return set;
}

const COLUMNS = [
  'id',
  'status',
  'out_chan_id',
  'in_peer',
  'in_chan_id',
  'amount_sat',
  'fee_msat',
  'max_fee_msat',
  'payment_hash',
  'failure_reason',
  'failure_message',
  'is_automatic',
  'idempotency_key',
  'created_at',
  'updated_at',
  'completed_at',
  'node_pubkey',
] as const;
const INSERT = insertSql('rebalances', COLUMNS);
const BY_ID = 'SELECT * FROM rebalances WHERE id = ?';
const BY_KEY = 'SELECT * FROM rebalances WHERE idempotency_key = ?';
const BY_HASH = 'SELECT * FROM rebalances WHERE payment_hash = ?';
const FEES_SINCE =
  "SELECT CAST(coalesce(sum(fee_msat), 0) AS TEXT) AS total FROM rebalances WHERE status = 'succeeded' AND completed_at >= ?";

/** Creates the rebalance repository on `ctx`. */
export function createSqliteRebalanceRepository(ctx: SqliteContext): RebalanceRepository {
  const { db } = ctx;
  const one = async (text: string, value: string): Promise<Rebalance | undefined> => {
    const row = await ctx.hold(() => ctx.statement(text).get(value) as Row | undefined);
    return row && toRebalance(row);
  };
  return {
    async insert(rebalance) {
      const row = toRow(rebalance);
      await ctx.hold(() => ctx.statement(INSERT).run(row));
    },
    get: (id) => one(BY_ID, id),
    getByIdempotencyKey: (key) => one(BY_KEY, key),
    getByPaymentHash: (hash) => one(BY_HASH, hash),
    async list(query: RebalanceListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      let q = db.selectFrom('rebalances').selectAll();
      if (statuses) q = q.where('status', 'in', statuses);
      if (after)
        q = q.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('created_at', 'id'), '<', tuple(msKey(after.createdAtMs), after.id)),
        );
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows.map(toRebalance), limit);
    },
    async update(id, patch, options) {
      const from = options?.fromStatus;
      if (from?.length === 0) return undefined;
      const { sql, params } = updateSql('rebalances', toSet(patch), from);
      const row = await ctx.hold(() => ctx.statement(sql).get({ ...params, id }) as Row | undefined);
      return row && toRebalance(row);
    },
    async sumFeesSince(since) {
      const row = await ctx.hold(() => ctx.statement(FEES_SINCE).get(msKey(since)) as { total: string });
      return BigInt(row.total);
    },
  };
}
