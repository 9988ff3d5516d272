/**
 * The SQLite invoice repository.
 */
import type { Insertable, Updateable } from 'kysely';
import type { InvoiceListQuery, InvoicePatch, InvoiceRecord, InvoiceRepository } from '../store.js';
import { decodeCursor, resolveBatchLimit, resolvePageLimit, statusList, toPage } from '../paging.js';
import type { SqliteContext } from './context.js';
import { decimalText, jsonText, maybeMs, ms, toInvoice, msKey } from './rows.js';
import type { InvoicesTable } from './schema.js';

function toRow(r: InvoiceRecord): Insertable<InvoicesTable> {
  return {
    id: r.id,
    payment_hash: r.paymentHash,
    payment_request: r.paymentRequest,
    amount_msat: r.amountMsat,
    amount_eur: decimalText(r.amountEur),
    rate: decimalText(r.rate),
    rate_source: r.rateSource,
    rate_fetched_at: maybeMs(r.rateFetchedAt),
    description: r.description,
    metadata: jsonText(r.metadata),
    status: r.status,
    is_hold: r.isHold ? 1 : 0,
    add_index: r.addIndex,
    settle_index: r.settleIndex,
    amount_paid_msat: r.amountPaidMsat,
    idempotency_key: r.idempotencyKey,
    preimage: r.preimage,
    created_at: ms(r.createdAt),
    expires_at: ms(r.expiresAt),
    settled_at: maybeMs(r.settledAt),
    closed_at: maybeMs(r.closedAt),
  };
}

function toSet(patch: InvoicePatch): Updateable<InvoicesTable> {
  const set: Updateable<InvoicesTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.settleIndex !== undefined) set.settle_index = patch.settleIndex;
  if (patch.amountPaidMsat !== undefined) set.amount_paid_msat = patch.amountPaidMsat;
  if (patch.settledAt !== undefined) set.settled_at = maybeMs(patch.settledAt);
  if (patch.closedAt !== undefined) set.closed_at = maybeMs(patch.closedAt);
  if (patch.addIndex !== undefined) set.add_index = patch.addIndex;
  return set;
}

/** Creates the invoice repository on `ctx`. */
export function createSqliteInvoiceRepository(ctx: SqliteContext): InvoiceRepository {
  const { db } = ctx;
  return {
    async insert(invoice) {
      await db.insertInto('invoices').values(toRow(invoice)).execute();
    },
    async get(id) {
      const row = await db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toInvoice(row);
    },
    async getByPaymentHash(paymentHash) {
      const row = await db.selectFrom('invoices').selectAll().where('payment_hash', '=', paymentHash).executeTakeFirst();
      return row && toInvoice(row);
    },
    async getByIdempotencyKey(key) {
      const row = await db.selectFrom('invoices').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
      return row && toInvoice(row);
    },
    async list(query: InvoiceListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      let q = db.selectFrom('invoices').selectAll();
      if (statuses) q = q.where('status', 'in', statuses);
      if (query.isHold !== undefined) q = q.where('is_hold', '=', query.isHold ? 1n : 0n);
      if (query.createdAfter) q = q.where('created_at', '>=', msKey(query.createdAfter));
      if (query.createdBefore) q = q.where('created_at', '<', msKey(query.createdBefore));
      if (after) q = q.where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'id'), '<', tuple(msKey(after.createdAtMs), after.id)));
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      return toPage(rows.map(toInvoice), limit);
    },
    async update(id, patch, options) {
      const from = options?.fromStatus;
      if (from?.length === 0) return undefined;
      const set = toSet(patch);
      if (Object.keys(set).length === 0) {
        let q = db.selectFrom('invoices').selectAll().where('id', '=', id);
        if (from) q = q.where('status', 'in', from);
        const row = await q.executeTakeFirst();
        return row && toInvoice(row);
      }
      let q = db.updateTable('invoices').set(set).where('id', '=', id);
      if (from) q = q.where('status', 'in', from);
      const row = await q.returningAll().executeTakeFirst();
      return row && toInvoice(row);
    },
    async listExpired(now, limit) {
      const rows = await db
        .selectFrom('invoices')
        .selectAll()
        .where('status', '=', 'open')
        .where('expires_at', '<=', msKey(now))
        .orderBy('expires_at', 'asc')
        .orderBy('id', 'asc')
        .limit(resolveBatchLimit(limit))
        .execute();
      return rows.map(toInvoice);
    },
  };
}
