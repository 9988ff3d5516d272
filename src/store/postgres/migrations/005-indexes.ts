/**
 * Migration 005 (#18): indexes that keep every list flat at millions of rows, and the ones
 * retention walks. Each list filter combination has an index whose order is the list's order
 * (created_at desc, id desc); multi-status filters run as one arm per status merged in order
 * (Merge Append). HODL invoices are few: partial indexes `WHERE is_hold` serve the isHold filter.
 * Never edit a released migration.
 */
import type { PostgresMigration } from './types.js';

/** Creates the #18 indexes in schema `s` (already quoted). */
export const migration005Indexes: PostgresMigration = (s) => [
  `CREATE INDEX invoices_hold_created_idx ON ${s}.invoices (created_at, id) WHERE is_hold`,
  `CREATE INDEX invoices_hold_status_created_idx ON ${s}.invoices (status, created_at, id) WHERE is_hold`,
  `CREATE INDEX invoices_open_expires_idx ON ${s}.invoices (expires_at, id) WHERE status = 'open'`,
  `DROP INDEX ${s}.invoices_status_expires_idx`,
  `CREATE INDEX payments_direction_status_created_idx ON ${s}.payments (direction, status, created_at, id)`,
  `CREATE INDEX webhook_deliveries_endpoint_status_idx ON ${s}.webhook_deliveries (endpoint_id, status, created_at, id)`,
  `CREATE INDEX webhook_attempts_delivery_order_idx ON ${s}.webhook_attempts (delivery_id, at, attempt, id)`,
  `DROP INDEX ${s}.webhook_attempts_delivery_idx`,
  `CREATE INDEX webhook_events_created_idx ON ${s}.webhook_events (created_at, id)`,
];
