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
  /**
   * The same for statements whose rows come back as arrays of values (`raw`), for the lists: a
   * row object with 20-odd columns made by better-sqlite3 is a dictionary-mode object of about
   * 2.5 KB, and a page of 50 of them was most of the 276 KB a list allocated (#18).
   */
  readonly prepareRaw: PrepareCached;
  clear(): void;
} {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const raw = new Map<string, BetterSqlite3.Statement>();
  const cached = (map: Map<string, BetterSqlite3.Statement>, sqlText: string, asArrays: boolean) => {
    let statement = map.get(sqlText);
    if (statement === undefined) {
      statement = database.prepare(sqlText);
      statement.safeIntegers(true);
      if (asArrays) statement.raw(true);
      if (map.size >= MAX_CACHED_STATEMENTS) map.delete(map.keys().next().value as string);
      map.set(sqlText, statement);
    }
    return statement;
  };
  return {
    prepare: (sqlText) => cached(cache, sqlText, false),
    prepareRaw: (sqlText) => cached(raw, sqlText, true),
    clear() {
      cache.clear();
      raw.clear();
    },
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
