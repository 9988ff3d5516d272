/**
 * Migration 004 (#10): leases (the one leader among processes sharing the store), the event log every
 * process's bus tails, and named consumers' cursors. Never edit a released migration.
 */
import type { PostgresMigration } from './types.js';

/** Creates the lease, event log and consumer cursor tables in schema `s` (already quoted). */
export const migration004LeasesEvents: PostgresMigration = (s) => [
  `CREATE TABLE ${s}.leases (
    name text COLLATE "C" PRIMARY KEY,
    owner text NOT NULL,
    pid integer NOT NULL,
    host text NOT NULL,
    acquired_at timestamptz NOT NULL,
    renewed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
  )`,
  `CREATE TABLE ${s}.event_log (
    seq bigserial PRIMARY KEY,
    type text NOT NULL,
    payload text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  `CREATE TABLE ${s}.event_cursors (
    name text COLLATE "C" PRIMARY KEY,
    seq bigint NOT NULL
  )`,
];
