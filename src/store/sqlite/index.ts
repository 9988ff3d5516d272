/**
 * The SQLite Store (Kysely + better-sqlite3): `createSqliteStore({ filename })` or
 * `createSqliteStore({ database })`.
 * @module lnkit/store-sqlite
 */
export { createSqliteStore, type SqliteStoreConfig } from './sqlite-store.js';
