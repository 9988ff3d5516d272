/**
 * Migration 001: invoices, payments, checkpoints. msat and LND indexes are `bigint` (exact up to
 * 9.2e18), EUR amounts and rates `numeric` (exact decimals), times `timestamptz`. Keys are
 * `COLLATE "C"`: byte order, the order lnkit's cursors and the other stores use.
 * Never edit a released migration: add a new one.
 */
import type { PostgresMigration } from './types.js';

/** Creates invoices, payments and checkpoints in schema `s` (already quoted). */
export const migration001Core: PostgresMigration = (s) => [
  `CREATE TABLE ${s}.invoices (
    id text COLLATE "C" PRIMARY KEY,
    payment_hash text COLLATE "C" NOT NULL UNIQUE,
    payment_request text NOT NULL,
    amount_msat bigint NOT NULL,
    amount_eur numeric,
    rate numeric,
    rate_source text,
    rate_fetched_at timestamptz,
    description text NOT NULL,
    metadata json,
    status text NOT NULL,
    is_hold boolean NOT NULL,
    add_index bigint NOT NULL,
    settle_index bigint,
    amount_paid_msat bigint,
    idempotency_key text COLLATE "C" UNIQUE,
    preimage text,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    settled_at timestamptz,
    closed_at timestamptz
  )`,
  `CREATE INDEX invoices_created_idx ON ${s}.invoices (created_at, id)`,
  `CREATE INDEX invoices_status_created_idx ON ${s}.invoices (status, created_at, id)`,
  `CREATE INDEX invoices_status_expires_idx ON ${s}.invoices (status, expires_at)`,
  `CREATE TABLE ${s}.payments (
    id text COLLATE "C" PRIMARY KEY,
    direction text NOT NULL,
    status text NOT NULL,
    payment_hash text COLLATE "C" NOT NULL,
    payment_request text,
    amount_msat bigint NOT NULL,
    fee_msat bigint NOT NULL,
    invoice_id text COLLATE "C",
    preimage text,
    failure_reason text,
    idempotency_key text COLLATE "C" UNIQUE,
    settle_index bigint,
    fee_limit_msat bigint,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    completed_at timestamptz
  )`,
  `CREATE UNIQUE INDEX payments_direction_hash_idx ON ${s}.payments (direction, payment_hash)`,
  `CREATE INDEX payments_created_idx ON ${s}.payments (created_at, id)`,
  `CREATE INDEX payments_direction_created_idx ON ${s}.payments (direction, created_at, id)`,
  `CREATE INDEX payments_status_created_idx ON ${s}.payments (status, created_at, id)`,
  `CREATE TABLE ${s}.checkpoints (name text COLLATE "C" PRIMARY KEY, value bigint NOT NULL)`,
];
