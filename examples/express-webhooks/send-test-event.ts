/**
 * Sends one signed test event to the receiver:
 * `LNKIT_WEBHOOK_SECRET=whsec_… npx tsx examples/express-webhooks/send-test-event.ts [url]`
 */
import { randomUUID } from 'node:crypto';
import { signWebhook } from 'lnkit/webhooks';

const secret = process.env.LNKIT_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set LNKIT_WEBHOOK_SECRET.');
  process.exit(1);
}
const url = process.argv[2] ?? 'http://localhost:3000/lnkit-webhooks';
const body = JSON.stringify({
  type: 'invoice.settled',
  timestamp: new Date().toISOString(),
  data: {
    invoice_id: 'inv_test',
    amount_sats: 22806,
    amount_eur: '19.99',
    description: 'Order 42',
    metadata: { order_id: '42' },
  },
});
const headers = signWebhook({ id: `msg_${randomUUID().replace(/-/g, '')}`, timestamp: new Date(), body, secret });
const response = await fetch(url, {
  method: 'POST',
  headers: { ...headers, 'content-type': 'application/json' },
  body,
});
console.log(response.status, await response.text());
