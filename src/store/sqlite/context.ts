/**
 * What a SQLite repository runs on: a Kysely handle (the root, or one connection inside a
 * transaction) and `atomic(fn)` for multi-statement writes that must not half-happen.
 */
import { sql, type Kysely } from 'kysely';
import type { SqliteSchema } from './schema.js';

/** The handle repositories use. */
export interface SqliteContext {
  readonly db: Kysely<SqliteSchema>;
  /** Runs `fn` all-or-nothing: its own transaction at the top level, a savepoint inside one. */
  atomic<T>(fn: (db: Kysely<SqliteSchema>) => Promise<T>): Promise<T>;
}

/**
 * Runs `fn` in a `BEGIN IMMEDIATE` transaction on one connection: the write lock is taken up
 * front, so another process on the same file waits (busy_timeout) instead of failing mid-way.
 */
export async function runImmediate<T>(db: Kysely<SqliteSchema>, fn: (conn: Kysely<SqliteSchema>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
    try {
      await sql`commit`.execute(conn);
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
    return result;
  });
}

/** A context for the root handle: atomic work gets its own transaction. */
export function rootContext(db: Kysely<SqliteSchema>): SqliteContext {
  return { db, atomic: (fn) => runImmediate(db, fn) };
}

/** A context for a connection inside a transaction: atomic work gets a savepoint. */
export function transactionContext(conn: Kysely<SqliteSchema>): SqliteContext {
  return {
    db: conn,
    async atomic(fn) {
      await sql`savepoint lnkit_atomic`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`release lnkit_atomic`.execute(conn);
        return result;
      } catch (error) {
        await sql`rollback to lnkit_atomic`.execute(conn);
        await sql`release lnkit_atomic`.execute(conn);
        throw error;
      }
    },
  };
}
