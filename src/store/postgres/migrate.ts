/**
 * Applies the PostgreSQL migrations under a session advisory lock keyed by the schema, so replicas
 * starting at the same instant migrate once: the first takes the lock and migrates, the others wait
 * for it and then find nothing left to do. The pending migrations commit in one transaction with
 * their rows in `lnkit_migration`. DDL runs only when something is missing, so a fully migrated database
 * needs no CREATE privilege.
 */
import { StoreError } from '../../errors.js';
import type { PostgresPool } from './context.js';
import { MIGRATION_TABLE, postgresMigrations } from './migrations/index.js';

/** `"name"`: a validated identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The advisory lock key (a bigint computed by the server) for `name` in `schema`. */
export const ADVISORY_KEY_SQL = 'hashtextextended($1, 0)';

/** The text hashed into the advisory lock key of `purpose` in `schema`. */
export function advisoryKeyText(schema: string, purpose: string): string {
  return `lnkit:${schema}:${purpose}`;
}

/**
 * Brings `schema` to the latest migration.
 * @returns the names of the migrations this call applied (empty when another process did)
 * @throws {StoreError} when a migration fails (it is rolled back) or the database has a migration
 *   this version of lnkit does not know (a newer lnkit migrated it)
 */
export async function migratePostgres(pool: PostgresPool, schema: string): Promise<string[]> {
  const s = quoteIdent(schema);
  const client = await pool.connect();
  const run = (text: string, values?: unknown[]) => client.query({ text, values });
  const key = advisoryKeyText(schema, 'migrate');
  let keepClient = true;
  try {
    await run(`SELECT pg_advisory_lock(${ADVISORY_KEY_SQL})`, [key]);
    try {
      const hasSchema = await run('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (hasSchema.rowCount === 0) await run(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      const hasTable = await run('SELECT to_regclass($1) AS t', [`${s}.${MIGRATION_TABLE}`]);
      if ((hasTable.rows[0] as { t: unknown }).t === null)
        await run(
          `CREATE TABLE IF NOT EXISTS ${s}.${MIGRATION_TABLE} (name text COLLATE "C" PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
      const applied = new Set(
        (await run(`SELECT name FROM ${s}.${MIGRATION_TABLE}`)).rows.map((r) => (r as { name: string }).name),
      );
      const known = Object.keys(postgresMigrations).sort();
      const unknown = [...applied].filter((name) => !known.includes(name));
      if (unknown.length > 0)
        throw new StoreError(
          `postgres migrate: schema ${schema} has migrations this lnkit does not know (${unknown.join(', ')}): it was migrated by a newer lnkit; upgrade this one`,
        );
      const pending = known.filter((name) => !applied.has(name));
      if (pending.length === 0) return [];
      // All pending migrations in one transaction: a failure leaves the schema as it was.
      await run('BEGIN');
      let current = '';
      try {
        for (current of pending) {
          for (const statement of postgresMigrations[current]!(s)) await run(statement);
          await run(`INSERT INTO ${s}.${MIGRATION_TABLE} (name) VALUES ($1)`, [current]);
        }
        await run('COMMIT');
      } catch (error) {
        await run('ROLLBACK').catch(() => (keepClient = false));
        throw new StoreError(
          `postgres migrate: ${current} failed (nothing applied): ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      const done = pending;
      return done;
    } finally {
      await run(`SELECT pg_advisory_unlock(${ADVISORY_KEY_SQL})`, [key]).catch(() => (keepClient = false));
    }
  } finally {
    // A client that may still hold the session lock is closed, which releases it.
    client.release(!keepClient);
  }
}
