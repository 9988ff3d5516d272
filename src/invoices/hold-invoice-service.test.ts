import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidStateTransitionError, ValidationError } from '../errors.js';
import type { LndPayment } from '../lnd/lnd-client.js';
import { createMemoryStore } from '../store/memory/index.js';
import { createFakeLnd } from '../testing/fake-lnd.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createTestContext, type TestContext } from '../testing/service-context-fixture.js';
import { createHoldInvoiceService, type HoldInvoiceServiceConfig } from './hold-invoice-service.js';
import { createInvoiceService } from './invoice-service.js';

const sha256 = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
/** One block per check, so the near-expiry test walks the chain in few timer firings. */
const BLOCK_MS = 600_000;

async function setup(config: HoldInvoiceServiceConfig = { checkIntervalMs: BLOCK_MS }) {
  const clock = createManualClock();
  const fake = createFakeLnd({ clock });
  const store = createMemoryStore();
  const instances: { ctx: TestContext; hold: ReturnType<typeof createHoldInvoiceService> }[] = [];
  /** A new lnkit instance on the same store and node (a restart). */
  const start = async (beforeWatch?: (ctx: TestContext) => void) => {
    const ctx = createTestContext({ lnd: fake.lnd, store, clock });
    const hold = createHoldInvoiceService(ctx, config);
    beforeWatch?.(ctx);
    await hold.watchAll();
    instances.push({ ctx, hold });
    return { ctx, hold, invoices: createInvoiceService(ctx) };
  };
  const alice = fake.network.node('alice');
  const calls = (method: string, lndName: string) =>
    alice.callLog.filter((c) => c.method === method || c.method === lndName).length;
  const bobBalance = async () => (await fake.payer.channelBalance()).localMsat;
  /** Bob pays; the promise settles when the hold invoice is settled or cancelled. */
  const bobPays = (request: string): Promise<LndPayment> => fake.simulate.pay(request);
  const everythingWritten = async () => (await Promise.all(instances.map((i) => i.ctx.everythingWritten()))).join('\n');
  return { clock, fake, store, start, calls, bobBalance, bobPays, everythingWritten };
}

describe('invoices.createHold', () => {
  it('creates an open hold invoice, keeps the preimage in the row only', async () => {
    const t = await setup();
    const { ctx, hold } = await t.start();
    const invoice = await hold.createHold({ amountSat: 5000n, description: 'deposit' });
    expect(invoice).toMatchObject({ status: 'open', isHold: true, amountMsat: 5_000_000n });
    expect('preimage' in invoice).toBe(false);
    const row = await t.store.invoices.get(invoice.id);
    expect(sha256(row!.preimage!)).toBe(invoice.paymentHash);
    expect(ctx.emittedEvents.map((e) => e.type)).toEqual(['invoice.created']);
    expect(await t.everythingWritten()).not.toContain(row!.preimage!);
    await hold.stop();
  });

  it('with a host-supplied hash, stores no preimage and needs it to settle', async () => {
    const t = await setup();
    const { ctx, hold } = await t.start();
    const preimage = '11'.repeat(32);
    const invoice = await hold.createHold({
      amountEur: '1.50',
      description: 'x',
      paymentHash: sha256(preimage).toUpperCase(),
    });
    expect(invoice.paymentHash).toBe(sha256(preimage));
    expect((await t.store.invoices.get(invoice.id))!.preimage).toBeNull();
    const accepted = ctx.bus.waitFor('invoice.accepted', undefined, 2000);
    const paid = t.bobPays(invoice.paymentRequest);
    await accepted;
    await expect(hold.settleHold(invoice.id)).rejects.toMatchObject({ field: 'preimage' });
    await expect(hold.settleHold(invoice.id, '22'.repeat(32))).rejects.toMatchObject({ field: 'preimage' });
    await expect(hold.settleHold(invoice.id, 'zz')).rejects.toBeInstanceOf(ValidationError);
    expect(t.calls('settleInvoice', 'SettleInvoice')).toBe(0);
    expect(await hold.settleHold(invoice.id, preimage)).toMatchObject({ status: 'settled' });
    expect((await paid).status).toBe('SUCCEEDED');
    await hold.stop();
  });

  it.each([
    ['paymentHash', { amountSat: 10n, description: 'x', paymentHash: 'abc' }],
    ['amountSat', { amountSat: 0n, description: 'x' }],
    ['amountEur', { description: 'x' }],
  ])('bad %s → ValidationError, nothing called', async (field, input) => {
    const t = await setup();
    const { hold } = await t.start();
    await expect(hold.createHold(input as never)).rejects.toMatchObject({ field });
    expect(t.calls('addHoldInvoice', 'AddHoldInvoice')).toBe(0);
    await hold.stop();
  });
});

describe('hold invoice lifecycle', () => {
  it('accept → settle → settled, payment received, preimage nowhere', async () => {
    const t = await setup();
    const { ctx, hold } = await t.start();
    const invoice = await hold.createHold({ amountSat: 4000n, description: 'ticket' });
    await expect(hold.settleHold(invoice.id)).rejects.toBeInstanceOf(InvalidStateTransitionError);
    const accepted = ctx.bus.waitFor('invoice.accepted', undefined, 2000);
    const paid = t.bobPays(invoice.paymentRequest);
    expect((await accepted).invoice).toMatchObject({ id: invoice.id, status: 'accepted' });
    const received = ctx.bus.waitFor('payment.received', undefined, 2000);
    const settled = await hold.settleHold(invoice.id);
    expect(settled).toMatchObject({ status: 'settled', amountPaidMsat: 4_000_000n });
    expect((await received).payment).toMatchObject({ direction: 'in', invoiceId: invoice.id, amountMsat: 4_000_000n });
    expect((await paid).status).toBe('SUCCEEDED');
    await expect(hold.settleHold(invoice.id)).rejects.toBeInstanceOf(InvalidStateTransitionError);
    expect(ctx.emittedEvents.filter((e) => e.type === 'payment.received')).toHaveLength(1);
    const { preimage } = (await t.store.invoices.get(invoice.id))!;
    expect(await t.everythingWritten()).not.toContain(preimage!);
    await hold.stop();
  });

  it('accept → cancel → cancelled, and the payer gets the money back', async () => {
    const t = await setup();
    const { ctx, hold, invoices } = await t.start();
    const before = await t.bobBalance();
    const invoice = await hold.createHold({ amountSat: 7000n, description: 'maybe' });
    const accepted = ctx.bus.waitFor('invoice.accepted', undefined, 2000);
    const paid = t.bobPays(invoice.paymentRequest);
    await accepted;
    expect(await t.bobBalance()).toBeLessThan(before);
    expect(await invoices.cancel(invoice.id)).toMatchObject({ status: 'cancelled' });
    expect((await paid).status).toBe('FAILED');
    expect(await t.bobBalance()).toBe(before);
    expect(ctx.emittedEvents.filter((e) => e.type === 'invoice.cancelled')).toHaveLength(1);
    await hold.stop();
  });

  it('an accepted invoice is cancelled automatically before its HTLC comes within the safety margin', async () => {
    const t = await setup({ checkIntervalMs: BLOCK_MS, safetyMarginBlocks: 30 });
    const { ctx, hold } = await t.start();
    const before = await t.bobBalance();
    const invoice = await hold.createHold({ amountSat: 3000n, description: 'held' });
    const accepted = ctx.bus.waitFor('invoice.accepted', undefined, 2000);
    const paid = t.bobPays(invoice.paymentRequest);
    await accepted;
    const expiry = Math.min(...(await t.fake.lnd.lookupInvoice(invoice.paymentHash)).htlcs.map((h) => h.expiryHeight));
    const height = t.fake.network.blockHeight();
    await t.fake.simulate.advanceTime((expiry - 31 - height) * BLOCK_MS);
    expect(t.fake.network.blockHeight()).toBe(expiry - 31);
    expect((await t.store.invoices.get(invoice.id))!.status).toBe('accepted');
    await t.fake.simulate.advanceTime(BLOCK_MS);
    const result = await paid;
    expect(result.status).toBe('FAILED');
    expect((await t.store.invoices.get(invoice.id))!.status).toBe('cancelled');
    expect(await t.bobBalance()).toBe(before);
    expect(ctx.emittedEvents.filter((e) => e.type === 'invoice.cancelled')).toHaveLength(1);
    expect(
      ctx.logLines.some((l) => l.message.includes('near expiry') && l.fields['payment_hash'] === invoice.paymentHash),
    ).toBe(true);
    await hold.stop();
  });
});

describe('hold invoices across a restart', () => {
  it('created before, accepted and settled after', async () => {
    const t = await setup();
    const first = await t.start();
    const invoice = await first.hold.createHold({ amountSat: 2500n, description: 'restart' });
    await first.hold.stop();
    const second = await t.start();
    const accepted = second.ctx.bus.waitFor('invoice.accepted', undefined, 2000);
    const paid = t.bobPays(invoice.paymentRequest);
    await accepted;
    expect(await second.hold.settleHold(invoice.id)).toMatchObject({ status: 'settled' });
    expect((await paid).status).toBe('SUCCEEDED');
    await second.hold.stop();
  });

  it('accepted while no instance ran: the new instance reports invoice.accepted and can settle', async () => {
    const t = await setup();
    const first = await t.start();
    const invoice = await first.hold.createHold({ amountSat: 2550n, description: 'restart' });
    await first.hold.stop();
    const paid = t.bobPays(invoice.paymentRequest);
    for await (const update of t.fake.lnd.subscribeSingleInvoice({ paymentHash: invoice.paymentHash }))
      if (update.state === 'ACCEPTED') break;
    let accepted: Promise<unknown> | undefined;
    const second = await t.start((ctx) => (accepted = ctx.bus.waitFor('invoice.accepted', undefined, 2000)));
    await accepted;
    expect(await second.hold.settleHold(invoice.id)).toMatchObject({ status: 'settled' });
    expect((await paid).status).toBe('SUCCEEDED');
    await second.hold.stop();
  });

  it('accepted before; cancelled after', async () => {
    const t = await setup();
    const first = await t.start();
    const before = await t.bobBalance();
    const invoice = await first.hold.createHold({ amountSat: 2600n, description: 'restart' });
    const accepted = first.ctx.bus.waitFor('invoice.accepted', undefined, 2000);
    const paid = t.bobPays(invoice.paymentRequest);
    await accepted;
    await first.hold.stop();
    const second = await t.start();
    expect(await second.invoices.cancel(invoice.id)).toMatchObject({ status: 'cancelled' });
    expect((await paid).status).toBe('FAILED');
    expect(await t.bobBalance()).toBe(before);
    await second.hold.stop();
  });

  it('accepted before; the new instance resumes the near-expiry check and cancels', async () => {
    const t = await setup();
    const first = await t.start();
    const invoice = await first.hold.createHold({ amountSat: 2700n, description: 'restart' });
    const accepted = first.ctx.bus.waitFor('invoice.accepted', undefined, 2000);
    const paid = t.bobPays(invoice.paymentRequest);
    await accepted;
    await first.hold.stop();
    const second = await t.start();
    const cancelled = second.ctx.bus.waitFor('invoice.cancelled', undefined, 2000);
    const expiry = Math.min(...(await t.fake.lnd.lookupInvoice(invoice.paymentHash)).htlcs.map((h) => h.expiryHeight));
    await t.fake.simulate.advanceTime((expiry - 30 - t.fake.network.blockHeight()) * BLOCK_MS);
    expect((await cancelled).invoice.id).toBe(invoice.id);
    expect((await paid).status).toBe('FAILED');
    await second.hold.stop();
  });

  it('settled in LND while no instance ran: the new instance records it once', async () => {
    const t = await setup();
    const first = await t.start();
    const invoice = await first.hold.createHold({ amountSat: 2800n, description: 'restart' });
    const accepted = first.ctx.bus.waitFor('invoice.accepted', undefined, 2000);
    const paid = t.bobPays(invoice.paymentRequest);
    await accepted;
    await first.hold.stop();
    await t.fake.lnd.settleInvoice((await t.store.invoices.get(invoice.id))!.preimage!);
    await paid;
    let received: Promise<{ invoice: unknown }> | undefined;
    const second = await t.start((ctx) => (received = ctx.bus.waitFor('payment.received', undefined, 2000)));
    expect((await received!).invoice).toMatchObject({ id: invoice.id, status: 'settled' });
    expect((await t.store.payments.list({ direction: 'in' })).items).toHaveLength(1);
    await second.hold.stop();
  });
});
