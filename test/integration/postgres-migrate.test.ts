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
import { createLightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';

const server = await postgresForTests('migrate');
let sim: LndSimulator | undefined;
const clients: LndClient[] = [];
afterAll(async () => {
  for (const client of clients) await client.close();
  await sim?.stop();
  await server.cleanup();
});
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

  it('two replicas (createLightning) started at the same instant on an empty schema both come up, one migration run, one leader', async () => {
    sim = await startLndSimulator();
    const alice = sim.node('alice');
    const schema = server.newSchema();
    const replicas = [0, 1].map(() => {
      const lnd = createLndClient({
        socket: alice.socket,
        cert: alice.cert,
        macaroon: alice.macaroons.admin,
        serverNameOverride: 'localhost',
      });
      clients.push(lnd);
      return createLightning({
        lnd,
        rates: createFixedRates('90000'),
        store: createPostgresStore({ connectionString: server.url, max: 3 }, { schema }),
      });
    });
    await Promise.all(replicas.map((r) => r.start()));
    try {
      // One run: every migration recorded once, all by one transaction (one now()).
      const rows = await server.query<{ name: string; applied_at: Date }>(
        `SELECT name, applied_at FROM "${schema}".lnkit_migration ORDER BY name`,
      );
      expect(rows.map((r) => r.name)).toEqual(names);
      expect(new Set(rows.map((r) => r.applied_at.getTime())).size).toBe(1);
      expect(replicas.map((r) => r.isLeader).sort()).toEqual([false, true]);
      // Both work: an invoice created by the follower is read by the leader.
      const follower = replicas.find((r) => !r.isLeader)!;
      const invoice = await follower.invoices.create({ amountSat: 10, description: 'both up' });
      expect((await replicas.find((r) => r.isLeader)!.invoices.get(invoice.id)).id).toBe(invoice.id);
      for (const r of replicas) {
        const leader = (await r.health()).checks.find((c) => c.name === 'leader');
        expect(leader?.healthy).toBe(true);
      }
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });
});
