/**
 * Migration 006: rebalances (circular self-payments of the liquidity service). STRICT; msat and
 * dates are INTEGER. Independent of migrations 003–005, so it applies in any order of landing.
 */
import { sql, type Migration } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE rebalances (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    out_chan_id TEXT NOT NULL,
    in_peer TEXT NOT NULL,
    in_chan_id TEXT,
    amount_sat INTEGER NOT NULL,
    fee_msat INTEGER NOT NULL,
    max_fee_msat INTEGER NOT NULL,
    payment_hash TEXT UNIQUE,
    failure_reason TEXT,
    failure_message TEXT,
    is_automatic INTEGER NOT NULL,
    idempotency_key TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    completed_at INTEGER
  ) STRICT`,
  'CREATE INDEX rebalances_created_idx ON rebalances (created_at, id)',
  'CREATE INDEX rebalances_status_created_idx ON rebalances (status, created_at, id)',
  'CREATE INDEX rebalances_completed_idx ON rebalances (status, completed_at)',
];

/** Creates the rebalances table. */
export const migration006Rebalances: Migration = {
  async up(db) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
  async down(db) {
    await sql.raw('DROP TABLE rebalances').execute(db);
  },
};
