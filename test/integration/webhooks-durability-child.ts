/**
 * Child process of webhooks-durability.test.ts: commits one settlement through createLightning on a
 * SQLite file, then SIGKILLs itself right after the commit, before any webhook can be delivered.
 * argv: <sqlite file> <receiver url>; env LNKIT_TEST_SECRET: the endpoint secret.
 */
import { createLightning } from '../../src/create-lightning.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createFakeLnd } from '../../src/testing/fake-lnd.js';
import { createWebhookService } from '../../src/webhooks/outbox/webhook-service.js';

const [filename, url] = process.argv.slice(2) as [string, string];
const store = createSqliteStore({ filename });
const fake = createFakeLnd();
const lightning = createLightning({
  lnd: fake.lnd,
  rates: createFixedRates('87654.32'),
  store,
  settlement: { minBackoffMs: 5, maxBackoffMs: 50 },
});
// The endpoint exists before start, as a configured endpoint would.
await store.migrate();
await createWebhookService({ store }).addEndpoint({
  url,
  secret: process.env.LNKIT_TEST_SECRET,
  allowInsecure: true,
  allowPrivateNetwork: true,
  events: ['invoice.settled'],
});
await lightning.start();

lightning.events.on('invoice.settled', ({ invoice }) => {
  // The settlement and its outbox row are committed: find the row's webhook-id, report it, die.
  void (async () => {
    const { items } = await store.webhookOutbox.listDeliveries({ limit: 100 });
    for (const delivery of items) {
      const event = await store.webhookOutbox.getEvent(delivery.eventId);
      if (event?.type === 'invoice.settled') {
        process.stdout.write(
          `${JSON.stringify({ eventId: event.id, invoiceId: invoice.id, status: delivery.status })}\n`,
          () => process.kill(process.pid, 'SIGKILL'),
        );
        return;
      }
    }
    process.stdout.write('{"error":"no invoice.settled outbox row after commit"}\n', () =>
      process.kill(process.pid, 'SIGKILL'),
    );
  })();
});

const invoice = await lightning.invoices.create({ amountEur: '19.99', description: 'durability' });
await fake.simulate.pay(invoice.paymentRequest);
// Keep the process alive until the settlement watcher commits (lnkit's own timers are unref'd).
setTimeout(() => {
  process.stderr.write('invoice.settled was not emitted within 20 s\n');
  process.exit(2);
}, 20_000);
