/**
 * The optional maintenance side of the Store port (#18): row counts and oldest rows per table,
 * and retention in small batches. Types only. A store without `maintenance` is never pruned and
 * reports no table figures; lnkit's memory, SQLite and PostgreSQL stores all have it.
 *
 * Settled invoices and payments are never removed by lnkit: no {@link PruneTarget} reaches them.
 */

/**
 * What retention may remove.
 * - `webhookEvents`: webhook events none of whose deliveries is still pending, and whose last
 *   delivery change (`updatedAt`, the final attempt) is older than the cutoff — with their
 *   deliveries and attempt log. An event without deliveries counts from its `createdAt`.
 * - `unpaidInvoices`: invoices `expired` or `cancelled` before the cutoff (`closedAt`) that never
 *   received a payment (no `amountPaidMsat`, no incoming payment row with their hash).
 * - `eventLog`: the head of the event log — entries created before the cutoff that every stored
 *   consumer cursor has passed (seq ≤ the lowest cursor; no cursor: no constraint), removed oldest
 *   first and only as an unbroken run from the start of the log (the first entry that must stay
 *   ends the batch), never the newest entry (`latestSeq()` stays right). An item is one entry.
 */
export type PruneTarget = 'webhookEvents' | 'unpaidInvoices' | 'eventLog';

/** Row count and oldest retained row of one table. */
export interface TableStats {
  /** The table (SQL name; the memory store uses the same names). */
  readonly table: string;
  readonly rows: number;
  /**
   * Creation time of the oldest row (`created_at`; `at` for attempts; the lowest seq's `created_at`
   * for the event log); null when empty or timeless.
   */
  readonly oldestAt: Date | null;
}

/** Store maintenance: statistics and retention. */
export interface StoreMaintenance {
  /**
   * Row count and oldest row of every table lnkit writes, in a fixed order. Counts every row, so on
   * a large store it takes a while (about 0.1 s per million rows): call it from a periodic job.
   */
  tableStats(): Promise<readonly TableStats[]>;
  /**
   * Removes, in one short transaction, at most `limit` of the oldest items of `target` that
   * retention may remove with the given cutoff (see {@link PruneTarget}). Idempotent: items already
   * gone are not counted.
   * @returns how many items (events, invoices or event-log entries) were removed; 0 when none is left
   * @throws {ValidationError} when `target` is unknown, `before` is not a valid Date or `limit` is
   *   not a positive integer
   */
  prune(target: PruneTarget, before: Date, limit: number): Promise<number>;
  /**
   * How many items `prune(target, before, …)` would remove in all (a dry run). Reads every
   * candidate: seconds on a large store.
   * @throws {ValidationError} like {@link StoreMaintenance.prune}
   */
  countPrunable(target: PruneTarget, before: Date): Promise<number>;
  /**
   * Optional: gives free pages back to the file system, at most `maxPages` per call, holding the
   * write lock briefly (SQLite `PRAGMA incremental_vacuum`). Default (absent): nothing to do.
   * @returns pages released
   */
  reclaimSpace?(maxPages: number): Promise<number>;
  /** Optional: bytes the store uses on disk (tables and indexes). Default (absent): unknown. */
  sizeBytes?(): Promise<number>;
  /**
   * Optional: a full compaction (SQLite `VACUUM`, PostgreSQL `VACUUM (ANALYZE)`). Blocks writers
   * on SQLite for as long as it takes: an operator's command, never run by lnkit on its own.
   */
  vacuum?(): Promise<void>;
  /**
   * Optional: integrity check and presence of every index lnkit's queries rely on.
   * @returns the problems found; empty when healthy
   */
  check?(): Promise<readonly string[]>;
}
