/**
 * Migration 006: rebalances (circular self-payments of the liquidity service). Independent of
 * migrations 003–005, so it applies in any order of landing. Never edit a released migration.
 */
import type { PostgresMigration } from './types.js';

/** Creates the rebalances table in schema `s` (already quoted). */
export const migration006Rebalances: PostgresMigration = (s) => [
  `CREATE TABLE ${s}.rebalances (
    id text COLLATE "C" PRIMARY KEY,
    status text NOT NULL,
    out_chan_id text NOT NULL,
    in_peer text NOT NULL,
    in_chan_id text,
    amount_sat bigint NOT NULL,
    fee_msat bigint NOT NULL,
    max_fee_msat bigint NOT NULL,
    payment_hash text COLLATE "C" UNIQUE,
    failure_reason text,
    failure_message text,
    is_automatic boolean NOT NULL,
    idempotency_key text COLLATE "C" UNIQUE,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    completed_at timestamptz
  )`,
  `CREATE INDEX rebalances_created_idx ON ${s}.rebalances (created_at, id)`,
  `CREATE INDEX rebalances_status_created_idx ON ${s}.rebalances (status, created_at, id)`,
  `CREATE INDEX rebalances_completed_idx ON ${s}.rebalances (completed_at) WHERE status = 'succeeded'`,
];
