/**
 * PostgreSQL for tests: the server at LNKIT_TEST_POSTGRES_URL (default the local one), a fresh
 * schema per store so each test file (and each conformance case) starts empty, and cleanup. When no
 * server answers, the file's tests are skipped with the reason printed, except under CI=true, where
 * the file fails instead.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests use. */
export const POSTGRES_URL = process.env.LNKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One test file's access to PostgreSQL. */
export interface PostgresForTests {
  /** Why the tests are skipped (no server), or undefined when they run. */
  readonly skip: string | undefined;
  readonly url: string;
  /** A new schema name, unique to this file and run; dropped by {@link PostgresForTests.cleanup}. */
  newSchema(): string;
  /**
   * An empty schema for one test, migrated once per file and emptied between tests (every table but
   * the migration ledger truncated, sequences restarted): what a fresh schema gives, without running
   * the migrations again for each of the hundred conformance cases. Falls back to a new schema when
   * the previous test still holds a lock on it.
   */
  recycledSchema(): Promise<string>;
  /** Runs one statement as the admin connection (assertions on raw rows). */
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Drops every schema this file made and closes the admin connection. */
  cleanup(): Promise<void>;
}

/**
 * Connects to the test server for the file named `label` (letters, digits, _).
 * @throws when the server cannot be reached and CI=true
 */
export async function postgresForTests(label: string): Promise<PostgresForTests> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  let skip: string | undefined;
  try {
    await client.connect();
  } catch (error) {
    skip = `no PostgreSQL at ${POSTGRES_URL.replace(/\/\/[^@/]*@/, '//…@')}: ${(error as Error).message} (set LNKIT_TEST_POSTGRES_URL)`;
    if (process.env.CI === 'true') throw new Error(`CI=true and ${skip}`, { cause: error });
    console.warn(`[skipped] ${label}: ${skip}`);
  }
  const run = randomBytes(3).toString('hex');
  const made: string[] = [];
  let recycled: string | undefined;
  const newSchema = (): string => {
    const name = `lnkit_t_${label}_${run}_${made.length + 1}`;
    made.push(name);
    return name;
  };
  return {
    skip,
    url: POSTGRES_URL,
    newSchema,
    async recycledSchema() {
      if (recycled === undefined) return (recycled = newSchema());
      const schema = recycled;
      const tables = (
        await client.query<{ tablename: string }>(
          `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'lnkit_migration'`,
          [schema],
        )
      ).rows.map((r) => r.tablename);
      if (tables.length === 0) return schema; // never migrated: still empty
      try {
        // DELETE, not TRUNCATE: on tables of a few rows it is ~10x faster (TRUNCATE swaps every table's
        // and index's files: ~0.5 s a case). Referencing tables first; then every sequence restarts.
        const refs = (
          await client.query<{ child: string; parent: string }>(
            `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
               JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE k.contype = 'f' AND n.nspname = $1`,
            [schema],
          )
        ).rows;
        const ordered: string[] = [];
        const visit = (table: string): void => {
          if (ordered.includes(table)) return;
          for (const r of refs) if (r.parent === table && r.child !== table) visit(r.child);
          ordered.push(table);
        };
        for (const table of tables) visit(table);
        const sequences = (
          await client.query<{ sequencename: string }>(`SELECT sequencename FROM pg_sequences WHERE schemaname = $1`, [
            schema,
          ])
        ).rows.map((r) => r.sequencename);
        await client.query(`SET lock_timeout = '2s'`);
        await client.query(
          [
            'BEGIN',
            ...ordered.map((t) => `DELETE FROM "${schema}"."${t}"`),
            ...sequences.map((q) => `ALTER SEQUENCE "${schema}"."${q}" RESTART`),
            'COMMIT',
          ].join('; '),
        );
        return schema;
      } catch (error) {
        if (process.env.LNKIT_DEBUG_RECYCLE) console.warn('recycle fallback', (error as Error).message);
        await client.query('ROLLBACK').catch(() => undefined);
        return (recycled = newSchema());
      } finally {
        await client.query(`RESET lock_timeout`);
      }
    },
    async query<R>(text: string, values?: unknown[]) {
      return (await client.query(text, values)).rows as R[];
    },
    async cleanup() {
      if (skip) return;
      for (const name of made) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await client.end();
    },
  };
}
