/**
 * `npm run demo`: alice's lnkit creates a €19.99 invoice, bob pays it, the settlement is stored
 * in a SQLite file, and the stored row is printed. Exits 0 on success.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLightning } from '../../src/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createFakeLnd, createFixedRates } from '../../src/testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lnkit-demo-'));
const filename = join(dir, 'lnkit.db');
const fake = createFakeLnd();
const lightning = createLightning({ lnd: fake.lnd, rates: createFixedRates('87654.32'), store: createSqliteStore({ filename }) });

try {
  await lightning.start();
  const invoice = await lightning.invoices.create({ amountEur: '19.99', description: 'Demo order #1', metadata: { order: 1 } });
  console.log(`invoice   ${invoice.id}  €${invoice.amountEur?.toFixed(2)} at ${invoice.rate?.toFixed()} EUR/BTC = ${invoice.amountMsat / 1000n} sat`);
  console.log(`request   ${invoice.paymentRequest.slice(0, 60)}…`);
  const settled = lightning.events.waitFor('payment.received', (e) => e.invoice?.id === invoice.id, 15_000);
  const paid = await fake.simulate.pay(invoice.paymentRequest);
  console.log(`bob paid  ${paid.valueMsat / 1000n} sat, status ${paid.status}`);
  const { payment } = await settled;
  console.log(`settled   payment ${payment.id}, ${payment.amountMsat / 1000n} sat received`);
  const row = await lightning.invoices.get(invoice.id);
  console.log('stored row:');
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
  rmSync(dir, { recursive: true, force: true });
}
