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
import { PAYMENT_COLUMNS, toRow as toPaymentRow } from './payment-repository.js';
import { toInvoice } from './rows.js';
import type { InvoicesTable } from './schema.js';

type InvoiceRow = Selectable<InvoicesTable>;

const BY_HASH = `SELECT ${INVOICE_COLUMNS.join(', ')} FROM invoices WHERE payment_hash = ?`;
const texts: Record<string, string> = {};

/** The payment INSERT guarded by the (direction, payment_hash) unique index. Built on first use. */
function insertIfAbsentSql(): string {
  return (texts.insert ??= `INSERT INTO payments (${PAYMENT_COLUMNS.join(', ')}) VALUES (${PAYMENT_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (direction, payment_hash) DO NOTHING`);
}

/**
 * `UPDATE invoices SET … WHERE payment_hash = @hash AND status IN (…) AND NOT EXISTS (incoming payment)
 * RETURNING <columns>`, read as an array: better-sqlite3's row object of 22 columns is a dictionary-mode
 * object several times the size of the fixed-shape row {@link invoiceRowOf} makes, once per settlement.
 */
function settleSql(columns: readonly string[], statuses: number): string {
  const key = `settle|${columns.join(',')}|${statuses}`;
  return (texts[key] ??= `UPDATE invoices SET ${columns.map((c) => `${c} = @${c}`).join(', ')}
     WHERE payment_hash = @hash AND status IN (${Array.from({ length: statuses }, (_, i) => `@from${i}`).join(', ')})
       AND NOT EXISTS (SELECT 1 FROM payments WHERE direction = 'in' AND payment_hash = @hash)
     RETURNING ${INVOICE_COLUMNS.join(', ')}`);
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
    const columns = Object.keys(set).sort();
    if (columns.length > 0 && fromStatus.length > 0) {
      const params: Record<string, unknown> = { ...set, hash };
      for (let i = 0; i < fromStatus.length; i++) params[`from${i}`] = fromStatus[i];
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
    // Positional parameters: binding 17 named ones costs a property lookup each.
    const values = toPaymentRow({ ...payment, direction: 'in', invoiceId: row?.id ?? null }) as Record<string, unknown>;
    const inserted = ctx.statement(insertIfAbsentSql()).run(PAYMENT_COLUMNS.map((c) => values[c] ?? null));
    if (inserted.changes === 0) return null;
    return { invoice: row && toInvoice(row), updated };
  });
}
