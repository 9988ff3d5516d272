/**
 * The SQLite invoice repository.
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { InvoiceListQuery, InvoicePatch, InvoiceRecord, InvoiceRepository } from '../store.js';
import { decodeCursor, resolveBatchLimit, resolvePageLimit, statusList, toPage } from '../paging.js';
import { insertSql, updateSql, type SqliteContext } from './context.js';
import { decimalText, jsonText, maybeMs, ms, toInvoice, msKey } from './rows.js';
import type { InvoicesTable } from './schema.js';
import { unionOfArms } from './list-arms.js';

/** Maps a record to its row (column → value). */
export function toRow(r: InvoiceRecord): Insertable<InvoicesTable> {
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
    node_pubkey: r.nodePubkey ?? null,
  };
}

/** The SET columns of `patch`. */
export function toSet(patch: InvoicePatch): Updateable<InvoicesTable> {
  const set: Updateable<InvoicesTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.settleIndex !== undefined) set.settle_index = patch.settleIndex;
  if (patch.amountPaidMsat !== undefined) set.amount_paid_msat = patch.amountPaidMsat;
  if (patch.settledAt !== undefined) set.settled_at = maybeMs(patch.settledAt);
  if (patch.closedAt !== undefined) set.closed_at = maybeMs(patch.closedAt);
  if (patch.addIndex !== undefined) set.add_index = patch.addIndex;
  return set;
}

type Row = Selectable<InvoicesTable>;

/** Every column, in insert order (the keys of `toRow`). */
export const INVOICE_COLUMNS = [
  'id',
  'payment_hash',
  'payment_request',
  'amount_msat',
  'amount_eur',
  'rate',
  'rate_source',
  'rate_fetched_at',
  'description',
  'metadata',
  'status',
  'is_hold',
  'add_index',
  'settle_index',
  'amount_paid_msat',
  'idempotency_key',
  'preimage',
  'created_at',
  'expires_at',
  'settled_at',
  'closed_at',
  'node_pubkey',
] as const;

/**
 * A list row read as an array (values in {@link INVOICE_COLUMNS} order) as the row object the mapper
 * reads: a fixed-shape literal, a fraction of the size of the row object better-sqlite3 makes.
 */
export const invoiceRowOf = (v: readonly unknown[]): Row =>
  ({
    id: v[0],
    payment_hash: v[1],
    payment_request: v[2],
    amount_msat: v[3],
    amount_eur: v[4],
    rate: v[5],
    rate_source: v[6],
    rate_fetched_at: v[7],
    description: v[8],
    metadata: v[9],
    status: v[10],
    is_hold: v[11],
    add_index: v[12],
    settle_index: v[13],
    amount_paid_msat: v[14],
    idempotency_key: v[15],
    preimage: v[16],
    created_at: v[17],
    expires_at: v[18],
    settled_at: v[19],
    closed_at: v[20],
    node_pubkey: v[21],
  }) as Row;

const INSERT = insertSql('invoices', INVOICE_COLUMNS);
const BY_ID = 'SELECT * FROM invoices WHERE id = ?';
const BY_HASH = 'SELECT * FROM invoices WHERE payment_hash = ?';
const BY_KEY = 'SELECT * FROM invoices WHERE idempotency_key = ?';
// 'open' is a literal so that the partial index invoices_open_expires_idx matches.
const EXPIRED = `SELECT ${INVOICE_COLUMNS.join(', ')} FROM invoices WHERE status = 'open' AND expires_at <= ?
  ORDER BY expires_at ASC, id ASC LIMIT ?`;

/** Creates the invoice repository on `ctx`. */
export function createSqliteInvoiceRepository(ctx: SqliteContext): InvoiceRepository {
  const { db } = ctx;
  const one = async (text: string, value: string): Promise<InvoiceRecord | undefined> => {
    const row = await ctx.hold(() => ctx.statement(text).get(value) as Row | undefined);
    return row && toInvoice(row);
  };
  return {
    async insert(invoice) {
      const row = toRow(invoice);
      await ctx.hold(() => ctx.statement(INSERT).run(row));
    },
    get: (id) => one(BY_ID, id),
    getByPaymentHash: (paymentHash) => one(BY_HASH, paymentHash),
    getByIdempotencyKey: (key) => one(BY_KEY, key),
    async list(query: InvoiceListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      const arm = (status: string | undefined) => {
        let q = db.selectFrom('invoices').select(INVOICE_COLUMNS);
        if (status !== undefined) q = q.where('status', '=', status);
        // A literal, so that the partial `WHERE is_hold = 1` indexes match.
        if (query.isHold !== undefined) q = q.where(sql<boolean>`is_hold = ${sql.lit(query.isHold ? 1 : 0)}`);
        if (query.createdAfter) q = q.where('created_at', '>=', msKey(query.createdAfter));
        if (query.createdBefore) q = q.where('created_at', '<', msKey(query.createdBefore));
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
        rows.map((v) => toInvoice(invoiceRowOf(v))),
        limit,
      );
    },
    async update(id, patch, options) {
      const from = options?.fromStatus;
      if (from?.length === 0) return undefined;
      const { sql, params } = updateSql('invoices', toSet(patch), from);
      const row = await ctx.hold(() => ctx.statement(sql).get({ ...params, id }) as Row | undefined);
      return row && toInvoice(row);
    },
    async listExpired(now, limit) {
      const max = resolveBatchLimit(limit);
      const rows = await ctx.hold(() => ctx.rawStatement(EXPIRED).all(msKey(now), max) as unknown[][]);
      return rows.map((v) => toInvoice(invoiceRowOf(v)));
    },
  };
}
