/**
 * PostgreSQL store maintenance (#18): table statistics, retention batches (one statement each:
 * the doomed events' attempts, deliveries and rows go together, `SKIP LOCKED` so two leaders never
 * contend), size, VACUUM (ANALYZE) and an index check. Space freed by pruning is reused by new rows
 * after autovacuum; `vacuum()` only refreshes statistics and visibility (no `VACUUM FULL`, which
 * would lock the tables).
 */
import type { PruneTarget, StoreMaintenance, TableStats } from '../maintenance.js';
import { checkPruneInput } from '../prune-input.js';
import { resolveBatchLimit } from '../paging.js';
import { runQuery, type PostgresPool } from './context.js';
import { postgresMigrations } from './migrations/index.js';
import { maybeDate } from './values.js';

/** Tables lnkit writes, with the column their age is read from. */
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

/** Every statement, for quoted schema `s` (exported for the plan test). */
export function postgresMaintenanceSql(s: string) {
  const prunableEvents = `FROM ${s}.webhook_events e WHERE e.created_at < $1 AND NOT EXISTS (SELECT 1 FROM ${s}.webhook_deliveries d WHERE d.event_id = e.id AND (d.status = 'pending' OR d.updated_at >= $1))`;
  const unpaid = (status: string) =>
    `FROM ${s}.invoices i WHERE i.status = '${status}' AND i.created_at < $1 AND i.closed_at < $1 AND i.amount_paid_msat IS NULL AND NOT EXISTS (SELECT 1 FROM ${s}.payments p WHERE p.direction = 'in' AND p.payment_hash = i.payment_hash)`;
  const unpaidArm = (status: string) =>
    `SELECT * FROM (SELECT i.id, i.created_at ${unpaid(status)} ORDER BY i.created_at, i.id LIMIT $2) AS ${status}`;
  // The event log's head: no entry past the lowest consumer cursor, never the newest entry; the
  // running bool_and keeps the unbroken run from the start created before the cutoff.
  const logBound = `LEAST(coalesce((SELECT min(seq) FROM ${s}.event_cursors), 9223372036854775807), (SELECT max(seq) FROM ${s}.event_log) - 1)`;
  const logHead = (limit: string) =>
    `SELECT h.seq, bool_and(h.created_at < $1) OVER (ORDER BY h.seq) AS ok FROM (SELECT seq, created_at FROM ${s}.event_log WHERE seq <= ${logBound} ORDER BY seq${limit}) AS h`;
  return {
    pruneLog: `WITH head AS (${logHead(' LIMIT $2')}),
      gone AS (DELETE FROM ${s}.event_log WHERE seq <= (SELECT max(seq) FROM head WHERE ok) RETURNING 1)
      SELECT count(*) AS n FROM gone`,
    countLog: `SELECT count(*) AS n FROM (${logHead('')}) AS head WHERE ok`,
    oldestLogEntry: `SELECT created_at AS t FROM ${s}.event_log ORDER BY seq LIMIT 1`,
    pruneEvents: `WITH ev AS (SELECT e.id ${prunableEvents} ORDER BY e.created_at, e.id LIMIT $2 FOR UPDATE SKIP LOCKED),
      a AS (DELETE FROM ${s}.webhook_attempts WHERE delivery_id IN (SELECT id FROM ${s}.webhook_deliveries WHERE event_id IN (SELECT id FROM ev))),
      d AS (DELETE FROM ${s}.webhook_deliveries WHERE event_id IN (SELECT id FROM ev)),
      gone AS (DELETE FROM ${s}.webhook_events WHERE id IN (SELECT id FROM ev) RETURNING 1)
      SELECT count(*) AS n FROM gone`,
    countEvents: `SELECT count(*) AS n ${prunableEvents}`,
    pruneInvoices: `WITH doomed AS (${unpaidArm('expired')} UNION ALL ${unpaidArm('cancelled')} ORDER BY created_at, id LIMIT $2),
      gone AS (DELETE FROM ${s}.invoices WHERE id IN (SELECT id FROM doomed) RETURNING 1)
      SELECT count(*) AS n FROM gone`,
    countInvoices: `SELECT (SELECT count(*) ${unpaid('expired')}) + (SELECT count(*) ${unpaid('cancelled')}) AS n`,
    count: (table: string) => `SELECT count(*) AS n FROM ${s}.${table} /* lnkit:counts-every-row */`,
    oldest: (table: string, column: string) => `SELECT min(${column}) AS t FROM ${s}.${table}`,
    // No index on attempts.at: the oldest attempt is the first of the oldest delivery.
    oldestAttempt: `SELECT min(at) AS t FROM ${s}.webhook_attempts WHERE delivery_id = (SELECT id FROM ${s}.webhook_deliveries ORDER BY created_at, id LIMIT 1)`,
  };
}

/** Index names a fully migrated schema has, read from the migrations (created minus dropped). */
function expectedIndexes(): Set<string> {
  const names = new Set<string>();
  for (const key of Object.keys(postgresMigrations).sort()) {
    for (const statement of postgresMigrations[key]!('"s"')) {
      const created = /CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?(\w+)/i.exec(statement);
      if (created) names.add(created[1]!);
      const dropped = /DROP INDEX (?:IF EXISTS )?"s"\.(\w+)/i.exec(statement);
      if (dropped) names.delete(dropped[1]!);
    }
  }
  return names;
}

/** Creates the maintenance side of a PostgreSQL store in schema `schemaName` (`s` quoted). */
export function createPostgresMaintenance(pool: PostgresPool, schemaName: string, s: string): StoreMaintenance {
  const q = postgresMaintenanceSql(s);
  const one = async (text: string, values: readonly unknown[] = []) => (await runQuery(pool, text, values))[0]!;
  const int = (value: string | null | undefined) => Number(value ?? 0);
  return {
    async tableStats() {
      const out: TableStats[] = [];
      for (const [table, column] of TABLES) {
        const rows = int((await one(q.count(table))).n);
        let oldest: Date | null = null;
        if (column !== null) oldest = maybeDate(await one(q.oldest(table, column)), 't');
        else if (table === 'webhook_attempts') oldest = maybeDate(await one(q.oldestAttempt), 't');
        else if (table === 'event_log') {
          const [row] = await runQuery(pool, q.oldestLogEntry);
          oldest = row ? maybeDate(row, 't') : null;
        }
        out.push({ table, rows, oldestAt: oldest });
      }
      return out;
    },
    async prune(target: PruneTarget, before: Date, limit: number) {
      checkPruneInput(target, before, limit);
      const text = target === 'webhookEvents' ? q.pruneEvents : target === 'eventLog' ? q.pruneLog : q.pruneInvoices;
      return int((await one(text, [before, resolveBatchLimit(limit)])).n);
    },
    async countPrunable(target: PruneTarget, before: Date) {
      checkPruneInput(target, before);
      const text = target === 'webhookEvents' ? q.countEvents : target === 'eventLog' ? q.countLog : q.countInvoices;
      return int((await one(text, [before])).n);
    },
    async sizeBytes() {
      const row = await one(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
        [schemaName],
      );
      return int(row.n);
    },
    async vacuum() {
      for (const [table] of TABLES) await runQuery(pool, `VACUUM (ANALYZE) ${s}.${table}`);
    },
    async check() {
      const problems: string[] = [];
      const rows = await runQuery(
        pool,
        `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`,
        [schemaName],
      );
      const present = new Map(rows.map((r) => [r.name!, r.valid === 't' || r.valid === 'true']));
      for (const name of [...expectedIndexes()].sort()) {
        if (!present.has(name)) problems.push(`missing index ${name} (lnkit's queries need it; run migrate)`);
        else if (!present.get(name)) problems.push(`index ${name} is invalid (a failed concurrent build): REINDEX it`);
      }
      return problems;
    },
  };
}
