/**
 * Memory store maintenance (#18): the same statistics and retention rules as the SQL stores, on
 * the committed Maps, each prune batch run exclusively (queued like a transaction).
 */
import type { PruneTarget, StoreMaintenance, TableStats } from '../maintenance.js';
import { checkPruneInput } from '../prune-input.js';
import type { CommittedTables } from './tables.js';

/** Creates the maintenance side of a memory store; `exclusive` queues work like a transaction. */
export function createMemoryMaintenance(
  tables: CommittedTables,
  exclusive: <T>(fn: () => T) => Promise<T>,
): StoreMaintenance {
  const byAge = <T extends { readonly id: string }>(rows: T[], at: (row: T) => number): T[] =>
    rows.sort((a, b) => at(a) - at(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  function prunableEvents(before: number): string[] {
    const deliveries = new Map<string, { pending: boolean; last: number }>();
    for (const d of tables.deliveries.values()) {
      const seen = deliveries.get(d.eventId) ?? { pending: false, last: -Infinity };
      seen.pending ||= d.status === 'pending';
      seen.last = Math.max(seen.last, d.updatedAt.getTime());
      deliveries.set(d.eventId, seen);
    }
    const events = [...tables.events.values()].filter((e) => {
      const d = deliveries.get(e.id);
      return e.createdAt.getTime() < before && (d === undefined || (!d.pending && d.last < before));
    });
    return byAge(events, (e) => e.createdAt.getTime()).map((e) => e.id);
  }

  function prunableInvoices(before: number): string[] {
    const paidHashes = new Set(
      [...tables.payments.values()].filter((p) => p.direction === 'in').map((p) => p.paymentHash),
    );
    const invoices = [...tables.invoices.values()].filter(
      (i) =>
        (i.status === 'expired' || i.status === 'cancelled') &&
        i.createdAt.getTime() < before &&
        i.closedAt !== null &&
        i.closedAt.getTime() < before &&
        i.amountPaidMsat === null &&
        !paidHashes.has(i.paymentHash),
    );
    return byAge(invoices, (i) => i.createdAt.getTime()).map((i) => i.id);
  }

  /** Keys of the event log's head that may go (see PruneTarget `eventLog`), oldest first. */
  function prunableLog(before: number): string[] {
    const latest = tables.eventSeq.get('seq') ?? 0n;
    let bound = latest - 1n;
    for (const seq of tables.eventCursors.values()) if (seq < bound) bound = seq;
    const head = [...tables.eventLog.values()]
      .filter((r) => r.seq <= bound)
      .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    const keys: string[] = [];
    for (const record of head) {
      if (record.createdAt.getTime() >= before) break;
      keys.push(record.seq.toString());
    }
    return keys;
  }

  const candidates = (target: PruneTarget, before: Date) =>
    target === 'webhookEvents'
      ? prunableEvents(before.getTime())
      : target === 'eventLog'
        ? prunableLog(before.getTime())
        : prunableInvoices(before.getTime());

  function oldestLogEntry(): Date | null {
    let first: { seq: bigint; createdAt: Date } | null = null;
    for (const r of tables.eventLog.values()) if (first === null || r.seq < first.seq) first = r;
    return first && new Date(first.createdAt.getTime());
  }

  function oldest(rows: Iterable<{ readonly createdAt: Date }>): Date | null {
    let min: number | null = null;
    for (const r of rows) if (min === null || r.createdAt.getTime() < min) min = r.createdAt.getTime();
    return min === null ? null : new Date(min);
  }

  return {
    async tableStats() {
      const attempts = [...tables.attempts.values()].map((a) => ({ createdAt: a.at }));
      const stats: TableStats[] = [
        { table: 'invoices', rows: tables.invoices.size, oldestAt: oldest(tables.invoices.values()) },
        { table: 'payments', rows: tables.payments.size, oldestAt: oldest(tables.payments.values()) },
        { table: 'checkpoints', rows: tables.checkpoints.size, oldestAt: null },
        { table: 'webhook_endpoints', rows: tables.endpoints.size, oldestAt: oldest(tables.endpoints.values()) },
        { table: 'webhook_events', rows: tables.events.size, oldestAt: oldest(tables.events.values()) },
        { table: 'webhook_deliveries', rows: tables.deliveries.size, oldestAt: oldest(tables.deliveries.values()) },
        { table: 'webhook_attempts', rows: attempts.length, oldestAt: oldest(attempts) },
        { table: 'event_log', rows: tables.eventLog.size, oldestAt: oldestLogEntry() },
        { table: 'rebalances', rows: tables.rebalances.size, oldestAt: oldest(tables.rebalances.values()) },
      ];
      return stats;
    },
    async prune(target, before, limit) {
      checkPruneInput(target, before, limit);
      return exclusive(() => {
        const ids = candidates(target, before).slice(0, limit);
        if (target === 'eventLog') {
          for (const key of ids) tables.eventLog.delete(key);
          return ids.length;
        }
        if (target === 'unpaidInvoices') {
          for (const id of ids) tables.invoices.delete(id);
          return ids.length;
        }
        const doomed = new Set(ids);
        const deliveries = new Set<string>();
        for (const d of tables.deliveries.values()) if (doomed.has(d.eventId)) deliveries.add(d.id);
        for (const a of [...tables.attempts.values()]) if (deliveries.has(a.deliveryId)) tables.attempts.delete(a.id);
        for (const id of deliveries) tables.deliveries.delete(id);
        for (const id of ids) tables.events.delete(id);
        return ids.length;
      });
    },
    async countPrunable(target, before) {
      checkPruneInput(target, before);
      return candidates(target, before).length;
    },
  };
}
