/**
 * The SQLite `payments.recordIncoming`: a settlement in two statements. The invoice UPDATE carries
 * the "no incoming payment yet" guard itself (NOT EXISTS on the payments unique index), so a replay
 * changes nothing, and the payment INSERT is guarded by that unique index (ON CONFLICT DO NOTHING).
 * Only when the UPDATE matched nothing (a replay, an invoice not open, or no invoice) does a SELECT
 * find the invoice as it is.
 */
import type { Selectable } from 'kysely';
import type { IncomingSettlementInput, IncomingSettlementResult } from '../store.js';
import type { SqliteContext } from './context.js';
import { INVOICE_COLUMNS, invoiceRowOf, toSet } from './invoice-repository.js';
import { PAYMENT_COLUMNS, paymentValues } from './payment-repository.js';
import { toInvoice } from './rows.js';
import type { InvoicesTable } from './schema.js';

type InvoiceRow = Selectable<InvoicesTable>;

const BY_HASH = `SELECT ${INVOICE_COLUMNS.join(', ')} FROM invoices WHERE payment_hash = ?`;

/**
 * The payment INSERT guarded by the (direction, payment_hash) unique index (positional parameters),
 * and where the direction and the invoice id sit among them. Built on first use: payment-repository.ts
 * imports this module, so its PAYMENT_COLUMNS is not there yet when this one loads.
 */
let insert: { readonly sql: string; readonly direction: number; readonly invoiceId: number } | null = null;
function insertIfAbsent(): NonNullable<typeof insert> {
  return (insert ??= {
    sql: `INSERT INTO payments (${PAYMENT_COLUMNS.join(', ')}) VALUES (${PAYMENT_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (direction, payment_hash) DO NOTHING`,
    direction: PAYMENT_COLUMNS.indexOf('direction'),
    invoiceId: PAYMENT_COLUMNS.indexOf('invoice_id'),
  });
}

/** The settle statements built so far, by SET columns and number of statuses. */
const texts = new Map<string, string>();

/**
 * `UPDATE invoices SET … WHERE payment_hash = ? AND status IN (…) AND NOT EXISTS (incoming payment)
 * RETURNING <columns>` with positional parameters (the SET values in `columns` order, the hash, the
 * statuses, the hash again), read as an array: better-sqlite3's row object of 22 columns is a
 * dictionary-mode object several times the size of the fixed-shape row {@link invoiceRowOf} makes.
 */
function settleSql(columns: readonly string[], statuses: number): string {
  const key = `${columns.join(',')}|${statuses}`;
  let sql = texts.get(key);
  if (sql === undefined) {
    sql = `UPDATE invoices SET ${columns.map((c) => `${c} = ?`).join(', ')}
     WHERE payment_hash = ? AND status IN (${Array.from({ length: statuses }, () => '?').join(', ')})
       AND NOT EXISTS (SELECT 1 FROM payments WHERE direction = 'in' AND payment_hash = ?)
     RETURNING ${INVOICE_COLUMNS.join(', ')}`;
    texts.set(key, sql);
  }
  return sql;
}

/** Records one incoming settlement on `ctx` (inside its transaction). */
export function recordIncoming(
  ctx: SqliteContext,
  input: IncomingSettlementInput,
): Promise<IncomingSettlementResult | null> {
  const { payment, invoicePatch, fromStatus } = input;
  const hash = payment.paymentHash;
  // Both statements run back to back on the held connection, inside the caller's transaction.
  return ctx.hold(() => {
    let row: InvoiceRow | undefined;
    let updated = false;
    const set = toSet(invoicePatch) as Record<string, unknown>;
    // toSet adds the columns in a fixed order, so the same patch fields give the same statement.
    const columns = Object.keys(set);
    if (columns.length > 0 && fromStatus.length > 0) {
      const params: unknown[] = [];
      for (const column of columns) params.push(set[column]);
      params.push(hash, ...fromStatus, hash);
      const values = ctx.rawStatement(settleSql(columns, fromStatus.length)).get(params) as unknown[] | undefined;
      row = values && invoiceRowOf(values);
      updated = row !== undefined;
    }
    if (row === undefined) {
      const values = ctx.rawStatement(BY_HASH).get(hash) as unknown[] | undefined;
      row = values && invoiceRowOf(values);
    }
    // When the UPDATE matched, no incoming payment existed (its NOT EXISTS guard, same transaction),
    // so this INSERT cannot conflict; when it did not, a conflict means "recorded already".
    const values = paymentValues(payment);
    const { sql, direction, invoiceId } = insertIfAbsent();
    values[direction] = 'in';
    values[invoiceId] = row?.id ?? null;
    const inserted = ctx.statement(sql).run(values);
    if (inserted.changes === 0) return null;
    return { invoice: row && toInvoice(row), updated };
  });
}
