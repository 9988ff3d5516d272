/**
 * The better-sqlite3 handle as Kysely's `SqliteDatabase`: every statement is prepared once
 * (a bounded cache keyed by SQL text) and reads integers as bigint (`safeIntegers`), without
 * changing the defaults of a handle the caller owns.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Statements kept prepared; the SQL of the repositories is a small fixed set. */
const MAX_CACHED_STATEMENTS = 256;

/**
 * Adapts `database` for Kysely's SqliteDialect.
 * @param ownsDatabase when false, `close()` leaves the caller's handle open
 */
export function toKyselyDatabase(database: BetterSqlite3.Database, ownsDatabase: boolean): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sqlText: string): SqliteStatement {
      let statement = cache.get(sqlText);
      if (statement === undefined) {
        statement = database.prepare(sqlText);
        statement.safeIntegers(true);
        if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
        cache.set(sqlText, statement);
      }
      return statement as unknown as SqliteStatement;
    },
    close(): void {
      cache.clear();
      if (ownsDatabase && database.open) database.close();
    },
  };
}
