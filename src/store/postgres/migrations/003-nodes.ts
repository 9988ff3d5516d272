/**
 * Migration 003 (#10): the nodes a store is bound to, the node of each invoice and payment (null on
 * rows written before; stamped when the store is first bound), and the heartbeat row `ping()` writes.
 * Never edit a released migration.
 */
import type { PostgresMigration } from './types.js';

/** Creates `nodes` and `store_heartbeat`, adds `node_pubkey` to invoices and payments, in schema `s`. */
export const migration003Nodes: PostgresMigration = (s) => [
  `CREATE TABLE ${s}.nodes (
    pubkey text COLLATE "C" PRIMARY KEY,
    network text,
    alias text,
    bound_at timestamptz NOT NULL,
    anchor_add_index bigint,
    anchor_payment_hash text,
    updated_at timestamptz NOT NULL
  )`,
  `ALTER TABLE ${s}.invoices ADD COLUMN node_pubkey text COLLATE "C"`,
  `ALTER TABLE ${s}.payments ADD COLUMN node_pubkey text COLLATE "C"`,
  `CREATE TABLE ${s}.store_heartbeat (id integer PRIMARY KEY CHECK (id = 1), at timestamptz NOT NULL)`,
];
