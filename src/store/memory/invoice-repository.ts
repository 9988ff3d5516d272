/**
 * The memory store's invoice repository, over a set of {@link Tables}.
 */
import { StoreConflictError } from '../../errors.js';
import type { InvoiceListQuery, InvoiceRecord, InvoiceRepository } from '../store.js';
import {
  compareNewestFirst,
  decodeCursor,
  isAfterCursor,
  resolveBatchLimit,
  resolvePageLimit,
  statusList,
  toPage,
} from '../paging.js';
import { copyInvoice, definedEntries } from './copy.js';
import type { Tables } from './tables.js';

/** Creates the invoice repository over `tables`. */
export function createMemoryInvoiceRepository(tables: Tables): InvoiceRepository {
  const rows = tables.invoices;
  const find = (predicate: (r: InvoiceRecord) => boolean): InvoiceRecord | undefined => {
    for (const row of rows.values()) if (predicate(row)) return row;
    return undefined;
  };
  return {
    async insert(invoice) {
      const record = copyInvoice(invoice);
      if (rows.has(record.id)) throw new StoreConflictError(`invoices: duplicate id ${record.id}`);
      if (find((r) => r.paymentHash === record.paymentHash))
        throw new StoreConflictError('invoices: duplicate payment hash');
      if (record.idempotencyKey !== null && find((r) => r.idempotencyKey === record.idempotencyKey)) {
        throw new StoreConflictError('invoices: duplicate idempotency key');
      }
      rows.set(record.id, record);
    },
    async get(id) {
      const row = rows.get(id);
      return row && copyInvoice(row);
    },
    async getByPaymentHash(paymentHash) {
      const row = find((r) => r.paymentHash === paymentHash);
      return row && copyInvoice(row);
    },
    async getByIdempotencyKey(key) {
      const row = find((r) => r.idempotencyKey === key);
      return row && copyInvoice(row);
    },
    async list(query: InvoiceListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      const from = query.createdAfter?.getTime();
      const before = query.createdBefore?.getTime();
      const matching = [...rows.values()].filter((r) => {
        const t = r.createdAt.getTime();
        return (
          (statuses === undefined || statuses.includes(r.status)) &&
          (query.isHold === undefined || r.isHold === query.isHold) &&
          (from === undefined || t >= from) &&
          (before === undefined || t < before) &&
          (after === undefined || isAfterCursor(r, after))
        );
      });
      matching.sort(compareNewestFirst);
      return toPage(matching.slice(0, limit + 1).map(copyInvoice), limit);
    },
    async update(id, patch, options) {
      const row = rows.get(id);
      if (!row) return undefined;
      if (options?.fromStatus && !options.fromStatus.includes(row.status)) return undefined;
      const next = copyInvoice({ ...row, ...definedEntries(patch) });
      rows.set(id, next);
      return copyInvoice(next);
    },
    async listExpired(now, limit) {
      const max = resolveBatchLimit(limit);
      const t = now.getTime();
      return [...rows.values()]
        .filter((r) => r.status === 'open' && r.expiresAt.getTime() <= t)
        .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, max)
        .map(copyInvoice);
    },
  };
}
