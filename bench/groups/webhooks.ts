/** Webhook sign + verify, next to `standardwebhooks` (the scheme's reference library) in the same run. */
import { Webhook } from 'standardwebhooks';
import { signWebhook, verifyWebhook } from '../../src/webhooks/index.js';
import { type Figure, interleave, opsPerSecond, ratioFigure } from '../harness.js';

/** The webhooks group's figures. */
export async function benchWebhooks(rounds: number): Promise<Figure[]> {
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const body = JSON.stringify({
    type: 'payment.received',
    timestamp: new Date().toISOString(),
    data: { invoice_id: 'inv_x', amount_sats: 22806 },
  });
  const peer = new Webhook(secret);
  const n = 20_000;
  const lnkit = {
    name: 'lnkit',
    run: () =>
      opsPerSecond(n, (i) => {
        const timestamp = Math.floor(Date.now() / 1000);
        verifyWebhook({ body, headers: signWebhook({ id: `msg_${i}`, timestamp, body, secret }), secret });
      }),
  };
  const reference = {
    name: 'standardwebhooks',
    run: () =>
      opsPerSecond(n, (i) => {
        const now = new Date();
        const id = `msg_${i}`;
        const signature = peer.sign(id, now, body);
        peer.verify(body, {
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
        });
      }),
  };
  const c = await interleave(lnkit, reference, { rounds });
  return [
    ratioFigure('webhooks.sign-verify', 'webhook sign + verify (lnkit / standardwebhooks)', c, {
      subject: 'lnkit',
      baseline: 'standardwebhooks',
      unit: '/s',
    }),
  ];
}
