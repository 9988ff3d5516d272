import { describe, expect, it } from 'vitest';
import { LndUnavailableError } from '../errors.js';
import type { LndClient } from '../lnd/lnd-client.js';
import { createMemoryStore } from '../store/memory/index.js';
import { createFakeLnd } from '../testing/fake-lnd.js';
import { createTestContext } from '../testing/service-context-fixture.js';
import { RECONCILE_INDEX, SETTLE_INDEX } from './record-settlements.js';
import { reconcile, unbrokenRunTop } from './reconcile.js';

/** A memory store whose reconcile checkpoint is at `reconcileIndex`, and a context on it and `lnd`. */
async function reconcilingFrom(lnd: LndClient, reconcileIndex: bigint) {
  const store = createMemoryStore();
  await store.migrate();
  await store.checkpoints.advance(RECONCILE_INDEX, reconcileIndex);
  return { store, ctx: createTestContext({ lnd, store }) };
}

describe('reconcile', () => {
  it('announces each page as it commits it: a failure on a later page loses no event', async () => {
    const fake = createFakeLnd();
    // 501 invoices: two pages of ListInvoices; the first three are paid.
    const requests: string[] = [];
    for (let i = 0; i < 501; i++)
      requests.push((await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: `r${i}` })).paymentRequest);
    for (const request of requests.slice(0, 3)) await fake.simulate.pay(request);
    let calls = 0;
    const flaky: LndClient = {
      ...fake.lnd,
      listInvoices: async (input) => {
        calls++;
        if (calls === 2) throw new LndUnavailableError('connection dropped mid-reconcile');
        return fake.lnd.listInvoices(input);
      },
    };
    const { store, ctx } = await reconcilingFrom(flaky, 0n);
    await expect(reconcile(ctx)).rejects.toMatchObject({ code: 'LND_UNAVAILABLE' });
    const received = ctx.emittedEvents.filter((e) => e.type === 'payment.received');
    expect(received).toHaveLength(3);
    expect((await store.payments.list({ direction: 'in' })).items).toHaveLength(3);
    // The checkpoint did not move: the next pass scans the same range and records nothing twice.
    expect(await store.checkpoints.get(RECONCILE_INDEX)).toBe(0n);
    await expect(reconcile(ctx)).resolves.toBe(0);
    expect(ctx.emittedEvents.filter((e) => e.type === 'payment.received')).toHaveLength(3);
  });

  it('moves the checkpoint to just below the oldest open invoice', async () => {
    const fake = createFakeLnd();
    const a = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'a' });
    const b = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'b' });
    await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'c' });
    await fake.simulate.pay(a.paymentRequest);
    await fake.lnd.cancelInvoice(b.paymentHash);
    const { store, ctx } = await reconcilingFrom(fake.lnd, 0n);
    await expect(reconcile(ctx)).resolves.toBe(1);
    expect(await store.checkpoints.get(RECONCILE_INDEX)).toBe(2n);
  });

  it('moves the settle checkpoint over the settlements it recorded, so the stream does not replay them', async () => {
    const fake = createFakeLnd();
    const requests: string[] = [];
    for (let i = 0; i < 6; i++)
      requests.push((await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: `s${i}` })).paymentRequest);
    // Paid out of add order: settle indices 1..4 go to invoices 5, 1, 3, 2; invoices 4 and 6 stay open.
    for (const i of [4, 0, 2, 1]) await fake.simulate.pay(requests[i]!);
    const { store, ctx } = await reconcilingFrom(fake.lnd, 0n);
    await expect(reconcile(ctx)).resolves.toBe(4);
    expect(await store.checkpoints.get(SETTLE_INDEX)).toBe(4n);
    expect(await store.checkpoints.get(RECONCILE_INDEX)).toBe(3n);
    // Nothing to replay: a stream from the checkpoint brings only what is settled after it.
    await fake.simulate.pay(requests[5]!);
    await expect(reconcile(ctx)).resolves.toBe(1);
    expect(await store.checkpoints.get(SETTLE_INDEX)).toBe(5n);
  });

  it('stops the settle checkpoint below a settlement the pass did not see', async () => {
    const fake = createFakeLnd();
    const a = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'a' });
    const b = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'b' });
    const c = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'c' });
    await fake.simulate.pay(a.paymentRequest); // settle index 1, at or below R: not scanned
    await fake.simulate.pay(c.paymentRequest); // settle index 2
    await fake.simulate.pay(b.paymentRequest); // settle index 3
    const { store, ctx } = await reconcilingFrom(fake.lnd, 1n);
    await expect(reconcile(ctx)).resolves.toBe(2);
    // Settlement 1 was not seen by this pass: the checkpoint may not pass it.
    expect(await store.checkpoints.get(SETTLE_INDEX)).toBeUndefined();
    await store.checkpoints.advance(SETTLE_INDEX, 1n);
    await expect(reconcile(ctx)).resolves.toBe(0);
    expect(await store.checkpoints.get(SETTLE_INDEX)).toBe(1n);
  });

  it('finds the top of an unbroken run of settle indices', () => {
    expect(unbrokenRunTop(0n, [])).toBe(0n);
    expect(unbrokenRunTop(0n, [3n, 1n, 2n, 5n])).toBe(3n);
    expect(unbrokenRunTop(4n, [6n, 7n])).toBe(4n);
    expect(unbrokenRunTop(4n, [5n, 5n, 6n, 8n])).toBe(6n);
    expect(unbrokenRunTop(10n, [2n, 11n, 12n])).toBe(12n);
  });
});
