/**
 * The PostgreSQL invoice repository.
 */
import { sql as raw } from 'kysely';
import type { InvoiceListQuery, InvoicePatch, InvoiceRecord, InvoiceRepository } from '../store.js';
import { decodeCursor, resolveBatchLimit, resolvePageLimit, statusList, toPage } from '../paging.js';
import { INVOICE_COLUMNS, insertSql, list, updateSql } from './columns.js';
import { conflict } from './errors.js';
import { run, runCompiled, runDynamic, statement, type RepositoryEnv, type Statement } from './repository-env.js';
import { compileNewestFirst } from './list-arms.js';
import { jsonParam, toInvoice } from './rows.js';
import { decimalParam } from './values.js';

/** The values of an insert, in {@link INVOICE_COLUMNS} order. */
function insertValues(r: InvoiceRecord): unknown[] {
  return [
    r.id,
    r.paymentHash,
    r.paymentRequest,
    r.amountMsat,
    decimalParam(r.amountEur),
    decimalParam(r.rate),
    r.rateSource,
    r.rateFetchedAt,
    r.description,
    jsonParam(r.metadata),
    r.status,
    r.isHold,
    r.addIndex,
    r.settleIndex,
    r.amountPaidMsat,
    r.idempotencyKey,
    r.preimage,
    r.createdAt,
    r.expiresAt,
    r.settledAt,
    r.closedAt,
    r.nodePubkey ?? null,
  ];
}

function toSet(patch: InvoicePatch): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.settleIndex !== undefined) set.settle_index = patch.settleIndex;
  if (patch.amountPaidMsat !== undefined) set.amount_paid_msat = patch.amountPaidMsat;
  if (patch.settledAt !== undefined) set.settled_at = patch.settledAt;
  if (patch.closedAt !== undefined) set.closed_at = patch.closedAt;
  if (patch.addIndex !== undefined) set.add_index = patch.addIndex;
  return set;
}

/** The fixed statements of the invoice repository in quoted schema `s`. */
export function invoiceStatements(
  s: string,
): Readonly<Record<'insert' | 'byId' | 'byHash' | 'byKey' | 'expired', Statement>> {
  const select = `SELECT ${list(INVOICE_COLUMNS)} FROM ${s}.invoices`;
  return {
    insert: statement(insertSql(`${s}.invoices`, INVOICE_COLUMNS)),
    byId: statement(`${select} WHERE id = $1`),
    byHash: statement(`${select} WHERE payment_hash = $1`),
    byKey: statement(`${select} WHERE idempotency_key = $1`),
    expired: statement(`${select} WHERE status = 'open' AND expires_at <= $1 ORDER BY expires_at ASC, id ASC LIMIT $2`),
  };
}

/** Creates the invoice repository on `env`. */
export function createPostgresInvoiceRepository(
  env: RepositoryEnv,
  sql: ReturnType<typeof invoiceStatements>,
): InvoiceRepository {
  const one = async (s: Statement, value: string): Promise<InvoiceRecord | undefined> => {
    const [row] = await run(env, s, [value]);
    return row && toInvoice(row);
  };
  return {
    async insert(invoice) {
      const rows = await run(env, sql.insert, insertValues(invoice));
      if (rows.length === 0) throw conflict('invoices', 'id, payment hash or idempotency key');
    },
    get: (id) => one(sql.byId, id),
    getByPaymentHash: (paymentHash) => one(sql.byHash, paymentHash),
    getByIdempotencyKey: (key) => one(sql.byKey, key),
    async list(query: InvoiceListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      const values = {
        createdAfter: query.createdAfter,
        createdBefore: query.createdBefore,
        afterAt: after && new Date(after.createdAtMs),
        afterId: after?.id,
      };
      const arm = (status: string | undefined, v: typeof values) => {
        let q = env.db.selectFrom('invoices').select(INVOICE_COLUMNS);
        if (status !== undefined) q = q.where('status', '=', status);
        // A literal, so that the partial `WHERE is_hold` indexes match.
        if (query.isHold !== undefined) q = q.where('is_hold', '=', raw.lit(query.isHold));
        if (v.createdAfter !== undefined) q = q.where('created_at', '>=', v.createdAfter);
        if (v.createdBefore !== undefined) q = q.where('created_at', '<', v.createdBefore);
        if (v.afterAt !== undefined && v.afterId !== undefined)
          q = q.where(({ eb, refTuple, tuple }) =>
            eb(refTuple('created_at', 'id'), '<', tuple(v.afterAt!, v.afterId!)),
          );
        return q;
      };
      const shape = `invoices|hold=${query.isHold}`;
      const compiled = compileNewestFirst(env, shape, values, statuses, arm, limit + 1);
      return toPage((await runCompiled(env, compiled)).map(toInvoice), limit);
    },
    async update(id, patch, options) {
      const from = options?.fromStatus;
      if (from?.length === 0) return undefined;
      const { text, values } = updateSql(`${env.schema}.invoices`, INVOICE_COLUMNS, id, toSet(patch), from);
      const [row] = await runDynamic(env, text, values);
      return row && toInvoice(row);
    },
    async listExpired(now, limit) {
      const rows = await run(env, sql.expired, [now, resolveBatchLimit(limit)]);
      return rows.map(toInvoice);
    },
  };
}
