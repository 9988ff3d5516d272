/**
 * Migration 003 (#10): the nodes a store is bound to, the node of each invoice and payment (null on
 * rows written before; stamped when the store is first bound), and the heartbeat row `ping()` writes.
 */
import { sql, type Migration } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE nodes (
    pubkey TEXT PRIMARY KEY,
    network TEXT,
    alias TEXT,
    bound_at INTEGER NOT NULL,
    anchor_add_index INTEGER,
    anchor_payment_hash TEXT,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  'ALTER TABLE invoices ADD COLUMN node_pubkey TEXT',
  'ALTER TABLE payments ADD COLUMN node_pubkey TEXT',
  // Row 1 is the heartbeat; `ping()` also writes (and rolls back) a row 2 with a probe blob larger
  // than a page, so a database that cannot grow (disk full, max_page_count) fails the probe.
  'CREATE TABLE store_heartbeat (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, probe BLOB) STRICT',
];

/** Creates `nodes` and `store_heartbeat`, adds `node_pubkey` to invoices and payments. */
export const migration003Nodes: Migration = {
  async up(db) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
  async down(db) {
    await sql.raw('DROP TABLE store_heartbeat').execute(db);
    await sql.raw('ALTER TABLE payments DROP COLUMN node_pubkey').execute(db);
    await sql.raw('ALTER TABLE invoices DROP COLUMN node_pubkey').execute(db);
    await sql.raw('DROP TABLE nodes').execute(db);
  },
};
