/**
 * The PostgreSQL Store (Kysely's PostgresDialect + pg): `createPostgresStore({ connectionString })`
 * or `createPostgresStore({ pool })`, for one or several processes on one database.
 * @module lnkit/store-postgres
 */
export { createPostgresStore, type PostgresStoreConfig, type PostgresStoreOptions } from './postgres-store.js';
export type { PostgresClient, PostgresPool, PostgresQueryConfig, PostgresQueryResult } from './context.js';
