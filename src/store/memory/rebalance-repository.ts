/**
 * The memory store's rebalance repository, over a set of {@link Tables}.
 */
import type { Rebalance } from '../../domain/rebalance.js';
import { StoreConflictError } from '../../errors.js';
import type { RebalanceListQuery, RebalanceRepository } from '../store.js';
import { compareNewestFirst, decodeCursor, isAfterCursor, resolvePageLimit, statusList, toPage } from '../paging.js';
import { definedEntries } from './copy.js';
import type { Tables } from './tables.js';

const date = (d: Date): Date => new Date(d.getTime());

/** A frozen copy of a rebalance. */
export function copyRebalance(r: Rebalance): Rebalance {
  return Object.freeze({
    ...r,
    createdAt: date(r.createdAt),
    updatedAt: date(r.updatedAt),
    completedAt: r.completedAt === null ? null : date(r.completedAt),
  });
}

/** Creates the rebalance repository over `tables`. */
export function createMemoryRebalanceRepository(tables: Tables): RebalanceRepository {
  const rows = tables.rebalances;
  const find = (predicate: (r: Rebalance) => boolean): Rebalance | undefined => {
    for (const row of rows.values()) if (predicate(row)) return row;
    return undefined;
  };
  const out = (row: Rebalance | undefined): Rebalance | undefined => row && copyRebalance(row);
  return {
    async insert(rebalance) {
      const record = copyRebalance(rebalance);
      if (rows.has(record.id)) throw new StoreConflictError(`rebalances: duplicate id ${record.id}`);
      if (record.idempotencyKey !== null && find((r) => r.idempotencyKey === record.idempotencyKey))
        throw new StoreConflictError('rebalances: duplicate idempotency key');
      if (record.paymentHash !== null && find((r) => r.paymentHash === record.paymentHash))
        throw new StoreConflictError('rebalances: duplicate payment hash');
      rows.set(record.id, record);
    },
    get: async (id) => out(rows.get(id)),
    getByIdempotencyKey: async (key) => out(find((r) => r.idempotencyKey === key)),
    getByPaymentHash: async (hash) => out(find((r) => r.paymentHash === hash)),
    async list(query: RebalanceListQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      const matching = [...rows.values()].filter(
        (r) =>
          (statuses === undefined || statuses.includes(r.status)) && (after === undefined || isAfterCursor(r, after)),
      );
      matching.sort(compareNewestFirst);
      return toPage(matching.slice(0, limit + 1).map(copyRebalance), limit);
    },
    async update(id, patch, options) {
      const row = rows.get(id);
      if (!row) return undefined;
      if (options?.fromStatus && !options.fromStatus.includes(row.status)) return undefined;
      const next = copyRebalance({ ...row, ...definedEntries(patch) });
      rows.set(id, next);
      return copyRebalance(next);
    },
    async sumFeesSince(since) {
      let total = 0n;
      for (const r of rows.values())
        if (r.status === 'succeeded' && r.completedAt !== null && r.completedAt.getTime() >= since.getTime())
          total += r.feeMsat;
      return total;
    },
  };
}
