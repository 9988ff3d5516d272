/**
 * Migration 002: the webhook outbox (endpoints, events, deliveries, attempts). A delivery belongs
 * to an event and an attempt to a delivery (foreign keys); the endpoint id is not a foreign key so
 * that removing an endpoint keeps its delivery log. Never edit a released migration.
 */
import type { PostgresMigration } from './types.js';

/** Creates the webhook outbox tables in schema `s` (already quoted). */
export const migration002Webhooks: PostgresMigration = (s) => [
  `CREATE TABLE ${s}.webhook_endpoints (
    id text COLLATE "C" PRIMARY KEY,
    url text NOT NULL,
    secrets json NOT NULL,
    events json,
    allow_insecure boolean NOT NULL,
    allow_private_network boolean NOT NULL,
    is_enabled boolean NOT NULL,
    disabled_reason text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX webhook_endpoints_created_idx ON ${s}.webhook_endpoints (created_at, id)`,
  `CREATE TABLE ${s}.webhook_events (
    id text COLLATE "C" PRIMARY KEY,
    type text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  `CREATE TABLE ${s}.webhook_deliveries (
    id text COLLATE "C" PRIMARY KEY,
    event_id text COLLATE "C" NOT NULL REFERENCES ${s}.webhook_events (id),
    endpoint_id text COLLATE "C" NOT NULL,
    status text NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamptz,
    last_status_code integer,
    last_error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  // Only pending rows are ever due: a partial index keeps the dispatcher's claim query small.
  `CREATE INDEX webhook_deliveries_due_idx ON ${s}.webhook_deliveries (next_attempt_at, id) WHERE status = 'pending'`,
  `CREATE INDEX webhook_deliveries_created_idx ON ${s}.webhook_deliveries (created_at, id)`,
  `CREATE INDEX webhook_deliveries_endpoint_idx ON ${s}.webhook_deliveries (endpoint_id, created_at, id)`,
  `CREATE INDEX webhook_deliveries_event_idx ON ${s}.webhook_deliveries (event_id, created_at, id)`,
  `CREATE INDEX webhook_deliveries_status_created_idx ON ${s}.webhook_deliveries (status, created_at, id)`,
  `CREATE TABLE ${s}.webhook_attempts (
    id text COLLATE "C" PRIMARY KEY,
    delivery_id text COLLATE "C" NOT NULL REFERENCES ${s}.webhook_deliveries (id),
    attempt integer NOT NULL,
    status_code integer,
    latency_ms integer NOT NULL,
    error text,
    at timestamptz NOT NULL
  )`,
  `CREATE INDEX webhook_attempts_delivery_idx ON ${s}.webhook_attempts (delivery_id, at, attempt)`,
];
