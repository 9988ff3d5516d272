/**
 * Issue #10 situation 6 through the real path (gRPC over TLS to the simulator, a SQLite file): a store
 * that breaks under a running process — read-only, full, deleted — is `down` in health(), logged at
 * error level, and a settlement it could not write is never announced; once writable, it is recorded once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { createCollectingLogger } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';

let dir: string;
let sim: LndSimulator;
let alice: LndClient;
let bob: LndClient;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-broken-'));
  sim = await startLndSimulator();
  const connect = (name: string) => {
    const node = sim.node(name);
    return createLndClient({
      socket: node.socket,
      cert: node.cert,
      macaroon: node.macaroons.admin,
      serverNameOverride: 'localhost',
    });
  };
  alice = connect('alice');
  bob = connect('bob');
});
afterEach(async () => {
  await alice.close();
  await bob.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function pay(paymentRequest: string): Promise<void> {
  let status = '';
  for await (const update of bob.sendPayment({ paymentRequest, feeLimitMsat: 10_000n })) status = update.status;
  expect(status).toBe('SUCCEEDED');
}

function open(database: Database.Database, logger = createCollectingLogger()): Lightning {
  return createLightning({
    lnd: alice,
    rates: createFixedRates('90000'),
    store: createSqliteStore({ database }),
    settlement: { minBackoffMs: 5, maxBackoffMs: 50 },
    logger,
  });
}

async function storeCheck(lightning: Lightning) {
  const report = await lightning.health();
  return { status: report.status, store: report.checks.find((c) => c.name === 'store')! };
}

describe('a store that breaks under a running process (situation 6)', () => {
  it('read-only: health down, logged at error level, the settlement is announced only once it is written', async () => {
    const database = new Database(join(dir, 'ro.db'));
    const logger = createCollectingLogger();
    const lightning = open(database, logger);
    await lightning.start();
    const invoice = await lightning.invoices.create({ amountSat: 2_000n, description: 'ro' });
    expect((await storeCheck(lightning)).store).toMatchObject({ healthy: true, detail: 'writable' });
    const announced: string[] = [];
    lightning.events.on('payment.received', (e) => void announced.push(e.payment.paymentHash));

    database.pragma('query_only = ON');
    const broken = await storeCheck(lightning);
    expect(broken.status).toBe('down');
    expect(broken.store.healthy).toBe(false);
    expect(broken.store.detail).toMatch(/readonly|read-only|query_only/i);
    expect(logger.lines.join('\n')).toMatch(/"level":"error".*the store cannot write/);
    await pay(invoice.paymentRequest);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(announced).toEqual([]);

    database.pragma('query_only = OFF');
    await waitUntil(() => announced.length === 1, 10_000, 'the settlement, once the store is writable');
    expect(announced).toEqual([invoice.paymentHash]);
    expect((await storeCheck(lightning)).status).toBe('ok');
    await lightning.stop();
    database.close();
  });

  it('full (max_page_count reached): health down; what is announced is on disk, once', async () => {
    const database = new Database(join(dir, 'full.db'));
    const lightning = open(database);
    await lightning.start();
    const invoice = await lightning.invoices.create({ amountSat: 2_000n, description: 'full' });
    const announced: string[] = [];
    lightning.events.on('payment.received', (e) => void announced.push(e.payment.paymentHash));

    // Fill the file up to a page limit, as a full disk would.
    database.exec('CREATE TABLE filler (b BLOB)');
    const pages = Number(database.pragma('page_count', { simple: true }));
    database.pragma(`max_page_count = ${pages + 2}`);
    const fill = database.prepare('INSERT INTO filler (b) VALUES (zeroblob(512))');
    expect(() => {
      for (;;) fill.run();
    }).toThrow(/full/);
    const broken = await storeCheck(lightning);
    expect(broken.status).toBe('down');
    expect(broken.store.detail).toMatch(/full/);
    // A small settlement may still fit in a page with room left; whatever is announced must be on disk.
    await pay(invoice.paymentRequest);
    await new Promise((resolve) => setTimeout(resolve, 600));
    database.pragma('max_page_count = 1073741823');
    await waitUntil(() => announced.length === 1, 10_000, 'the settlement, once there is room');
    expect(announced).toEqual([invoice.paymentHash]);
    expect((await storeCheck(lightning)).status).toBe('ok');
    await lightning.stop();
    database.close();
    const reopened = new Database(join(dir, 'full.db'), { readonly: true });
    const rows = reopened.prepare("SELECT payment_hash FROM payments WHERE direction = 'in'").all();
    reopened.close();
    expect(rows).toEqual([{ payment_hash: invoice.paymentHash }]);
  });

  it('deleted file: health down, nothing is announced as recorded into a file that is gone', async () => {
    const file = join(dir, 'gone.db');
    const database = new Database(file);
    const lightning = open(database);
    await lightning.start();
    const invoice = await lightning.invoices.create({ amountSat: 2_000n, description: 'gone' });
    const announced: string[] = [];
    lightning.events.on('payment.received', (e) => void announced.push(e.payment.paymentHash));
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    const broken = await storeCheck(lightning);
    expect(broken.status).toBe('down');
    expect(broken.store.detail).toMatch(/was deleted while open/);
    await pay(invoice.paymentRequest);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(announced).toEqual([]);
    await expect(lightning.invoices.create({ amountSat: 1_000n, description: 'after' })).rejects.toMatchObject({
      code: 'STORE_ERROR',
    });
    await lightning.stop();
    database.close();
  });
});
