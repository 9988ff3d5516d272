/**
 * Migration 004 (#10): leases (the one leader among processes sharing the store), the event log every
 * process's bus tails, and named consumers' cursors. `AUTOINCREMENT` keeps a seq from ever being
 * reused, and SQLite's single writer makes seq order the commit order.
 */
import { sql, type Migration } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    acquired_at INTEGER NOT NULL,
    renewed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE event_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE event_cursors (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
  ) STRICT`,
];

/** Creates the lease, event log and consumer cursor tables. */
export const migration004LeasesEvents: Migration = {
  async up(db) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
  async down(db) {
    for (const table of ['event_cursors', 'event_log', 'leases']) await sql.raw(`DROP TABLE ${table}`).execute(db);
  },
};
