/**
 * Migration 007 (#16): a node's name (`createLightning({ lnd: { alice: … } })`), unique per store so
 * that a name stays with its pubkey. Null for nodes configured as a single client. Never edit a
 * released migration.
 */
import type { PostgresMigration } from './types.js';

/** Adds `nodes.name` and its unique index, in schema `s`. */
export const migration007NodeNames: PostgresMigration = (s) => [
  `ALTER TABLE ${s}.nodes ADD COLUMN name text COLLATE "C"`,
  `CREATE UNIQUE INDEX nodes_name_idx ON ${s}.nodes (name)`,
];
