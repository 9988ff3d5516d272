import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLightning } from '../create-lightning.js';
import { createFixedRates } from '../rates/fixed.js';
import { makePayment } from '../store/conformance/fixtures.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { createFakeLnd } from '../testing/fake-lnd.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('several nodes: in-flight payments (#16)', () => {
  it('a payment left in flight is re-tracked on the node that sent it, not on the primary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lnkit-retrack-'));
    dirs.push(dir);
    const fake = createFakeLnd();
    const open = () =>
      createLightning({
        lnd: { alice: fake.lnd, erin: fake.payer },
        rates: createFixedRates('90000'),
        store: createSqliteStore({ filename: join(dir, 'shop.db') }),
      });
    const first = open();
    await first.start();
    await first.stop();

    // erin paid, and lnkit crashed before it saw the outcome: the row is still in flight.
    const erin = (await fake.payer.getInfo()).pubkey;
    const added = await fake.lnd.addInvoice({ valueMsat: 5_000_000n, memo: 'paid by erin' });
    let status = '';
    for await (const u of fake.payer.sendPayment({ paymentRequest: added.paymentRequest, feeLimitMsat: 10_000n }))
      status = u.status;
    expect(status).toBe('SUCCEEDED');
    const row = makePayment({
      id: 'pay_01jzzzzzzzzzzzzzzzzzzzzzzz',
      direction: 'out',
      status: 'in_flight',
      paymentHash: added.paymentHash,
      paymentRequest: added.paymentRequest,
      amountMsat: 5_000_000n,
      nodePubkey: erin,
    });
    const store = createSqliteStore({ filename: join(dir, 'shop.db') });
    await store.payments.insert(row);
    await store.close();

    const second = open();
    await second.start();
    // Tracked on alice, TrackPaymentV2 would find nothing and the row would become failed.
    const poll = async () => {
      for (let i = 0; i < 200; i++) {
        const current = await second.payments.get(row.id);
        if (current.status !== 'in_flight') return current;
        await new Promise((r) => setTimeout(r, 10));
      }
      return second.payments.get(row.id);
    };
    const tracked = await poll();
    expect(tracked).toMatchObject({ status: 'succeeded', nodeName: 'erin', nodePubkey: erin });
    expect(tracked.preimage).toMatch(/^[0-9a-f]{64}$/);
    await second.stop();
  });
});
