/**
 * Runnable receiver: `LNKIT_WEBHOOK_SECRET=whsec_… npx tsx examples/express-webhooks/server.ts`
 * then register http://localhost:3000/lnkit-webhooks with allowInsecure + allowPrivateNetwork.
 */
import { createReceiver } from './receiver.js';

const secrets = [process.env.LNKIT_WEBHOOK_SECRET, process.env.LNKIT_WEBHOOK_SECRET_OLD].filter((s): s is string =>
  Boolean(s),
);
if (secrets.length === 0) {
  console.error('Set LNKIT_WEBHOOK_SECRET to the whsec_… secret of your lnkit endpoint.');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

const server = createReceiver({
  secrets,
  onEvent(event) {
    // Acknowledge fast: hand slow work to a queue. Here we just print.
    const { invoice_id, amount_sats, amount_eur } = event.data as {
      invoice_id?: string;
      amount_sats?: number;
      amount_eur?: string | null;
    };
    console.log(
      `${event.timestamp.toISOString()} ${event.type} ${event.id} invoice=${invoice_id ?? '-'} sats=${amount_sats ?? '-'} eur=${amount_eur ?? '-'}`,
    );
  },
});
server.listen(port, () => console.log(`listening on http://localhost:${port}/lnkit-webhooks`));
process.on('SIGINT', () => server.close(() => process.exit(0)));
