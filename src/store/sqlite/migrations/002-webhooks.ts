/**
 * Migration 002: the webhook outbox (endpoints, events, deliveries, attempts).
 * A delivery belongs to an event and an attempt to a delivery (foreign keys); the endpoint id is
 * not a foreign key so that removing an endpoint keeps its delivery log.
 */
import { sql, type Migration } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secrets TEXT NOT NULL,
    events TEXT,
    allow_insecure INTEGER NOT NULL,
    allow_private_network INTEGER NOT NULL,
    is_enabled INTEGER NOT NULL,
    disabled_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  'CREATE INDEX webhook_endpoints_created_idx ON webhook_endpoints (created_at, id)',
  `CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES webhook_events (id),
    endpoint_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    last_status_code INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`,
  'CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at)',
  'CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at, id)',
  'CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at, id)',
  'CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id, created_at, id)',
  'CREATE INDEX webhook_deliveries_status_created_idx ON webhook_deliveries (status, created_at, id)',
  `CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt INTEGER NOT NULL,
    status_code INTEGER,
    latency_ms INTEGER NOT NULL,
    error TEXT,
    at INTEGER NOT NULL
  ) STRICT`,
  'CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, at, attempt)',
];

/** Creates the webhook outbox tables. */
export const migration002Webhooks: Migration = {
  async up(db) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
  async down(db) {
    for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_events', 'webhook_endpoints']) {
      await sql.raw(`DROP TABLE ${table}`).execute(db);
    }
  },
};
