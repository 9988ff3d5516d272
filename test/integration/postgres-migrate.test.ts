/**
 * Migrations on a real PostgreSQL: replicas starting at the same instant on an empty schema all
 * come up, and the migrations run once (the advisory lock).
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { postgresMigrations } from '../../src/store/postgres/migrations/index.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { makeInvoice } from '../../src/store/conformance/fixtures.js';
import { postgresForTests } from '../helpers/postgres.js';

const server = await postgresForTests('migrate');
afterAll(() => server.cleanup());
const names = Object.keys(postgresMigrations).sort();

describe.skipIf(server.skip)('PostgreSQL migrations', () => {
  it('two stores migrating at the same instant on an empty schema both succeed; each migration is recorded once', async () => {
    const schema = server.newSchema();
    const stores = [0, 1, 2].map(() => createPostgresStore({ connectionString: server.url, max: 2 }, { schema }));
    await Promise.all(stores.map((s) => s.migrate()));
    const rows = await server.query<{ name: string }>(`SELECT name FROM "${schema}".lnkit_migration ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(names);
    // Each store works on the shared schema.
    const invoice = makeInvoice();
    await stores[0]!.invoices.insert(invoice);
    expect((await stores[2]!.invoices.get(invoice.id))?.id).toBe(invoice.id);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('under the lock one caller applies every migration and the others find nothing to do', async () => {
    const schema = server.newSchema();
    const pools = [0, 1].map(() => new pg.Pool({ connectionString: server.url, max: 1 }));
    try {
      const results = await Promise.all(pools.map((pool) => migratePostgres(pool, schema)));
      expect(results.map((r) => r.length).sort()).toEqual([0, names.length]);
      expect(results.find((r) => r.length > 0)).toEqual(names);
      expect(await migratePostgres(pools[0]!, schema)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses a schema migrated by a newer lnkit (an unknown migration) with STORE_ERROR', async () => {
    const schema = server.newSchema();
    const store = createPostgresStore({ connectionString: server.url }, { schema });
    await store.migrate();
    await server.query(`INSERT INTO "${schema}".lnkit_migration (name) VALUES ('999_future')`);
    await expect(store.migrate()).rejects.toMatchObject({
      code: 'STORE_ERROR',
      message: expect.stringContaining('999_future'),
    });
    await store.close();
  });
});
