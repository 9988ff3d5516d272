/**
 * The plan test (#18): every statement lnkit's SQLite and PostgreSQL stores issue — recorded
 * from the driver while a workload calls every repository method with every list filter
 * combination — is explained, and the test fails on a full scan of a growing table, a sort for
 * ORDER BY, or an equality filter no index serves. Dropping one of lnkit's indexes makes it fail.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import type { PostgresPool, PostgresQueryConfig } from '../../src/store/postgres/context.js';
import { postgresForTests } from '../helpers/postgres.js';
import { GROWING_TABLES, postgresPlanProblems, sqlitePlanProblems } from './plan-rules.js';
import { exerciseEveryQuery } from './workload.js';

const mentionsGrowingTable = (text: string) =>
  /^\s*(SELECT|UPDATE|DELETE|WITH|INSERT)/i.test(text) &&
  !text.includes('lnkit_migration') &&
  GROWING_TABLES.some((t) => new RegExp(`\\b${t}\\b`).test(text));

/** Runs the workload on a SQLite store and returns the problems of every recorded statement. */
async function sqliteProblems(dropIndex?: string): Promise<{ statements: number; problems: string[] }> {
  const database = new Database(':memory:');
  const seen = new Set<string>();
  const prepare = database.prepare.bind(database);
  database.prepare = ((text: string) => {
    seen.add(text);
    return prepare(text);
  }) as typeof database.prepare;
  const store = createSqliteStore({ database });
  await store.migrate();
  if (dropIndex) database.exec(`DROP INDEX ${dropIndex}`);
  await exerciseEveryQuery(store);
  await store.close();
  const statements = [...seen].filter(mentionsGrowingTable);
  const problems: string[] = [];
  for (const text of statements) {
    const named = Object.fromEntries([...text.matchAll(/@(\w+)/g)].map((m) => [m[1]!, null]));
    const positional = (text.match(/\?/g) ?? []).map(() => null);
    const plan = prepare(`EXPLAIN QUERY PLAN ${text}`);
    const rows = (Object.keys(named).length > 0 ? plan.all(named) : plan.all(...positional)) as { detail: string }[];
    for (const p of sqlitePlanProblems(
      text,
      rows.map((r) => r.detail),
    ))
      problems.push(`${p}\n    in: ${text}`);
  }
  database.close();
  return { statements: statements.length, problems };
}

describe('query plans: SQLite', () => {
  it('no statement scans a growing table, sorts for ORDER BY or filters outside an index', async () => {
    const { statements, problems } = await sqliteProblems();
    expect(statements).toBeGreaterThan(60);
    expect(problems).toEqual([]);
  });

  it.each([
    ['payments_direction_status_created_idx', /filter on (status|direction)/],
    ['invoices_status_created_idx', /filter on status|temporary B-tree/],
    ['invoices_open_expires_idx', /temporary B-tree|full scan/],
    ['webhook_deliveries_pending_due_idx', /temporary B-tree|full scan/],
    ['webhook_attempts_delivery_order_idx', /temporary B-tree|full scan/],
    ['webhook_events_created_idx', /full scan of webhook_events/],
  ])('fails when index %s is dropped', async (index, expected) => {
    const { problems } = await sqliteProblems(index);
    expect(problems.join('\n')).toMatch(expected);
  });
});

const server = await postgresForTests('plans');
afterAll(() => server.cleanup());

/** Runs the workload on a PostgreSQL store and returns the problems of every recorded statement. */
async function postgresProblems(dropIndex?: string): Promise<{ statements: number; problems: string[] }> {
  const schema = server.newSchema();
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  const seen = new Map<string, readonly unknown[]>();
  const record = (config: PostgresQueryConfig) => {
    if (!seen.has(config.text)) seen.set(config.text, config.values ?? []);
  };
  const recording: PostgresPool = {
    async query(config) {
      record(config);
      return pool.query(config as pg.QueryConfig) as never;
    },
    async connect() {
      const client = await pool.connect();
      return {
        query(config: PostgresQueryConfig) {
          record(config);
          return client.query(config as pg.QueryConfig) as never;
        },
        release: (error?: Error | boolean) => client.release(error),
      };
    },
    end: async () => undefined,
  };
  const store = createPostgresStore({ pool: recording }, { schema });
  try {
    await store.migrate();
    if (dropIndex) await pool.query(`DROP INDEX "${schema}".${dropIndex}`);
    await exerciseEveryQuery(store);
  } finally {
    await store.close();
  }
  const statements = [...seen].filter(([text]) => mentionsGrowingTable(text));
  const problems: string[] = [];
  const client = await pool.connect();
  try {
    for (const [text, values] of statements) {
      await client.query('BEGIN');
      // With these off, a Seq Scan or a Sort in the plan means no index can do the job.
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_sort = off');
      const result = await client.query({ text: `EXPLAIN ${text}`, values: values as unknown[] });
      await client.query('ROLLBACK');
      const lines = result.rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
      for (const p of postgresPlanProblems(text, lines)) problems.push(`${p}\n    in: ${text}`);
      // lnkit runs its statements prepared, and after five executions PostgreSQL may keep a
      // generic plan (one made without the values): that plan must obey the same rules.
      if (values.length === 0) continue;
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_sort = off');
      await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
      await client.query(`PREPARE lnkit_plan_test AS ${text}`);
      const generic = await client.query(`EXPLAIN EXECUTE lnkit_plan_test(${values.map(() => 'NULL').join(', ')})`);
      await client.query('ROLLBACK');
      await client.query('DEALLOCATE lnkit_plan_test');
      const genericLines = generic.rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
      for (const p of postgresPlanProblems(text, genericLines)) problems.push(`${p} (generic plan)\n    in: ${text}`);
    }
  } finally {
    client.release();
    await pool.end();
  }
  return { statements: statements.length, problems };
}

describe.skipIf(server.skip)('query plans: PostgreSQL', () => {
  it('no statement scans a growing table, sorts for ORDER BY or filters outside an index', async () => {
    const { statements, problems } = await postgresProblems();
    expect(statements).toBeGreaterThan(60);
    expect(problems).toEqual([]);
  }, 60_000);

  it.each([
    ['payments_direction_status_created_idx', /filter on (status|direction)|sort/],
    ['webhook_events_created_idx', /full scan of webhook_events|sort/],
  ])(
    'fails when index %s is dropped',
    async (index, expected) => {
      const { problems } = await postgresProblems(index);
      expect(problems.join('\n')).toMatch(expected);
    },
    60_000,
  );
});
