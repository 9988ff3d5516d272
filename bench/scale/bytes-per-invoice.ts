/**
 * Bytes per settled invoice, through the real path: the invoice row (realistic BOLT11 and
 * metadata), its `invoice.created` event, the settlement (`recordSettlements`: invoice update,
 * payment row, `invoice.settled` and `payment.received` events, each also in the event log), one delivery per event to one
 * endpoint, delivered on the first attempt — tables and indexes, measured by the store itself.
 */
import { recordSettlements } from '../../src/settlement/record-settlements.js';
import { createEventBus } from '../../src/events/event-bus.js';
import { silentLogger } from '../../src/logger.js';
import { systemClock } from '../../src/domain/clock.js';
import { noopMetrics } from '../../src/metrics-recorder.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { enqueueWebhookEvent } from '../../src/webhooks/outbox/enqueue.js';
import { webhookData } from '../../src/webhooks/outbox/payloads.js';
import { toInvoice } from '../../src/invoices/to-invoice.js';
import type { ServiceContext } from '../../src/service-context.js';
import type { Store } from '../../src/store/store.js';
import { makeInvoice } from '../../src/store/conformance/fixtures.js';
import { randomBytes } from 'node:crypto';
import { encodeEventPayload } from '../../src/events/event-codec.js';

/** Bytes per settled invoice: all its rows, and what stays once retention has removed the rest. */
export interface BytesPerInvoice {
  readonly total: number;
  /** The invoice and payment rows with their indexes: never removed by lnkit. */
  readonly kept: number;
}

/**
 * Settles `n` invoices on `store` (migrated, empty) and measures bytes per settled invoice.
 * `compact` gives freed space back before the second measure (PostgreSQL: `VACUUM FULL`, which
 * lnkit never runs itself; SQLite: the store's own VACUUM).
 */
export async function bytesPerSettledInvoice(
  store: Store,
  n = 5000,
  compact?: () => Promise<void>,
): Promise<BytesPerInvoice> {
  const sizeBytes = store.maintenance?.sizeBytes?.bind(store.maintenance);
  if (!sizeBytes) throw new Error('the store cannot report its size');
  const ctx: ServiceContext = {
    lnd: {} as ServiceContext['lnd'],
    rates: createFixedRates('90000'),
    store,
    bus: createEventBus(silentLogger),
    clock: systemClock,
    logger: silentLogger,
    metrics: noopMetrics,
    // As createLightning records an event: the webhook event (and its deliveries) and the event-log entry.
    recordEvent: async (tx, type, payload) => {
      const occurredAt = new Date();
      await enqueueWebhookEvent(tx, { type, data: webhookData(type, payload), occurredAt });
      await tx.events.append([{ type, payload: encodeEventPayload(payload), createdAt: occurredAt }]);
    },
    run: (op) => op(),
  };
  await store.webhookEndpoints.insert({
    id: 'whe_size',
    url: 'https://shop.example/hooks/lnkit',
    secrets: [`whsec_${randomBytes(32).toString('base64')}`],
    events: null,
    allowInsecure: false,
    allowPrivateNetwork: false,
    isEnabled: true,
    disabledReason: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await store.maintenance?.vacuum?.();
  const before = await sizeBytes();
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: 100 }, (_, j) =>
      makeInvoice({
        // A real mainnet BOLT11 of this shape is ~ 360 characters.
        paymentRequest: `lnbc228060n1p${randomBytes(170).toString('hex')}`,
        addIndex: BigInt(i + j + 1),
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 3_600_000),
        metadata: { orderId: `A-${i + j}` },
        description: `Order #${i + j}`,
      }),
    );
    await store.transaction(async (tx) => {
      for (const invoice of batch) {
        await tx.invoices.insert(invoice);
        await ctx.recordEvent(tx, 'invoice.created', { invoice: toInvoice(invoice) });
      }
    });
    await recordSettlements(
      ctx,
      batch.map((invoice, j) => ({
        paymentHash: invoice.paymentHash,
        paymentRequest: invoice.paymentRequest,
        memo: invoice.description,
        valueMsat: invoice.amountMsat,
        state: 'SETTLED' as const,
        addIndex: invoice.addIndex,
        settleIndex: BigInt(i + j + 1),
        amountPaidMsat: invoice.amountMsat,
        creationDate: invoice.createdAt,
        settleDate: new Date(),
        expirySeconds: 3600,
        cltvExpiry: 80,
        preimage: randomBytes(32).toString('hex'),
        isKeysend: false,
        isAmp: false,
        htlcs: [],
      })),
      { fromStream: true },
    );
    // Deliver every pending delivery on its first attempt, as the dispatcher would.
    const due = await store.webhookOutbox.listDue(new Date(Date.now() + 1000), 1000);
    for (const d of due) {
      await store.webhookOutbox.recordAttempt({
        id: `wha_${randomBytes(10).toString('hex')}`,
        deliveryId: d.id,
        attempt: 1,
        statusCode: 200,
        latencyMs: 42,
        error: null,
        at: new Date(),
      });
      await store.webhookOutbox.updateDelivery(d.id, {
        status: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        lastStatusCode: 200,
        updatedAt: new Date(),
      });
    }
  }
  await store.maintenance?.vacuum?.();
  const total = Math.round(((await sizeBytes()) - before) / n);
  // Everything retention may remove (a cutoff in the future), then measure again.
  const m = store.maintenance!;
  const future = new Date(Date.now() + 86_400_000);
  for (const target of ['webhookEvents', 'eventLog'] as const) while ((await m.prune(target, future, 5000)) > 0);
  await (compact ? compact() : m.vacuum?.());
  return { total, kept: Math.round(((await sizeBytes()) - before) / n) };
}
