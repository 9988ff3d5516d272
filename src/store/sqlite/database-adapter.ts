/**
 * The better-sqlite3 handle as Kysely's `SqliteDatabase`, sharing one statement cache with the
 * repositories: every statement is prepared once (bounded cache keyed by SQL text) and reads
 * integers as bigint (`safeIntegers`), without changing the defaults of a handle the caller owns.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { PrepareCached } from './context.js';

/** Statements kept prepared; the repositories use a small fixed set plus list variants. */
const MAX_CACHED_STATEMENTS = 512;

/** A statement cache over `database`. */
export function createStatementCache(database: BetterSqlite3.Database): {
  readonly prepare: PrepareCached;
  clear(): void;
} {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sqlText) {
      let statement = cache.get(sqlText);
      if (statement === undefined) {
        statement = database.prepare(sqlText);
        statement.safeIntegers(true);
        if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
        cache.set(sqlText, statement);
      }
      return statement;
    },
    clear: () => cache.clear(),
  };
}

/**
 * Adapts `database` for Kysely's SqliteDialect.
 * @param ownsDatabase when false, `close()` leaves the caller's handle open
 */
export function toKyselyDatabase(
  database: BetterSqlite3.Database,
  statements: ReturnType<typeof createStatementCache>,
  ownsDatabase: boolean,
): SqliteDatabase {
  return {
    prepare: (sqlText: string): SqliteStatement => statements.prepare(sqlText) as unknown as SqliteStatement,
    close(): void {
      statements.clear();
      if (ownsDatabase && database.open) database.close();
    },
  };
}
