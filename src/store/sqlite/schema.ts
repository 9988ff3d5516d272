/**
 * Kysely table types of the SQLite store. Integers come back as `bigint` (statements run with
 * better-sqlite3 `safeIntegers`), so msat values up to 2.1e18 are exact; dates are integer ms.
 */
import type { ColumnType } from 'kysely';

/** An INTEGER column: read as bigint, written as number or bigint. */
export type Int = ColumnType<bigint, number | bigint, number | bigint>;
/** A nullable INTEGER column. */
export type NullableInt = ColumnType<bigint | null, number | bigint | null, number | bigint | null>;

/** `invoices` (migration 001). */
export interface InvoicesTable {
  id: string;
  payment_hash: string;
  payment_request: string;
  amount_msat: Int;
  amount_eur: string | null;
  rate: string | null;
  rate_source: string | null;
  rate_fetched_at: NullableInt;
  description: string;
  metadata: string | null;
  status: string;
  is_hold: Int;
  add_index: Int;
  settle_index: NullableInt;
  amount_paid_msat: NullableInt;
  idempotency_key: string | null;
  preimage: string | null;
  created_at: Int;
  expires_at: Int;
  settled_at: NullableInt;
  closed_at: NullableInt;
  /** Migration 003. */
  node_pubkey: string | null;
}

/** `payments` (migration 001). */
export interface PaymentsTable {
  id: string;
  direction: string;
  status: string;
  payment_hash: string;
  payment_request: string | null;
  amount_msat: Int;
  fee_msat: Int;
  invoice_id: string | null;
  preimage: string | null;
  failure_reason: string | null;
  idempotency_key: string | null;
  settle_index: NullableInt;
  fee_limit_msat: NullableInt;
  created_at: Int;
  updated_at: Int;
  completed_at: NullableInt;
  /** Migration 003. */
  node_pubkey: string | null;
}

/** `checkpoints` (migration 001). */
export interface CheckpointsTable {
  name: string;
  value: Int;
}

/** `webhook_endpoints` (migration 002). `secrets` and `events` are JSON arrays. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  secrets: string;
  events: string | null;
  allow_insecure: Int;
  allow_private_network: Int;
  is_enabled: Int;
  disabled_reason: string | null;
  created_at: Int;
  updated_at: Int;
}

/** `webhook_events` (migration 002). */
export interface WebhookEventsTable {
  id: string;
  type: string;
  body: string;
  created_at: Int;
}

/** `webhook_deliveries` (migration 002). */
export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: string;
  attempts: Int;
  next_attempt_at: NullableInt;
  last_status_code: NullableInt;
  last_error: string | null;
  created_at: Int;
  updated_at: Int;
}

/** `webhook_attempts` (migration 002). */
export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: Int;
  status_code: NullableInt;
  latency_ms: Int;
  error: string | null;
  at: Int;
}

/** `rebalances` (migration 006). */
export interface RebalancesTable {
  id: string;
  status: string;
  out_chan_id: string;
  in_peer: string;
  in_chan_id: string | null;
  amount_sat: Int;
  fee_msat: Int;
  max_fee_msat: Int;
  payment_hash: string | null;
  failure_reason: string | null;
  failure_message: string | null;
  is_automatic: Int;
  idempotency_key: string | null;
  created_at: Int;
  updated_at: Int;
  completed_at: NullableInt;
  /** Migration 008. */
  node_pubkey: string | null;
}

/** The whole database as Kysely sees it. */
/** `nodes` (migration 003). */
export interface NodesTable {
  pubkey: string;
  network: string | null;
  alias: string | null;
  bound_at: Int;
  anchor_add_index: NullableInt;
  anchor_payment_hash: string | null;
  updated_at: Int;
  /** Migration 007. */
  name: string | null;
}

export interface SqliteSchema {
  invoices: InvoicesTable;
  payments: PaymentsTable;
  checkpoints: CheckpointsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  nodes: NodesTable;
  rebalances: RebalancesTable;
}
