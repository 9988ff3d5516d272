/**
 * A host that only takes payments runs on invoice.macaroon: start, create, settle and health work;
 * what needs more (GetInfo-based checks, outgoing payments) fails with a typed permission error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { createCollectingLogger } from '../helpers/collect.js';

let sim: LndSimulator;
let dir: string;
beforeAll(async () => {
  sim = await startLndSimulator();
  dir = mkdtempSync(join(tmpdir(), 'lnkit-leastpriv-'));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('invoice.macaroon: invoices are created and settled, health is ok, payments are refused with LND_PERMISSION', async () => {
  const alice = sim.node('alice');
  const bob = sim.node('bob');
  const lnd = createLndClient({
    socket: alice.socket,
    cert: alice.cert,
    macaroon: alice.macaroons.invoice,
    serverNameOverride: 'localhost',
  });
  const bobLnd = createLndClient({
    socket: bob.socket,
    cert: bob.cert,
    macaroon: bob.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  const lightning = createLightning({
    lnd,
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, 'a.db') }),
    logger: createCollectingLogger(),
  });
  await lightning.start();
  expect(lightning.node).toBeNull();

  const invoice = await lightning.invoices.create({ amountEur: '9', description: 'least privilege' });
  const settled = lightning.events.waitFor('invoice.settled', (e) => e.invoice.id === invoice.id, 15_000);
  for await (const update of bobLnd.sendPayment({ paymentRequest: invoice.paymentRequest, feeLimitMsat: 10_000n }))
    void update;
  expect((await settled).invoice.status).toBe('settled');

  const health = await lightning.health();
  expect(health.status).toBe('ok');
  expect(health.checks.find((c) => c.name === 'lnd_connection')?.detail).toMatch(/GetInfo not permitted/);

  const other = await bobLnd.addInvoice({ valueMsat: 5_000n, memo: 'for alice to pay' });
  await expect(lightning.payments.pay({ request: other.paymentRequest })).rejects.toMatchObject({
    code: 'LND_PERMISSION',
  });

  await lightning.stop();
  await lnd.close();
  await bobLnd.close();
});

it('readonly.macaroon starts lnkit (dashboards) but creating an invoice fails with LND_PERMISSION, writing nothing', async () => {
  const alice = sim.node('alice');
  const lnd = createLndClient({
    socket: alice.socket,
    cert: alice.cert,
    macaroon: alice.macaroons.readonly,
    serverNameOverride: 'localhost',
  });
  const lightning = createLightning({
    lnd,
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, 'b.db') }),
    logger: createCollectingLogger(),
  });
  await lightning.start();
  // readonly may read invoices and GetInfo, but creating an invoice is refused by LND.
  await expect(lightning.invoices.create({ amountSat: 5, description: 'nope' })).rejects.toMatchObject({
    code: 'LND_PERMISSION',
  });
  expect((await lightning.invoices.list()).items).toHaveLength(0);
  await lightning.stop();
  await lnd.close();
});
