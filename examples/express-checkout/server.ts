/**
 * `npm run example:checkout`: the shop on the embedded LND simulator. alice is the shop's node
 * (lnkit over gRPC + TLS + macaroon, a SQLite file), bob a customer's wallet, carol a router. Prints the
 * shop's URL and the command that pays the open invoice from bob. Ctrl+C stops everything.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLightning } from '../../src/index.js';
import { createLndClient } from '../../src/lnd/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createFixedRates, startLndSimulator } from '../../src/testing/index.js';
import { createCheckoutApp } from './app.js';
import { STATE_FILE, type ShopState } from './state.js';

const port = Number(process.env.PORT ?? 3000);
const dir = mkdtempSync(join(tmpdir(), 'lnkit-checkout-'));
const sim = await startLndSimulator();
const alice = sim.node('alice');
const lightning = createLightning({
  lnd: createLndClient({
    socket: alice.socket,
    cert: alice.cert,
    macaroon: alice.macaroons.admin,
    serverNameOverride: 'localhost',
  }),
  rates: createFixedRates('87654.32'),
  store: createSqliteStore({ filename: join(dir, 'shop.db') }),
  // Expired orders show "Expired" within a second.
  expirySweepIntervalMs: 1000,
});
await lightning.start();

const { app, invoices } = createCheckoutApp({ lightning });
const bob = sim.node('bob');
const state: ShopState = {
  bob: { socket: bob.socket, certPem: bob.cert, macaroonHex: bob.macaroons.admin },
  invoices: [],
};
mkdirSync(join(STATE_FILE, '..'), { recursive: true });
const saveState = (): void => writeFileSync(STATE_FILE, JSON.stringify(state), { mode: 0o600 });
saveState();

lightning.events.on('invoice.created', ({ invoice }) => {
  state.invoices.push(invoice.paymentRequest);
  saveState();
  console.log(
    `order   ${invoice.id} €${invoice.amountEur?.toFixed(2)} = ${invoice.amountMsat / 1000n} sat: pay it from bob with`,
  );
  console.log(`        npm run example:checkout:pay`);
});
// Fulfilment is server side, from the event: the page's "Paid" is for the customer only.
lightning.events.on('invoice.settled', ({ invoice }) => console.log(`paid    ${invoice.id}: ship it`));
lightning.events.on('invoice.expired', ({ invoice }) => console.log(`expired ${invoice.id}`));

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`lnkit shop on http://127.0.0.1:${port} (simulator: alice is the shop, bob the customer)`);
  console.log(`order something, then pay the open invoice from bob: npm run example:checkout:pay`);
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  invoices.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await lightning.stop();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
