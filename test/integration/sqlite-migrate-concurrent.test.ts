/**
 * Several processes starting on one new SQLite file at the same moment (a leader and its followers
 * deployed together): every one migrates without error, each migration runs once, and the schema is
 * whole. Kysely runs SQLite migrations without a transaction or a lock, so without the store's own
 * BEGIN IMMEDIATE around them the second process ran 001 again and failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { MIGRATION_TABLE, sqliteMigrations } from '../../src/store/sqlite/migrations/index.js';
import { spawnTsx } from '../helpers/child-process.js';

const CHILD = fileURLToPath(new URL('./sqlite-migrate-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lnkit-migrate-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('four processes migrating one new file at the same moment all succeed, each migration applied once', async () => {
  const file = join(dir, 'shared.db');
  // Long enough for every child to have loaded tsx and opened the file before the moment comes.
  const startAt = String(Date.now() + 4_000);
  const children = Array.from({ length: 4 }, () => spawnTsx(CHILD, { LNKIT_DB: file, LNKIT_START_AT: startAt }));
  const codes = await Promise.all(children.map((child) => child.exited));
  expect(children.map((child) => child.lines.join(' '))).toEqual(Array(4).fill('migrated'));
  expect(codes).toEqual([0, 0, 0, 0]);
  const db = new Database(file, { readonly: true });
  try {
    const names = (db.prepare(`SELECT name FROM ${MIGRATION_TABLE} ORDER BY name`).all() as { name: string }[]).map(
      (row) => row.name,
    );
    expect(names).toEqual(Object.keys(sqliteMigrations).sort());
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'invoices'").get(),
    ).toEqual({ n: 1 });
  } finally {
    db.close();
  }
}, 60_000);
