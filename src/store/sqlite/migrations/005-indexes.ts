/**
 * Migration 005 (#18): indexes that keep every list flat at millions of rows, and the ones
 * retention walks. Each list filter combination has an index whose order is the list's order
 * (created_at desc, id desc), so a page reads about `limit` index entries whatever the history;
 * multi-status filters run as one arm per status merged in order (see list-arms.ts).
 * HODL invoices are few: partial indexes `WHERE is_hold = 1` serve the isHold filter cheaply.
 * Never edit a released migration: add a new one.
 */
import { sql, type Migration } from 'kysely';

/** The indexes this migration creates (`lnkit db check` verifies they exist). */
export const MIGRATION_005_INDEXES = [
  'CREATE INDEX invoices_hold_created_idx ON invoices (created_at, id) WHERE is_hold = 1',
  'CREATE INDEX invoices_hold_status_created_idx ON invoices (status, created_at, id) WHERE is_hold = 1',
  // listExpired orders by (expires_at, id): only open invoices can expire.
  "CREATE INDEX invoices_open_expires_idx ON invoices (expires_at, id) WHERE status = 'open'",
  'CREATE INDEX payments_direction_status_created_idx ON payments (direction, status, created_at, id)',
  // The dispatcher's due query and countPending read only pending rows.
  "CREATE INDEX webhook_deliveries_pending_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending'",
  'CREATE INDEX webhook_deliveries_endpoint_status_idx ON webhook_deliveries (endpoint_id, status, created_at, id)',
  'CREATE INDEX webhook_attempts_delivery_order_idx ON webhook_attempts (delivery_id, at, attempt, id)',
  // Retention walks events oldest first.
  'CREATE INDEX webhook_events_created_idx ON webhook_events (created_at, id)',
] as const;

/** Indexes of migrations 001/002 that 005 supersedes (same leading columns, order completed). */
const DROPPED = ['invoices_status_expires_idx', 'webhook_deliveries_due_idx', 'webhook_attempts_delivery_idx'];

/** Creates the #18 indexes. */
export const migration005Indexes: Migration = {
  async up(db) {
    for (const statement of MIGRATION_005_INDEXES) await sql.raw(statement).execute(db);
    for (const name of DROPPED) await sql.raw(`DROP INDEX ${name}`).execute(db);
    // Fresh statistics so the planner weighs the new indexes (cheap: samples with analysis_limit).
    await sql.raw('PRAGMA analysis_limit = 1000').execute(db);
    await sql.raw('ANALYZE').execute(db);
  },
  async down(db) {
    await sql.raw('CREATE INDEX invoices_status_expires_idx ON invoices (status, expires_at)').execute(db);
    await sql
      .raw('CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at)')
      .execute(db);
    await sql
      .raw('CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, at, attempt)')
      .execute(db);
    for (const statement of MIGRATION_005_INDEXES) {
      const name = /INDEX (\w+)/.exec(statement)![1]!;
      await sql.raw(`DROP INDEX ${name}`).execute(db);
    }
  },
};
