/**
 * SQLite store maintenance (#18): table statistics, retention batches, incremental vacuum, size,
 * VACUUM and an integrity/index check. Each prune batch is one `BEGIN IMMEDIATE` transaction on the
 * store's single connection, so it queues with the app's writes and holds the write lock only for
 * the batch (the retention job sizes batches to stay near 20 ms).
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { PruneTarget, StoreMaintenance, TableStats } from '../maintenance.js';
import { checkPruneInput } from '../prune-input.js';
import { resolveBatchLimit } from '../paging.js';
import { runImmediate, type PrepareCached } from './context.js';
import { createSqliteMigrator } from './migrations/index.js';
import type { SqliteSchema } from './schema.js';

/** Tables lnkit writes, with the column their age is read from (null: attempts, see below). */
const TABLES: readonly (readonly [string, string | null])[] = [
  ['invoices', 'created_at'],
  ['payments', 'created_at'],
  ['checkpoints', null],
  ['webhook_endpoints', 'created_at'],
  ['webhook_events', 'created_at'],
  ['webhook_deliveries', 'created_at'],
  ['webhook_attempts', null],
  ['event_log', null],
  ['rebalances', 'created_at'],
];

// Counting reads every row of the smallest index: the one full walk lnkit does, on purpose.
const COUNT = (table: string) => `SELECT count(*) AS n FROM ${table} /* lnkit:counts-every-row */`;
const OLDEST = (table: string, column: string) => `SELECT min(${column}) AS t FROM ${table}`;
// webhook_attempts has no index on `at`: its oldest row is the first attempt of the oldest
// delivery (attempts come after their delivery is created and leave with it).
const OLDEST_ATTEMPT =
  'SELECT min(at) AS t FROM webhook_attempts WHERE delivery_id = (SELECT id FROM webhook_deliveries ORDER BY created_at, id LIMIT 1)';

// The event log's oldest row is its lowest seq (no index on created_at; seq follows time).
const OLDEST_LOG_ENTRY = 'SELECT created_at AS t FROM event_log WHERE seq = (SELECT min(seq) FROM event_log)';

const PRUNABLE_EVENTS = `FROM webhook_events WHERE created_at < @before AND NOT EXISTS (SELECT 1 FROM webhook_deliveries WHERE webhook_deliveries.event_id = webhook_events.id AND (webhook_deliveries.status = 'pending' OR webhook_deliveries.updated_at >= @before))`;
const unpaidArm = (status: string, columns: string) =>
  `SELECT ${columns} FROM invoices WHERE status = '${status}' AND created_at < @before AND closed_at < @before AND amount_paid_msat IS NULL AND NOT EXISTS (SELECT 1 FROM payments WHERE payments.direction = 'in' AND payments.payment_hash = invoices.payment_hash)`;

const SQL = {
  events: `SELECT id ${PRUNABLE_EVENTS} ORDER BY created_at, id LIMIT @limit`,
  eventsCount: `SELECT count(*) AS n ${PRUNABLE_EVENTS}`,
  deleteAttempts:
    'DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE event_id IN (SELECT value FROM json_each(@ids)))',
  deleteDeliveries: 'DELETE FROM webhook_deliveries WHERE event_id IN (SELECT value FROM json_each(@ids))',
  deleteEvents: 'DELETE FROM webhook_events WHERE id IN (SELECT value FROM json_each(@ids))',
  invoices: `${unpaidArm('expired', 'id, created_at')} UNION ALL ${unpaidArm('cancelled', 'id, created_at')} ORDER BY created_at, id LIMIT @limit`,
  invoicesCount: `SELECT (SELECT count(*) FROM (${unpaidArm('expired', '1')})) + (SELECT count(*) FROM (${unpaidArm('cancelled', '1')})) AS n`,
  deleteInvoices: 'DELETE FROM invoices WHERE id IN (SELECT value FROM json_each(@ids))',
  // The event log's head: no entry past the lowest consumer cursor, never the newest entry.
  logBound: `SELECT min(coalesce((SELECT min(seq) FROM event_cursors), 9223372036854775807), (SELECT max(seq) FROM event_log) - 1) AS bound`,
  logHead: 'SELECT seq, created_at FROM event_log WHERE seq <= @bound ORDER BY seq LIMIT @limit',
  logHeadAll: 'SELECT seq, created_at FROM event_log WHERE seq <= @bound ORDER BY seq',
  deleteLog: 'DELETE FROM event_log WHERE seq <= @last',
} as const;

interface LogRow {
  seq: bigint;
  created_at: bigint;
}

/**
 * The last seq of the unbroken run of `rows` (ascending) created before `before`, and its length.
 */
function logPrefix(rows: Iterable<LogRow>, before: number): { last: bigint | null; count: number } {
  let last: bigint | null = null;
  let count = 0;
  for (const row of rows) {
    if (Number(row.created_at) >= before) break;
    last = row.seq;
    count++;
  }
  return { last, count };
}

/** What the maintenance side needs from the store. */
export interface SqliteMaintenanceEnv {
  readonly db: Kysely<SqliteSchema>;
  readonly prepare: PrepareCached;
  readonly database: Database.Database;
}

/** Index names a fully migrated SQLite store has (from migrating an empty in-memory database). */
async function expectedIndexes(): Promise<Set<string>> {
  const memory = new Database(':memory:');
  const db = new Kysely<SqliteSchema>({ dialect: new SqliteDialect({ database: memory }) });
  try {
    const { error } = await createSqliteMigrator(db).migrateToLatest();
    if (error !== undefined) throw error;
    return new Set(indexNames(memory));
  } finally {
    await db.destroy();
  }
}

function indexNames(database: Database.Database): string[] {
  return (
    database.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

/** Creates the maintenance side of a SQLite store. */
export function createSqliteMaintenance(env: SqliteMaintenanceEnv): StoreMaintenance {
  const { db, prepare, database } = env;
  const hold = <T>(fn: () => T): Promise<T> => db.connection().execute(async () => fn());
  const write = <T>(fn: () => T): Promise<T> => runImmediate(db, async () => fn());
  /**
   * A retention write, then a passive WAL checkpoint outside the transaction. Pruning writes far more
   * WAL than settlements do, and SQLite's automatic checkpoint (with its fsync) runs inside whichever
   * COMMIT crosses 1,000 pages: a prune batch's lock hold went from ~20 to ~60 ms when it did. A
   * passive checkpoint takes no write lock (other writers go on) and keeps the WAL short.
   */
  const pruneWrite = async <T>(fn: () => T): Promise<T> => {
    const result = await write(fn);
    await hold(() => database.pragma('wal_checkpoint(PASSIVE)'));
    return result;
  };
  const time = (value: unknown): Date | null =>
    value === null || value === undefined ? null : new Date(Number(value));

  return {
    async tableStats() {
      const out: TableStats[] = [];
      for (const [table, column] of TABLES) {
        const stats = await hold(() => {
          const rows = Number((prepare(COUNT(table)).get() as { n: bigint }).n);
          const oldest =
            column === null
              ? table === 'webhook_attempts'
                ? (prepare(OLDEST_ATTEMPT).get() as { t: bigint | null }).t
                : table === 'event_log'
                  ? ((prepare(OLDEST_LOG_ENTRY).get() as { t: bigint } | undefined)?.t ?? null)
                  : null
              : (prepare(OLDEST(table, column)).get() as { t: bigint | null }).t;
          return { table, rows, oldestAt: time(oldest) };
        });
        out.push(stats);
      }
      return out;
    },
    async prune(target: PruneTarget, before: Date, limit: number) {
      checkPruneInput(target, before, limit);
      const params = { before: before.getTime(), limit: resolveBatchLimit(limit) };
      if (target === 'eventLog') {
        return pruneWrite(() => {
          const { bound } = prepare(SQL.logBound).get() as { bound: bigint | null };
          if (bound === null) return 0;
          const rows = prepare(SQL.logHead).all({ bound, limit: params.limit }) as LogRow[];
          const { last, count } = logPrefix(rows, params.before);
          if (last === null) return 0;
          prepare(SQL.deleteLog).run({ last });
          return count;
        });
      }
      if (target === 'webhookEvents') {
        return pruneWrite(() => {
          const ids = (prepare(SQL.events).all(params) as { id: string }[]).map((r) => r.id);
          if (ids.length === 0) return 0;
          const json = JSON.stringify(ids);
          prepare(SQL.deleteAttempts).run({ ids: json });
          prepare(SQL.deleteDeliveries).run({ ids: json });
          return prepare(SQL.deleteEvents).run({ ids: json }).changes;
        });
      }
      return pruneWrite(() => {
        const ids = (prepare(SQL.invoices).all(params) as { id: string }[]).map((r) => r.id);
        if (ids.length === 0) return 0;
        return prepare(SQL.deleteInvoices).run({ ids: JSON.stringify(ids) }).changes;
      });
    },
    async countPrunable(target: PruneTarget, before: Date) {
      checkPruneInput(target, before);
      if (target === 'eventLog')
        return hold(() => {
          const { bound } = prepare(SQL.logBound).get() as { bound: bigint | null };
          if (bound === null) return 0;
          return logPrefix(prepare(SQL.logHeadAll).iterate({ bound }) as Iterable<LogRow>, before.getTime()).count;
        });
      const text = target === 'webhookEvents' ? SQL.eventsCount : SQL.invoicesCount;
      return hold(() => Number((prepare(text).get({ before: before.getTime() }) as { n: bigint }).n));
    },
    async reclaimSpace(maxPages: number) {
      const pages = resolveBatchLimit(maxPages);
      return pruneWrite(() => {
        const free = Number(database.pragma('freelist_count', { simple: true }));
        if (free === 0) return 0;
        // Only with auto_vacuum = incremental; otherwise free pages are reused, never released.
        if (Number(database.pragma('auto_vacuum', { simple: true })) !== 2) return 0;
        database.pragma(`incremental_vacuum(${Math.min(pages, free)})`);
        return free - Number(database.pragma('freelist_count', { simple: true }));
      });
    },
    async sizeBytes() {
      return hold(() => {
        const pageSize = Number(database.pragma('page_size', { simple: true }));
        const pages = Number(database.pragma('page_count', { simple: true }));
        const free = Number(database.pragma('freelist_count', { simple: true }));
        return (pages - free) * pageSize;
      });
    },
    async vacuum() {
      // VACUUM cannot run inside a transaction; it takes the connection for its whole run. An
      // existing file switches to incremental auto-vacuum here (the mode only changes on VACUUM).
      await hold(() => {
        database.pragma('auto_vacuum = INCREMENTAL');
        database.exec('VACUUM');
        database.exec('PRAGMA optimize');
      });
    },
    async check() {
      const expected = await expectedIndexes();
      return hold(() => {
        const problems: string[] = [];
        const result = database.pragma('integrity_check') as { integrity_check: string }[];
        for (const row of result) if (row.integrity_check !== 'ok') problems.push(`integrity: ${row.integrity_check}`);
        const present = new Set(indexNames(database));
        for (const name of [...expected].sort())
          if (!present.has(name)) problems.push(`missing index ${name} (lnkit's queries need it; run migrate)`);
        return problems;
      });
    },
  };
}

/** Exposed for the plan test: every statement the maintenance side prepares. */
export const SQLITE_MAINTENANCE_SQL: readonly string[] = [
  ...Object.values(SQL),
  OLDEST_ATTEMPT,
  OLDEST_LOG_ENTRY,
  ...TABLES.map(([table]) => COUNT(table)),
  ...TABLES.filter(([, c]) => c !== null).map(([table, c]) => OLDEST(table, c!)),
];

/** Switches an empty database to incremental auto-vacuum (must happen before the first table). */
export function preferIncrementalVacuum(database: Database.Database): void {
  const hasTables = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").get();
  if (hasTables === undefined) database.pragma('auto_vacuum = INCREMENTAL');
}
