/**
 * `npm run demo`: the embedded LND simulator (alice the merchant, bob a payer, carol a router),
 * alice's lnkit over gRPC + TLS + macaroon with a SQLite file; a €19.99 invoice, bob pays it through
 * carol with a real SendPaymentV2, the settlement is stored and the row printed. Exits 0 on success.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLightning } from 'lnkit';
import { createLndClient } from 'lnkit/lnd';
import { createSqliteStore } from 'lnkit/store-sqlite';
import { createFixedRates, startLndSimulator } from 'lnkit/testing';

const dir = mkdtempSync(join(tmpdir(), 'lnkit-demo-'));
const sim = await startLndSimulator();
const alice = sim.node('alice');
const bob = sim.node('bob');
console.log(`simulator alice ${alice.socket} (${alice.pubkey.slice(0, 16)}…), bob ${bob.socket}, carol routing`);

const lnd = createLndClient({
  socket: alice.socket,
  cert: alice.cert,
  macaroon: alice.macaroons.admin,
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
  rates: createFixedRates('87654.32'),
  store: createSqliteStore({ filename: join(dir, 'lnkit.db') }),
});

try {
  await lightning.start();
  const invoice = await lightning.invoices.create({
    amountEur: '19.99',
    description: 'Demo order #1',
    metadata: { order: 1 },
  });
  console.log(
    `invoice   ${invoice.id}  €${invoice.amountEur?.toFixed(2)} at ${invoice.rate?.toFixed()} EUR/BTC = ${invoice.amountMsat / 1000n} sat (rounded up)`,
  );
  console.log(`request   ${invoice.paymentRequest.slice(0, 64)}…`);

  const settled = lightning.events.waitFor('payment.received', (e) => e.invoice?.id === invoice.id, 15_000);
  let last;
  for await (const update of bobLnd.sendPayment({
    paymentRequest: invoice.paymentRequest,
    feeLimitMsat: 100_000n,
    timeoutSeconds: 30,
  }))
    last = update;
  if (last?.status !== 'SUCCEEDED') throw new Error(`bob's payment ended ${last?.status} (${last?.failureReason})`);
  console.log(
    `bob paid  ${last.valueMsat / 1000n} sat + ${last.feeMsat} msat routing fee to carol (gRPC SendPaymentV2)`,
  );

  const { payment } = await settled;
  console.log(
    `settled   payment ${payment.id}: ${payment.amountMsat / 1000n} sat received, settle index ${payment.settleIndex}`,
  );
  const row = await lightning.invoices.get(invoice.id);
  console.log('stored row (SQLite):');
  console.table({
    id: row.id,
    status: row.status,
    amount_msat: row.amountMsat.toString(),
    amount_eur: row.amountEur?.toFixed(2),
    rate: row.rate?.toFixed(),
    rate_source: row.rateSource,
    settle_index: row.settleIndex?.toString(),
    settled_at: row.settledAt?.toISOString(),
  });
  if (row.status !== 'settled') throw new Error(`expected the invoice to be settled, it is ${row.status}`);
} finally {
  await lightning.stop();
  await lnd.close();
  await bobLnd.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
