/**
 * The memory store's payment and checkpoint repositories, over a set of {@link Tables}.
 */
import type { Payment } from '../../domain/payment.js';
import { StoreConflictError } from '../../errors.js';
import type { CheckpointRepository, PaymentListQuery, PaymentRepository } from '../store.js';
import { compareNewestFirst, decodeCursor, isAfterCursor, resolvePageLimit, statusList, toPage } from '../paging.js';
import { copyPayment, definedEntries } from './copy.js';
import type { Tables } from './tables.js';

/** Creates the payment repository over `tables`. */
export function createMemoryPaymentRepository(tables: Tables): PaymentRepository {
  const rows = tables.payments;
  const find = (predicate: (p: Payment) => boolean): Payment | undefined => {
    for (const row of rows.values()) if (predicate(row)) return row;
    return undefined;
  };
  return {
    async insert(payment) {
      const record = copyPayment(payment);
      if (rows.has(record.id)) throw new StoreConflictError(`payments: duplicate id ${record.id}`);
      if (find((p) => p.direction === record.direction && p.paymentHash === record.paymentHash)) {
        throw new StoreConflictError(`payments: duplicate (direction, payment hash) for direction ${record.direction}`);
      }
      if (record.idempotencyKey !== null && find((p) => p.idempotencyKey === record.idempotencyKey)) {
        throw new StoreConflictError('payments: duplicate idempotency key');
      }
      rows.set(record.id, record);
    },
    async get(id) {
      const row = rows.get(id);
      return row && copyPayment(row);
    },
    async getByPaymentHash(paymentHash, direction) {
      const row = find((p) => p.paymentHash === paymentHash && p.direction === direction);
      return row && copyPayment(row);
    },
    async getByIdempotencyKey(key) {
      const row = find((p) => p.idempotencyKey === key);
      return row && copyPayment(row);
    },
    async list(query: PaymentListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      const matching = [...rows.values()].filter(
        (p) =>
          (query.direction === undefined || p.direction === query.direction) &&
          (statuses === undefined || statuses.includes(p.status)) &&
          (after === undefined || isAfterCursor(p, after)),
      );
      matching.sort(compareNewestFirst);
      return toPage(matching.slice(0, limit + 1).map(copyPayment), limit);
    },
    async update(id, patch, options) {
      const row = rows.get(id);
      if (!row) return undefined;
      if (options?.fromStatus && !options.fromStatus.includes(row.status)) return undefined;
      const next = copyPayment({ ...row, ...definedEntries(patch) });
      rows.set(id, next);
      return copyPayment(next);
    },
  };
}

/** Creates the checkpoint repository over `tables`. */
export function createMemoryCheckpointRepository(tables: Tables): CheckpointRepository {
  const rows = tables.checkpoints;
  return {
    async get(name) {
      return rows.get(name);
    },
    async advance(name, value) {
      const current = rows.get(name);
      const next = current === undefined || value > current ? value : current;
      rows.set(name, next);
      return next;
    },
    async reset(name, value) {
      rows.set(name, value);
      return value;
    },
  };
}
