/**
 * The PostgreSQL rebalance repository.
 */
import { REBALANCE_FAILURE_REASONS, REBALANCE_STATUSES, type Rebalance } from '../../domain/rebalance.js';
import type { RebalanceListQuery, RebalancePatch, RebalanceRepository } from '../store.js';
import { decodeCursor, resolvePageLimit, statusList, toPage } from '../paging.js';
import { insertSql, list, updateSql } from './columns.js';
import type { TextRow } from './context.js';
import { conflict } from './errors.js';
import { run, runCompiled, runDynamic, statement, type RepositoryEnv, type Statement } from './repository-env.js';
import { bigintOf, boolOf, dateOf, maybeDate, maybeText, oneOf, text } from './values.js';

/** `rebalances`, in insert order. */
export const REBALANCE_COLUMNS = [
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

/** Maps a `rebalances` row to a record. */
export function toRebalance(row: TextRow): Rebalance {
  return {
    id: text(row, 'id'),
    status: oneOf(row, 'status', REBALANCE_STATUSES),
    outChanId: text(row, 'out_chan_id'),
    inPeer: text(row, 'in_peer'),
    inChanId: maybeText(row, 'in_chan_id'),
    amountSat: bigintOf(row, 'amount_sat'),
    feeMsat: bigintOf(row, 'fee_msat'),
    maxFeeMsat: bigintOf(row, 'max_fee_msat'),
    paymentHash: maybeText(row, 'payment_hash'),
    failureReason:
      maybeText(row, 'failure_reason') === null ? null : oneOf(row, 'failure_reason', REBALANCE_FAILURE_REASONS),
    failureMessage: maybeText(row, 'failure_message'),
    isAutomatic: boolOf(row, 'is_automatic'),
    idempotencyKey: maybeText(row, 'idempotency_key'),
    createdAt: dateOf(row, 'created_at'),
    updatedAt: dateOf(row, 'updated_at'),
    completedAt: maybeDate(row, 'completed_at'),
    ...owner(row),
  };
}

/** `{ nodePubkey }` when the row names its node (several nodes); nothing otherwise. */
function owner(row: TextRow): { nodePubkey?: string } {
  const nodePubkey = maybeText(row, 'node_pubkey');
  return nodePubkey === null ? {} : { nodePubkey };
}

function insertValues(r: Rebalance): unknown[] {
  return [
    r.id,
    r.status,
    r.outChanId,
    r.inPeer,
    r.inChanId,
    r.amountSat,
    r.feeMsat,
    r.maxFeeMsat,
    r.paymentHash,
    r.failureReason,
    r.failureMessage,
    r.isAutomatic,
    r.idempotencyKey,
    r.createdAt,
    r.updatedAt,
    r.completedAt,
    r.nodePubkey ?? null,
  ];
}

function toSet(patch: RebalancePatch): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.inChanId !== undefined) set.in_chan_id = patch.inChanId;
  if (patch.feeMsat !== undefined) set.fee_msat = patch.feeMsat;
  if (patch.paymentHash !== undefined) set.payment_hash = patch.paymentHash;
  if (patch.failureReason !== undefined) set.failure_reason = patch.failureReason;
  if (patch.failureMessage !== undefined) set.failure_message = patch.failureMessage;
  if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
  if (patch.completedAt !== undefined) set.completed_at = patch.completedAt;
  return set;
}

type RebalanceStatementName = 'insert' | 'byId' | 'byKey' | 'byHash' | 'feesSince';

/** The fixed statements of the rebalance repository in quoted schema `s`. */
export function rebalanceStatements(s: string): Readonly<Record<RebalanceStatementName, Statement>> {
  const select = `SELECT ${list(REBALANCE_COLUMNS)} FROM ${s}.rebalances`;
  return {
    insert: statement(insertSql(`${s}.rebalances`, REBALANCE_COLUMNS)),
    byId: statement(`${select} WHERE id = $1`),
    byKey: statement(`${select} WHERE idempotency_key = $1`),
    byHash: statement(`${select} WHERE payment_hash = $1`),
    feesSince: statement(
      `SELECT coalesce(sum(fee_msat), 0)::text AS total FROM ${s}.rebalances WHERE status = 'succeeded' AND completed_at >= $1`,
    ),
  };
}

/** Creates the rebalance repository on `env`. */
export function createPostgresRebalanceRepository(
  env: RepositoryEnv,
  sql: ReturnType<typeof rebalanceStatements>,
): RebalanceRepository {
  const one = async (s: Statement, values: readonly unknown[]): Promise<Rebalance | undefined> => {
    const [row] = await run(env, s, values);
    return row && toRebalance(row);
  };
  return {
    async insert(rebalance) {
      const rows = await run(env, sql.insert, insertValues(rebalance));
      if (rows.length === 0) throw conflict('rebalances', 'id, idempotency key or payment hash');
    },
    get: (id) => one(sql.byId, [id]),
    getByIdempotencyKey: (key) => one(sql.byKey, [key]),
    getByPaymentHash: (hash) => one(sql.byHash, [hash]),
    async list(query: RebalanceListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      let q = env.db.selectFrom('rebalances').select(REBALANCE_COLUMNS);
      if (statuses) q = q.where('status', 'in', statuses);
      if (after)
        q = q.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('created_at', 'id'), '<', tuple(new Date(after.createdAtMs), after.id)),
        );
      const compiled = q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .compile();
      return toPage((await runCompiled(env, compiled)).map(toRebalance), limit);
    },
    async update(id, patch, options) {
      const from = options?.fromStatus;
      if (from?.length === 0) return undefined;
      const { text: sqlText, values } = updateSql(
        `${env.schema}.rebalances`,
        REBALANCE_COLUMNS,
        id,
        toSet(patch),
        from,
      );
      const [row] = await runDynamic(env, sqlText, values);
      return row && toRebalance(row);
    },
    async sumFeesSince(since) {
      const [row] = await run(env, sql.feesSince, [since]);
      return bigintOf(row!, 'total');
    },
  };
}
