/**
 * The store a CLI run opens from `--db` / LIGHTNING_DB: a `postgres://` or `postgresql://` URL opens
 * the PostgreSQL store (its `schema` query parameter names the schema, default `public`), anything
 * else is a SQLite file. Each adapter is imported only when used, so a SQLite run never loads pg.
 */
import type { Store } from '../store/store.js';

/** Where the store is: a SQLite file, or a PostgreSQL connection string and schema. */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema: string | undefined };

/** Reads `--db` / LIGHTNING_DB. */
export function parseStoreLocation(db: string): StoreLocation {
  if (!/^postgres(?:ql)?:\/\//i.test(db)) return { kind: 'sqlite', filename: db };
  const url = new URL(db);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { kind: 'postgres', connectionString: url.toString(), schema };
}

/** Opens (does not migrate) the store at `db`. */
export async function openStore(db: string): Promise<Store> {
  const location = parseStoreLocation(db);
  if (location.kind === 'postgres') {
    const { createPostgresStore } = await import('../store/postgres/index.js');
    // A one-shot command needs few connections.
    return createPostgresStore({ connectionString: location.connectionString, max: 2 }, { schema: location.schema });
  }
  const { createSqliteStore } = await import('../store/sqlite/index.js');
  return createSqliteStore({ filename: location.filename });
}
