/**
 * What a SQLite repository runs on. Kysely owns the single connection (its mutex serializes
 * everyone) and builds the dynamic list queries; the fixed point reads and writes run as cached
 * better-sqlite3 statements *while the connection is held* — the same connection and transaction,
 * without Kysely's per-query compile and async hops (a 1,000-settlement batch stays well under
 * a second).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { SqliteSchema } from './schema.js';

/** Returns the prepared (cached, safeIntegers) statement for `sqlText`. */
export type PrepareCached = (sqlText: string) => BetterSqlite3.Statement;

/** Where a context gets its cached statements (row objects, and rows as arrays). */
export interface StatementSources {
  readonly prepare: PrepareCached;
  readonly prepareRaw: PrepareCached;
}

/** The handle repositories use. */
export interface SqliteContext {
  /** Kysely on the root (top level) or on the held connection (inside a transaction). */
  readonly db: Kysely<SqliteSchema>;
  /** Runs `fn` while holding the connection; `statement()` may only be used inside it. */
  hold<T>(fn: () => T): Promise<T>;
  /** A cached prepared statement; use inside {@link hold}. */
  statement: PrepareCached;
  /** A cached prepared statement whose rows are arrays of values (the lists); use inside {@link hold}. */
  rawStatement: PrepareCached;
  /** Runs `fn` all-or-nothing: its own transaction at the top level, a savepoint inside one. */
  atomic<T>(fn: () => T): Promise<T>;
}

/** Takes the write lock (`BEGIN IMMEDIATE`) on the held connection, waiting as long as the store allows. */
export type BeginImmediate = (conn: Kysely<SqliteSchema>) => Promise<void>;

/**
 * A {@link BeginImmediate} that waits for another process's write lock *asynchronously*: SQLite's
 * busy handler sleeps inside the synchronous driver call, which would freeze this process's event
 * loop (and deadlock two handles in one process, the second waiting for a transaction the first can
 * no longer finish). So the BEGIN runs with busy_timeout 0 and is retried on SQLITE_BUSY with a short
 * backoff until `timeoutMs` has passed; busy_timeout is restored for every other statement.
 */
export function beginImmediateAsync(
  setBusyTimeout: (ms: number) => void,
  timeoutMs: number,
  statement?: PrepareCached,
): BeginImmediate {
  return async (conn) => {
    const deadline = Date.now() + timeoutMs;
    for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 25)) {
      setBusyTimeout(0);
      try {
        // A cached statement on the held connection: Kysely's compile and executor hops cost more than the BEGIN.
        if (statement) statement('BEGIN IMMEDIATE').run();
        else await sql`begin immediate`.execute(conn);
        return;
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      } finally {
        setBusyTimeout(timeoutMs);
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  };
}

/** Plain `BEGIN IMMEDIATE` (waits in SQLite's busy handler). */
const beginBlocking: BeginImmediate = async (conn) => {
  await sql`begin immediate`.execute(conn);
};

/**
 * Runs `fn` in a `BEGIN IMMEDIATE` transaction on the one connection: the write lock is taken up
 * front, so another process on the same file waits instead of failing mid-way.
 */
export async function runImmediate<T>(
  db: Kysely<SqliteSchema>,
  fn: (conn: Kysely<SqliteSchema>) => Promise<T>,
  begin: BeginImmediate = beginBlocking,
  statement?: PrepareCached,
): Promise<T> {
  const end = async (conn: Kysely<SqliteSchema>, text: 'commit' | 'rollback'): Promise<void> => {
    if (statement) statement(text === 'commit' ? 'COMMIT' : 'ROLLBACK').run();
    else await sql.raw(text).execute(conn);
  };
  return db.connection().execute(async (conn) => {
    await begin(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (error) {
      await end(conn, 'rollback').catch(() => undefined);
      throw error;
    }
    try {
      await end(conn, 'commit');
    } catch (error) {
      await end(conn, 'rollback').catch(() => undefined);
      throw error;
    }
    return result;
  });
}

/**
 * A context for the root handle: each call takes the connection; atomic work gets a transaction.
 * `inTransaction` (the handle's own flag): while no transaction is open on the connection, a
 * statement runs at once instead of queueing for the connection (it is synchronous, so no BEGIN
 * can come in between; the memory and PostgreSQL stores do not order reads after queued writes either).
 */
export function rootContext(
  db: Kysely<SqliteSchema>,
  statements: StatementSources,
  begin: BeginImmediate = beginBlocking,
  inTransaction: () => boolean = () => true,
): SqliteContext {
  return {
    db,
    statement: statements.prepare,
    rawStatement: statements.prepareRaw,
    hold: (fn) => {
      if (inTransaction()) return db.connection().execute(async () => fn());
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    atomic: (fn) => runImmediate(db, async () => fn(), begin),
  };
}

/** A context for the connection held by a transaction: atomic work gets a savepoint. */
export function transactionContext(conn: Kysely<SqliteSchema>, statements: StatementSources): SqliteContext {
  const statement = statements.prepare;
  return {
    db: conn,
    statement,
    rawStatement: statements.prepareRaw,
    // Not an async function: one promise per statement instead of two (this runs for every statement).
    hold: (fn) => {
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async atomic(fn) {
      statement('SAVEPOINT lnkit_atomic').run();
      try {
        const result = fn();
        statement('RELEASE lnkit_atomic').run();
        return result;
      } catch (error) {
        statement('ROLLBACK TO lnkit_atomic').run();
        statement('RELEASE lnkit_atomic').run();
        throw error;
      }
    },
  };
}

/** `INSERT INTO table (a, b) VALUES (@a, @b)` for the given columns. */
export function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
}

/**
 * `UPDATE … SET … WHERE id = @id [AND status IN (…)] RETURNING *` for the columns in `set`
 * (column names come from the repositories' fixed maps, never from input).
 */
export function updateSql(
  table: string,
  set: Readonly<Record<string, unknown>>,
  fromStatus: readonly string[] | undefined,
): { sql: string; params: Record<string, unknown> } {
  const columns = Object.keys(set).sort();
  const params: Record<string, unknown> = { ...set };
  if (fromStatus) for (let i = 0; i < fromStatus.length; i++) params[`from${i}`] = fromStatus[i];
  // The text depends only on the table, the columns and how many statuses: built once per shape.
  const key = `${table}|${columns.join(',')}|${fromStatus ? fromStatus.length : -1}`;
  let text = UPDATE_TEXTS[key];
  if (text === undefined) {
    let where = 'id = @id';
    if (fromStatus) where += ` AND status IN (${fromStatus.map((_, i) => `@from${i}`).join(', ')})`;
    const assignments = columns.map((c) => `${c} = @${c}`).join(', ');
    text =
      columns.length === 0
        ? `SELECT * FROM ${table} WHERE ${where}`
        : `UPDATE ${table} SET ${assignments} WHERE ${where} RETURNING *`;
    UPDATE_TEXTS[key] = text;
  }
  return { sql: text, params };
}

/** {@link updateSql}'s texts by shape (a handful per table: the patches lnkit's services make). */
const UPDATE_TEXTS: Record<string, string> = {};
