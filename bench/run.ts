/**
 * `npm run bench`: the figures behind lnkit's speed and memory claims. Prints, never asserts.
 *   - eurToMsat conversions per second (exact integer arithmetic)
 *   - BOLT11 decodes per second (signature recovery included)
 *   - settlements committed per second through the real SQLite store (group commit, batches of 500)
 *   - heap growth while recording 20,000 settlements
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eurToMsat } from '../src/domain/amount.js';
import { decodeBolt11, encodeBolt11 } from '../src/bolt11/index.js';
import { createSqliteStore } from '../src/store/sqlite/index.js';
import { recordSettlements } from '../src/settlement/record-settlements.js';
import { createEventBus } from '../src/events/event-bus.js';
import { silentLogger } from '../src/logger.js';
import { systemClock } from '../src/domain/clock.js';
import { createMetrics } from '../src/operations/metrics.js';
import type { ServiceContext } from '../src/service-context.js';
import type { LndInvoice } from '../src/lnd/lnd-client.js';
import { createFixedRates } from '../src/rates/fixed.js';
import { newId } from '../src/ids.js';
import { enqueueWebhookEvent } from '../src/webhooks/outbox/enqueue.js';
import { webhookData } from '../src/webhooks/outbox/payloads.js';
import { signWebhook, verifyWebhook } from '../src/webhooks/index.js';

function rate(label: string, ops: number, ms: number, unit = 'ops'): void {
  console.log(
    `${label.padEnd(52)} ${Math.round((ops / ms) * 1000)
      .toLocaleString('en-US')
      .padStart(12)} ${unit}/s  (${ops.toLocaleString('en-US')} in ${ms.toFixed(0)} ms)`,
  );
}

// eurToMsat
{
  const n = 200_000;
  const t = performance.now();
  let acc = 0n;
  for (let i = 0; i < n; i++)
    acc += eurToMsat(`${(i % 100000) / 100 + 0.01}`.replace(/(\.\d\d)\d+$/, '$1'), '87654.32');
  rate('eurToMsat (string EUR, exact ceil to the sat)', n, performance.now() - t);
  if (acc < 0n) console.log(acc);
}

// BOLT11 decode
{
  const key = 'e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734';
  const request = encodeBolt11(
    {
      network: 'bcrt',
      amountMsat: 22_806_000n,
      timestamp: 1_700_000_000,
      paymentHash: '11'.repeat(32),
      paymentSecret: '22'.repeat(32),
      description: 'bench',
      expirySeconds: 3600,
      minFinalCltvExpiry: 80,
      features: [8, 14, 17],
    },
    key,
  );
  const n = 2_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) decodeBolt11(request);
  rate('decodeBolt11 (with payee recovery)', n, performance.now() - t);
}

// Webhook sign + verify
{
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const body = JSON.stringify({
    type: 'payment.received',
    timestamp: new Date().toISOString(),
    data: { invoice_id: 'inv_x', amount_sats: 22806 },
  });
  const n = 50_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const ts = Math.floor(Date.now() / 1000);
    const headers = signWebhook({ id: `msg_${i}`, timestamp: ts, body, secret });
    verifyWebhook({ body, headers, secret });
  }
  rate('signWebhook + verifyWebhook', n, performance.now() - t);
}

// Settlement group commit on SQLite
{
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-bench-'));
  const store = createSqliteStore({ filename: join(dir, 'bench.db') });
  await store.migrate();
  const ctx: ServiceContext = {
    lnd: {} as ServiceContext['lnd'],
    rates: createFixedRates('90000'),
    store,
    bus: createEventBus(silentLogger),
    clock: systemClock,
    logger: silentLogger,
    metrics: createMetrics({ readGauges: async () => [] }),
    recordEvent: async (tx, type, payload) => {
      await enqueueWebhookEvent(tx, { type, data: webhookData(type, payload), occurredAt: new Date() });
    },
    run: (op) => op(),
  };
  const total = 20_000;
  const now = new Date();
  const hashes: string[] = [];
  for (let i = 0; i < total; i += 1000) {
    await store.transaction(async (tx) => {
      for (let j = i; j < i + 1000; j++) {
        const paymentHash = j.toString(16).padStart(64, '0');
        hashes.push(paymentHash);
        await tx.invoices.insert({
          id: newId('inv'),
          paymentHash,
          paymentRequest: `lnbcrt${j}`,
          amountMsat: 1000n,
          amountEur: null,
          rate: null,
          rateSource: null,
          rateFetchedAt: null,
          description: 'bench',
          metadata: null,
          status: 'open',
          isHold: false,
          addIndex: BigInt(j + 1),
          settleIndex: null,
          amountPaidMsat: null,
          idempotencyKey: null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + 3_600_000),
          settledAt: null,
          closedAt: null,
          preimage: null,
        });
      }
    });
  }
  const settlements: LndInvoice[] = hashes.map((paymentHash, i) => ({
    paymentHash,
    paymentRequest: `lnbcrt${i}`,
    memo: 'bench',
    valueMsat: 1000n,
    state: 'SETTLED',
    addIndex: BigInt(i + 1),
    settleIndex: BigInt(i + 1),
    amountPaidMsat: 1000n,
    creationDate: now,
    settleDate: now,
    expirySeconds: 3600,
    cltvExpiry: 80,
    preimage: null,
    isKeysend: false,
    isAmp: false,
    htlcs: [],
  }));
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t = performance.now();
  for (let i = 0; i < total; i += 500)
    await recordSettlements(ctx, settlements.slice(i, i + 500), { fromStream: true });
  const ms = performance.now() - t;
  rate('settlements committed on SQLite (batches of 500)', total, ms);
  const heapPeak = process.memoryUsage().heapUsed;
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1).padStart(12);
  console.log(`${'heap growth recording 20,000 settlements (peak)'.padEnd(52)} ${mib(heapPeak - heapBefore)} MiB`);
  console.log(`${'heap retained after GC'.padEnd(52)} ${mib(heapAfter - heapBefore)} MiB`);
  const t2 = performance.now();
  for (let i = 0; i < 2000; i++) await recordSettlements(ctx, [settlements[i]!], { fromStream: true });
  rate('replayed settlements skipped (one tx each)', 2000, performance.now() - t2);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

// Settlement ingestion into PostgreSQL next to a raw pg loop (bench/postgres-settlements.ts)
await (await import('./postgres-settlements.js')).printPostgresSettlementBench();
