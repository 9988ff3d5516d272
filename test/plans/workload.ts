/**
 * Calls every method of every repository of a Store, lists with every filter combination, and
 * the maintenance side, so that a recorder around the driver sees every statement the store can
 * issue. Used by the plan test (query-plans.test.ts).
 */
import type { InvoiceStatus } from '../../src/domain/invoice.js';
import type { PaymentStatus } from '../../src/domain/payment.js';
import { encodeCursor } from '../../src/store/paging.js';
import type { Store, WebhookDeliveryStatus } from '../../src/store/store.js';
import {
  T0,
  makeAttempt,
  makeDelivery,
  makeEndpoint,
  makeEvent,
  makeInvoice,
  makePayment,
} from '../../src/store/conformance/fixtures.js';

const opts = <T>(...values: T[]): (T | undefined)[] => [undefined, ...values];
type Filter<S> = S | S[] | undefined;

/** Runs the workload on a migrated, empty store. */
export async function exerciseEveryQuery(store: Store): Promise<void> {
  const cursor = encodeCursor({ createdAtMs: T0 + 10, id: 'zzz' });
  const invoice = makeInvoice({ idempotencyKey: 'k-inv', isHold: true });
  await store.invoices.insert(invoice);
  await store.invoices.insert(makeInvoice({ status: 'expired', closedAt: new Date(T0) }));
  await store.invoices.get(invoice.id);
  await store.invoices.getByPaymentHash(invoice.paymentHash);
  await store.invoices.getByIdempotencyKey('k-inv');
  await store.invoices.update(invoice.id, { addIndex: 9n });
  await store.invoices.update(invoice.id, { status: 'accepted' }, { fromStatus: ['open'] });
  await store.invoices.update(
    invoice.id,
    { status: 'settled', settleIndex: 1n, amountPaidMsat: 1n, settledAt: new Date(T0) },
    { fromStatus: ['open', 'accepted'] },
  );
  await store.invoices.listExpired(new Date(T0), 100);
  const invoiceStatuses = opts<Filter<InvoiceStatus>>('open', ['expired', 'cancelled']);
  for (const status of invoiceStatuses)
    for (const isHold of opts(true, false))
      for (const createdAfter of opts(new Date(T0 - 1000)))
        for (const createdBefore of opts(new Date(T0 + 1000)))
          for (const c of opts(cursor))
            await store.invoices.list({ status, isHold, createdAfter, createdBefore, cursor: c, limit: 50 });

  const payment = makePayment({ idempotencyKey: 'k-pay', direction: 'out', status: 'in_flight' });
  await store.payments.insert(payment);
  await store.payments.get(payment.id);
  await store.payments.getByPaymentHash(payment.paymentHash, 'out');
  await store.payments.getByIdempotencyKey('k-pay');
  await store.payments.update(payment.id, { status: 'succeeded', feeMsat: 1n }, { fromStatus: ['in_flight'] });
  const paymentStatuses = opts<Filter<PaymentStatus>>('succeeded', ['failed', 'in_flight']);
  for (const direction of opts('in' as const, 'out' as const))
    for (const status of paymentStatuses)
      for (const c of opts(cursor)) await store.payments.list({ direction, status, cursor: c });

  await store.checkpoints.advance('lnd.settle_index', 3n);
  await store.checkpoints.get('lnd.settle_index');

  const endpoint = makeEndpoint();
  await store.webhookEndpoints.insert(endpoint);
  await store.webhookEndpoints.get(endpoint.id);
  await store.webhookEndpoints.list();
  await store.webhookEndpoints.update(endpoint.id, { isEnabled: false });

  const event = makeEvent();
  const delivery = makeDelivery(event.id, { endpointId: endpoint.id });
  await store.webhookOutbox.enqueue(event, [delivery]);
  await store.webhookOutbox.getEvent(event.id);
  await store.webhookOutbox.getDelivery(delivery.id);
  await store.webhookOutbox.listDue(new Date(T0), 10);
  await store.webhookOutbox.claimDue?.(new Date(T0), 10, new Date(T0 + 60_000));
  await store.webhookOutbox.insertDelivery(makeDelivery(event.id));
  await store.webhookOutbox.recordAttempt(makeAttempt(delivery.id));
  await store.webhookOutbox.listAttempts(delivery.id);
  await store.webhookOutbox.updateDelivery(delivery.id, { status: 'delivered', attempts: 1, updatedAt: new Date(T0) });
  await store.webhookOutbox.countPending();
  const deliveryStatuses = opts<Filter<WebhookDeliveryStatus>>('pending', ['delivered', 'failed']);
  for (const endpointId of opts(endpoint.id))
    for (const eventId of opts(event.id))
      for (const status of deliveryStatuses)
        for (const c of opts(cursor))
          await store.webhookOutbox.listDeliveries({ endpointId, eventId, status, cursor: c });
  await store.webhookEndpoints.remove(endpoint.id);

  await store.events.append([{ type: 'payment.received', payload: '{}', createdAt: new Date(T0) }]);
  await store.events.append([{ type: 'payment.received', payload: '{}', createdAt: new Date(T0 + 1) }]);
  await store.events.readAfter(0n, 100);
  await store.events.latestSeq();
  await store.events.setCursor('consumer:plans', 1n);
  await store.events.getCursor('consumer:plans');

  const m = store.maintenance;
  if (m) {
    await m.tableStats();
    for (const target of ['webhookEvents', 'unpaidInvoices', 'eventLog'] as const) {
      await m.countPrunable(target, new Date(T0 + 86_400_000));
      await m.prune(target, new Date(T0 + 86_400_000), 100);
    }
  }
}
