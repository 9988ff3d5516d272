/**
 * What a PostgreSQL repository runs on: `query()` on the pool (top level) or on the one client a
 * transaction holds. Kysely compiles the dynamic list queries; every statement runs through
 * `query()` with lnkit's own type parsing (every value read as text and converted by the row
 * mappers), so a pool whose global `pg.types` parsers were changed by the host app (int8 as a lossy
 * number, for one) cannot alter what lnkit reads.
 */
import { createHash } from 'node:crypto';

/** The query lnkit sends: text, parameters, an optional prepared-statement name, its type parsers. */
export interface PostgresQueryConfig {
  readonly text: string;
  readonly values?: unknown[];
  readonly name?: string;
  readonly types?: unknown;
}

/** What a query resolves to (the fields lnkit reads). */
export interface PostgresQueryResult {
  readonly rows: unknown[];
  readonly command: string;
  readonly rowCount: number | null;
}

/**
 * The parts of pg's Pool lnkit uses, restated so that lnkit's types do not need `@types/pg`: a
 * `pg.Pool` fits, and so does any pool with the same `connect`, `query` and `end`.
 */
export interface PostgresPool {
  /** Checks out a client (for a transaction). */
  connect(): Promise<PostgresClient>;
  /** Runs one query on any free client. */
  query(config: PostgresQueryConfig): Promise<PostgresQueryResult>;
  /** Closes every client. */
  end(): Promise<void>;
}

/** A client checked out of the pool. `release(error)` destroys it instead of returning it. */
export interface PostgresClient {
  /** Runs one query on this client. */
  query(config: PostgresQueryConfig): Promise<PostgresQueryResult>;
  /** Returns the client to the pool (destroys it when given an error or true). */
  release(error?: Error | boolean): void;
}

/** A row as lnkit reads it: column name → text (or null). */
export type TextRow = Readonly<Record<string, string | null>>;

const identity = (value: string): string => value;
/** Type parsers for every query (pg's `types` option): each value stays the text PostgreSQL sent. */
export const TEXT_TYPES = { getTypeParser: () => identity };

/** The handle repositories use. */
export interface PostgresContext {
  /** Runs one statement; named statements are prepared once per connection. */
  query(text: string, values?: readonly unknown[], name?: string): Promise<TextRow[]>;
  /**
   * Runs `fn` all-or-nothing: in its own transaction at the top level; inside a transaction, as part
   * of it (a failure there fails the whole transaction).
   */
  atomic<T>(fn: (query: PostgresContext['query']) => Promise<T>): Promise<T>;
  /** True inside `store.transaction`. */
  readonly inTransaction: boolean;
}

/** A stable short name for a prepared statement with this text. */
export function statementName(text: string): string {
  return `lnkit_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

function config(text: string, values: readonly unknown[] | undefined, name: string | undefined): PostgresQueryConfig {
  return { text, values: values as unknown[] | undefined, name, types: TEXT_TYPES };
}

/** Runs `text` on `target`; rows come back as text. */
export async function runQuery(
  target: { query(config: PostgresQueryConfig): Promise<PostgresQueryResult> },
  text: string,
  values?: readonly unknown[],
  name?: string,
): Promise<TextRow[]> {
  const result = await target.query(config(text, values, name));
  return result.rows as TextRow[];
}

/**
 * Runs `fn` in a transaction on a client of `pool`: BEGIN, `fn`, COMMIT; ROLLBACK when it throws. A
 * client whose ROLLBACK failed is destroyed, not returned to the pool.
 */
export async function inTransaction<T>(pool: PostgresPool, fn: (client: PostgresClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query({ text: 'BEGIN' });
    let result: T;
    try {
      result = await fn(client);
    } catch (error) {
      await client.query({ text: 'ROLLBACK' }).catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    }
    const committed = await client.query({ text: 'COMMIT' });
    // COMMIT of a transaction an earlier statement aborted answers ROLLBACK instead of failing.
    if (committed.command === 'ROLLBACK') throw new Error('the transaction was rolled back by the server');
    return result;
  } finally {
    client.release(broken ?? false);
  }
}

/** A context for the pool: each statement on any free client; atomic work in its own transaction. */
export function rootContext(pool: PostgresPool): PostgresContext {
  const query: PostgresContext['query'] = (text, values, name) => runQuery(pool, text, values, name);
  return {
    query,
    inTransaction: false,
    atomic: (fn) => inTransaction(pool, (client) => fn((text, values, name) => runQuery(client, text, values, name))),
  };
}

/**
 * A context for the client a transaction holds. `onFailure` is told of any failed statement: the
 * server aborts the transaction then, so the store must not report it committed.
 */
export function transactionContext(client: PostgresClient, onFailure: (error: unknown) => void): PostgresContext {
  const query: PostgresContext['query'] = async (text, values, name) => {
    try {
      return await runQuery(client, text, values, name);
    } catch (error) {
      onFailure(error);
      throw error;
    }
  };
  return { query, inTransaction: true, atomic: (fn) => fn(query) };
}
