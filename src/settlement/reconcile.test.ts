import { describe, expect, it } from 'vitest';
import { LndUnavailableError } from '../errors.js';
import type { LndClient } from '../lnd/lnd-client.js';
import { createMemoryStore } from '../store/memory/index.js';
import { createFakeLnd } from '../testing/fake-lnd.js';
import { createTestContext } from '../testing/service-context-fixture.js';
import { RECONCILE_INDEX } from './record-settlements.js';
import { reconcile } from './reconcile.js';

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
    const store = createMemoryStore();
    await store.migrate();
    await store.checkpoints.advance(RECONCILE_INDEX, 0n);
    const ctx = createTestContext({ lnd: flaky, store });
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
    const store = createMemoryStore();
    await store.migrate();
    await store.checkpoints.advance(RECONCILE_INDEX, 0n);
    const ctx = createTestContext({ lnd: fake.lnd, store });
    await expect(reconcile(ctx)).resolves.toBe(1);
    expect(await store.checkpoints.get(RECONCILE_INDEX)).toBe(2n);
  });
});
