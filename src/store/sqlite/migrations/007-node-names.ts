/**
 * Migration 007 (#16): a node's name (`createLightning({ lnd: { alice: … } })`), unique per store so
 * that a name stays with its pubkey. Null for nodes configured as a single client.
 */
import { sql, type Migration } from 'kysely';

/** Adds `nodes.name` and its unique index. */
export const migration007NodeNames: Migration = {
  async up(db) {
    await sql.raw('ALTER TABLE nodes ADD COLUMN name TEXT').execute(db);
    await sql.raw('CREATE UNIQUE INDEX nodes_name_idx ON nodes (name)').execute(db);
  },
  async down(db) {
    await sql.raw('DROP INDEX nodes_name_idx').execute(db);
    await sql.raw('ALTER TABLE nodes DROP COLUMN name').execute(db);
  },
};
