/**
 * Migration 001: invoices, payments, checkpoints. STRICT tables; msat and dates are INTEGER.
 * Never edit a released migration: add a new one.
 */
import { sql, type Migration } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE invoices (
    id TEXT PRIMARY KEY,
    payment_hash TEXT NOT NULL UNIQUE,
    payment_request TEXT NOT NULL,
    amount_msat INTEGER NOT NULL,
    amount_eur TEXT,
    rate TEXT,
    rate_source TEXT,
    rate_fetched_at INTEGER,
    description TEXT NOT NULL,
    metadata TEXT,
    status TEXT NOT NULL,
    is_hold INTEGER NOT NULL,
    add_index INTEGER NOT NULL,
    settle_index INTEGER,
    amount_paid_msat INTEGER,
    idempotency_key TEXT UNIQUE,
    preimage TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    settled_at INTEGER,
    closed_at INTEGER
  ) STRICT`,
  'CREATE INDEX invoices_created_idx ON invoices (created_at, id)',
  'CREATE INDEX invoices_status_created_idx ON invoices (status, created_at, id)',
  'CREATE INDEX invoices_status_expires_idx ON invoices (status, expires_at)',
  `CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    direction TEXT NOT NULL,
    status TEXT NOT NULL,
    payment_hash TEXT NOT NULL,
    payment_request TEXT,
    amount_msat INTEGER NOT NULL,
    fee_msat INTEGER NOT NULL,
    invoice_id TEXT,
    preimage TEXT,
    failure_reason TEXT,
    idempotency_key TEXT UNIQUE,
    settle_index INTEGER,
    fee_limit_msat INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    completed_at INTEGER
  ) STRICT`,
  'CREATE UNIQUE INDEX payments_direction_hash_idx ON payments (direction, payment_hash)',
  'CREATE INDEX payments_created_idx ON payments (created_at, id)',
  'CREATE INDEX payments_direction_created_idx ON payments (direction, created_at, id)',
  'CREATE INDEX payments_status_created_idx ON payments (status, created_at, id)',
  'CREATE TABLE checkpoints (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT',
];

/** Creates invoices, payments and checkpoints. */
export const migration001Core: Migration = {
  async up(db) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
  async down(db) {
    for (const table of ['checkpoints', 'payments', 'invoices']) await sql.raw(`DROP TABLE ${table}`).execute(db);
  },
};
