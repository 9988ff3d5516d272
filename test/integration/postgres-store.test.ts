/**
 * The PostgreSQL store against a real server: every Store conformance case (each on an empty
 * schema: the file's recycled one, see postgresForTests), the column types, error mapping and the config checks.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedStoreConformanceCases, storeConformanceCases } from '../../src/store/conformance.js';
import { BIG_MSAT, makeDelivery, makeEvent, makeInvoice } from '../../src/store/conformance/fixtures.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { postgresForTests } from '../helpers/postgres.js';

const server = await postgresForTests('store');
afterAll(() => server.cleanup());

describe.skipIf(server.skip)('createPostgresStore', () => {
  describe('conformance', () => {
    // The first store of a case opens the file's recycled schema (emptied, already migrated); any
    // further store the case opens gets a schema of its own.
    for (const c of storeConformanceCases)
      it(c.name, () => {
        let first = true;
        return c.run(async () => {
          const schema = first ? await server.recycledSchema() : server.newSchema();
          first = false;
          return createPostgresStore({ connectionString: server.url, max: 4 }, { schema });
        });
      });
  });

  describe('conformance: two stores on one schema are two processes', () => {
    for (const c of sharedStoreConformanceCases)
      it(c.name, () => {
        let first = true;
        return c.run(async () => {
          const schema = first ? await server.recycledSchema() : server.newSchema();
          first = false;
          return [
            createPostgresStore({ connectionString: server.url, max: 4 }, { schema }),
            createPostgresStore({ connectionString: server.url, max: 4 }, { schema }),
          ] as const;
        });
      });
  });

  it('stores msat as bigint, EUR as numeric, times as timestamptz, metadata as json', async () => {
    const schema = server.newSchema();
    const store = createPostgresStore({ connectionString: server.url }, { schema });
    await store.migrate();
    const invoice = makeInvoice({ amountMsat: BIG_MSAT });
    await store.invoices.insert(invoice);
    await store.close();
    const columns = await server.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'invoices'`,
      [schema],
    );
    const types = Object.fromEntries(columns.map((c) => [c.column_name, c.data_type]));
    expect(types).toMatchObject({
      amount_msat: 'bigint',
      amount_paid_msat: 'bigint',
      add_index: 'bigint',
      amount_eur: 'numeric',
      rate: 'numeric',
      created_at: 'timestamp with time zone',
      metadata: 'json',
      is_hold: 'boolean',
    });
    const [row] = await server.query<Record<string, string>>(
      `SELECT amount_msat::text AS msat, amount_eur::text AS eur, rate::text AS rate, extract(epoch from created_at) * 1000 AS ms FROM "${schema}".invoices`,
    );
    expect(row).toMatchObject({ msat: BIG_MSAT.toString(), eur: '19.99', rate: '87654.32' });
    expect(Number(row!.ms)).toBe(invoice.createdAt.getTime());
  });

  it('reads exact values through a pool whose global type parsers were changed by the host app', async () => {
    const schema = server.newSchema();
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    const original = pg.types.getTypeParser(20);
    pg.types.setTypeParser(20, (v: string) => parseInt(v, 10)); // lossy above 2^53
    try {
      const store = createPostgresStore({ pool }, { schema });
      await store.migrate();
      const invoice = makeInvoice({ amountMsat: BIG_MSAT });
      await store.invoices.insert(invoice);
      expect((await store.invoices.get(invoice.id))?.amountMsat).toBe(BIG_MSAT);
      await store.close();
      // close() leaves a caller's pool open.
      expect((await pool.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    } finally {
      pg.types.setTypeParser(20, original);
      await pool.end();
    }
  });

  it('maps errors: conflict → STORE_CONFLICT, orphan → STORE_ERROR; a tx that went on after a failed statement rolls back', async () => {
    const store = createPostgresStore({ connectionString: server.url }, { schema: server.newSchema() });
    await store.migrate();
    const invoice = makeInvoice();
    await store.invoices.insert(invoice);
    await expect(store.invoices.insert(invoice)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    await expect(store.transaction(() => store.invoices.get(invoice.id))).rejects.toMatchObject({
      code: 'STORE_ERROR',
    });
    const event = makeEvent();
    const error = await store
      .transaction(async (tx) => {
        await tx.webhookOutbox.enqueue(event, [makeDelivery(event.id)]);
        await tx.webhookOutbox.insertDelivery(makeDelivery('msg_missing')).catch(() => undefined);
        await tx.checkpoints.advance('after', 1n).catch(() => undefined);
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_ERROR', message: expect.stringMatching(/rolled back/) });
    expect(await store.webhookOutbox.getEvent(event.id)).toBeUndefined();
    expect(await store.checkpoints.get('after')).toBeUndefined();
    await store.close();
  });

  it.each([
    ['no config', undefined, {}],
    ['empty connection string', { connectionString: '' }, {}],
    ['zero pool size', { connectionString: 'postgres://x@127.0.0.1/db', max: 0 }, {}],
    ['not a pool', { pool: {} }, {}],
    ['schema with a quote', { connectionString: 'postgres://x@127.0.0.1/db' }, { schema: 'a"b' }],
    ['schema starting with a digit', { connectionString: 'postgres://x@127.0.0.1/db' }, { schema: '1abc' }],
  ])('rejects %s with INVALID_INPUT', (_label, config, options) => {
    expect(() => createPostgresStore(config as never, options as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('an unreachable server is a STORE_ERROR on first use, not at creation', async () => {
    const store = createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_ERROR' });
    await expect(store.migrate()).rejects.toMatchObject({ code: 'STORE_ERROR' });
    await store.close();
  });
});
