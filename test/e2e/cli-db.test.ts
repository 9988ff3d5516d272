/**
 * `lnkit db` end to end (#18): real processes against a real SQLite file, no LND: stats, a dry
 * run that changes nothing, prune, vacuum, and check — which fails on a dropped index.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { CLI_ARGS } from '../helpers/cli-entry.js';

const DAY = 86_400_000;
let dir: string;
let file: string;

function lnkit(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...CLI_ARGS, '--db', file, ...args], {
      env: { PATH: process.env.PATH, HOME: dir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-cli-db-'));
  file = join(dir, 'lnkit.db');
  const store = createSqliteStore({ filename: file });
  await store.migrate();
  await store.close();
  const db = new Database(file);
  const now = Date.now();
  db.exec(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < 1100)
    INSERT INTO webhook_events (id, type, body, created_at)
    SELECT printf('msg_%08d', i), 'invoice.settled', '{}', CASE WHEN i < 1000 THEN ${now - 60 * DAY} + i ELSE ${now - DAY} + i END FROM seq`);
  db.exec(`INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, updated_at)
    SELECT 'whd_' || substr(id, 5), id, 'whe_x', 'delivered', 1, NULL, 200, NULL, created_at, created_at + 1 FROM webhook_events`);
  // The event log: 400 entries 3 days old, 10 from the last minute; a consumer has read up to seq 300.
  db.exec(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < 410)
    INSERT INTO event_log (type, payload, created_at)
    SELECT 'payment.received', '{}', CASE WHEN i < 400 THEN ${now - 3 * DAY} + i ELSE ${now} - 60000 + i END FROM seq`);
  db.exec("INSERT INTO event_cursors (name, seq) VALUES ('consumer:fulfilment', 300)");
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lnkit db', () => {
  it('stats, prune --dry-run, prune, vacuum and check, each with --json', async () => {
    const [stats, dry] = await Promise.all([
      lnkit(['db', 'stats', '--json']),
      lnkit(['db', 'prune', '--dry-run', '--json']),
    ]);
    expect(stats.code, stats.stderr).toBe(0);
    const tables = (JSON.parse(stats.stdout) as { tables: { table: string; rows: number; oldestAt: string | null }[] })
      .tables;
    expect(tables.find((t) => t.table === 'webhook_events')).toMatchObject({ rows: 1100 });
    expect(tables.find((t) => t.table === 'invoices')).toEqual({ table: 'invoices', rows: 0, oldestAt: null });
    expect(tables.find((t) => t.table === 'event_log')).toMatchObject({ rows: 410 });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      targets: [
        { target: 'webhookEvents', count: 1000 },
        { target: 'eventLog', count: 300 },
      ],
    });

    const pruned = await lnkit(['db', 'prune', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({
      dryRun: false,
      targets: [
        { target: 'webhookEvents', count: 1000 },
        { target: 'eventLog', count: 300 },
      ],
    });
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM webhook_events').pluck().get()).toBe(100);
    // Past the consumer's cursor, or younger than the window: kept.
    expect(db.prepare('SELECT min(seq) FROM event_log').pluck().get()).toBe(301);
    expect(db.prepare('SELECT count(*) FROM event_log').pluck().get()).toBe(110);
    db.close();

    const [vacuum, check] = [await lnkit(['db', 'vacuum', '--json']), await lnkit(['db', 'check', '--json'])];
    expect(vacuum.code, vacuum.stderr).toBe(0);
    expect(JSON.parse(vacuum.stdout)).toHaveProperty('sizeBytesAfter');
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toEqual({ ok: true, problems: [] });
  }, 60_000);

  it('check exits 1 and names a dropped index', async () => {
    const db = new Database(file);
    db.exec('DROP INDEX invoices_status_created_idx');
    db.close();
    const check = await lnkit(['db', 'check', '--json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/missing index invoices_status_created_idx/)],
    });
  }, 30_000);

  it('rejects a bad --webhook-days with a usage error', async () => {
    const bad = await lnkit(['db', 'prune', '--webhook-days', '-3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/non-negative number of days/);
  }, 30_000);
});
