import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBolt11 } from '../bolt11/encode.js';
import { PaymentRejectedError, ValidationError } from '../errors.js';
import { createFakeLnd } from '../testing/fake-lnd.js';
import { createManualClock } from '../testing/manual-clock.js';
import { LndRpcError } from '../testing/network/rpc-error.js';
import { createTestContext } from '../testing/service-context-fixture.js';
import { createMemoryStore } from '../store/memory/index.js';
import type { Store } from '../store/store.js';
import type { Payment } from '../domain/payment.js';
import { createPaymentService, type PaymentServiceConfig } from './payment-service.js';

const sha256 = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

async function setup(options: { store?: Store; maxPaymentSat?: bigint } = {}) {
  const clock = createManualClock();
  const fake = createFakeLnd({ clock });
  const store = options.store ?? createMemoryStore();
  const node = await fake.lnd.getInfo();
  const make = (s: Store = store, config: Partial<PaymentServiceConfig> = {}) => {
    const ctx = createTestContext({ lnd: fake.lnd, store: s, clock });
    const service = createPaymentService(ctx, {
      getNode: () => node,
      ...(options.maxPaymentSat ? { maxPaymentSat: options.maxPaymentSat } : {}),
      ...config,
    });
    return { ctx, service };
  };
  const { ctx, service } = make();
  const alice = fake.network.node('alice');
  const bob = fake.network.node('bob');
  // The model logs its own method names; LND's names are accepted too.
  const calls = (method: string, lndName: string) =>
    alice.callLog.filter((c) => c.method === method || c.method === lndName).length;
  const sends = () => calls('sendPayment', 'SendPaymentV2');
  /** An invoice of bob (the payee here). */
  const bobInvoice = async (sat: bigint, extra: { expirySeconds?: number } = {}) =>
    (await fake.payer.addInvoice({ valueMsat: sat * 1000n, memo: 'from bob', ...extra })).paymentRequest;
  return { clock, fake, store, node, ctx, service, make, alice, bob, calls, sends, bobInvoice };
}

describe('payments.pay: refused before any RPC', () => {
  it.each([
    ['wrong network', 'wrong_network'],
    ['expired', 'expired'],
    ['zero amount without amountSat', 'amount_required'],
    ['over the maximum', 'over_maximum'],
    ['own invoice', 'own_invoice'],
  ])('%s → PaymentRejectedError(%s), no RPC, no row', async (_name, reason) => {
    const t = await setup({ maxPaymentSat: 50_000n });
    const fields = {
      amountMsat: 1_000_000n,
      timestamp: Math.floor(t.clock.now() / 1000),
      paymentHash: 'aa'.repeat(32),
      paymentSecret: 'bb'.repeat(32),
      description: 'x',
    };
    const requests: Record<string, () => Promise<string>> = {
      wrong_network: async () => encodeBolt11({ ...fields, network: 'tb' }, t.bob.privateKey),
      expired: async () =>
        encodeBolt11(
          { ...fields, network: 'bcrt', timestamp: fields.timestamp - 7200, expirySeconds: 3600 },
          t.bob.privateKey,
        ),
      amount_required: async () => encodeBolt11({ ...fields, network: 'bcrt', amountMsat: null }, t.bob.privateKey),
      over_maximum: async () => t.bobInvoice(50_001n),
      own_invoice: async () => (await t.fake.lnd.addInvoice({ valueMsat: 1_000_000n, memo: 'mine' })).paymentRequest,
    };
    const request = await requests[reason]!();
    const before = t.alice.callLog.length;
    const error = await t.service.pay({ request }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentRejectedError);
    expect((error as PaymentRejectedError).reason).toBe(reason);
    expect(t.alice.callLog.length).toBe(before);
    expect((await t.store.payments.list()).items).toEqual([]);
  });

  it.each([
    ['request', { request: 'lnbcrt1notaninvoice' }],
    ['request', { request: 42 }],
    ['request', { request: '' }],
    ['input', null],
    ['amountSat', { amountSat: -5 }],
    ['amountSat', { amountSat: 999 }],
    ['maxFeeSat', { maxFeeSat: 1.5 }],
    ['maxFeePpm', { maxFeePpm: 2_000_000 }],
    ['timeoutSeconds', { timeoutSeconds: 0 }],
    ['idempotencyKey', { idempotencyKey: '' }],
  ])('bad %s → ValidationError, no RPC, no row', async (field, patch) => {
    const t = await setup();
    const request = await t.bobInvoice(1000n);
    const before = t.alice.callLog.length;
    const input = patch === null ? null : { request, ...patch };
    const error = await t.service.pay(input as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(t.alice.callLog.length).toBe(before);
    expect((await t.store.payments.list()).items).toEqual([]);
  });
});

describe('payments.pay: sending', () => {
  it('pays, records fee and proof, and emits payment.sent without the preimage', async () => {
    const t = await setup();
    const request = await t.bobInvoice(2000n);
    const sent = t.ctx.bus.waitFor('payment.sent', undefined, 2000);
    const payment = await t.service.pay({ request, maxFeeSat: 5n });
    expect(payment).toMatchObject({
      direction: 'out',
      status: 'succeeded',
      amountMsat: 2_000_000n,
      feeMsat: 0n,
      feeLimitMsat: 5000n,
      failureReason: null,
    });
    expect(payment.preimage).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256(payment.preimage!)).toBe(payment.paymentHash);
    expect((await t.service.get(payment.id)).preimage).toBe(payment.preimage);
    const event = await sent;
    expect(event.payment.preimage).toBeNull();
    expect(event.payment.paymentHash).toBe(payment.paymentHash);
    const line = t.ctx.logLines.find((l) => l.message === 'payment sent');
    expect(line?.fields).toMatchObject({ payment_hash: payment.paymentHash, amount_sat: '2000', fee_sat: '0' });
    expect(typeof line?.fields['duration_ms']).toBe('number');
    expect(await t.ctx.everythingWritten()).not.toContain(payment.preimage!);
  });

  it('five concurrent pays for one request: one send, one row, one result', async () => {
    const t = await setup();
    const request = await t.bobInvoice(1500n);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => t.service.pay({ request })));
    expect(t.sends()).toBe(1);
    expect(new Set(results.map((p) => p.id)).size).toBe(1);
    expect(results.every((p) => p.status === 'succeeded')).toBe(true);
    expect((await t.store.payments.list({ direction: 'out' })).items).toHaveLength(1);
    expect(t.ctx.emittedEvents.filter((e) => e.type === 'payment.sent')).toHaveLength(1);
    // And later calls, by request or by key, still send nothing.
    const again = await t.service.pay({ request });
    expect(again.id).toBe(results[0]!.id);
    expect(t.sends()).toBe(1);
  });

  it('concurrent pays with one idempotency key share the payment; the key cannot be reused for another invoice', async () => {
    const t = await setup();
    const request = await t.bobInvoice(1200n);
    const results = await Promise.all([1, 2, 3].map(() => t.service.pay({ request, idempotencyKey: 'refund-7' })));
    expect(new Set(results.map((p) => p.id)).size).toBe(1);
    expect(t.sends()).toBe(1);
    const other = await t.bobInvoice(1300n);
    await expect(t.service.pay({ request: other, idempotencyKey: 'refund-7' })).rejects.toMatchObject({
      field: 'idempotencyKey',
    });
    expect(t.sends()).toBe(1);
  });

  it('a routing failure resolves as failed with a typed reason, and may be retried on the same row', async () => {
    const t = await setup({ maxPaymentSat: 5_000_000n });
    const request = await t.bobInvoice(2_000_000n); // alice holds only 1 000 000 sat
    const failedEvent = t.ctx.bus.waitFor('payment.failed', undefined, 2000);
    const payment = await t.service.pay({ request });
    expect(payment.status).toBe('failed');
    expect(['insufficient_balance', 'no_route']).toContain(payment.failureReason);
    expect((await failedEvent).reason).toBe(payment.failureReason);
    const retry = await t.service.pay({ request, maxFeeSat: 7n });
    expect(retry.id).toBe(payment.id);
    expect(retry.status).toBe('failed');
    expect(retry.feeLimitMsat).toBe(7_000n); // the new attempt's limit, not the first one's
    expect(t.sends()).toBe(2);
  });

  it('"invoice is already paid" from LND → tracked; a payment LND never made fails with error', async () => {
    const t = await setup();
    const request = await t.bobInvoice(1000n);
    t.fake.simulate.failNext('sendPayment', new LndRpcError(6, 'invoice is already paid'));
    const payment = await t.service.pay({ request });
    expect(payment).toMatchObject({ status: 'failed', failureReason: 'error' });
    expect(t.calls('trackPayment', 'TrackPaymentV2')).toBe(1);
    expect(t.sends()).toBe(0); // the injected failure stopped it before the node
  });

  it('LND unreachable → unknown; the next pay tracks it instead of sending', async () => {
    const t = await setup();
    const request = await t.bobInvoice(1000n);
    t.fake.simulate.failNext('sendPayment', new LndRpcError(14, 'connection refused'));
    t.fake.simulate.failNext('trackPayment', new LndRpcError(14, 'connection refused'));
    const first = await t.service.pay({ request });
    expect(first.status).toBe('unknown');
    const second = await t.service.pay({ request });
    expect(second).toMatchObject({ id: first.id, status: 'failed', failureReason: 'error' });
    expect(t.sends()).toBe(0);
  });
});

describe('payments: after a crash', () => {
  it('an in_flight row LND never saw becomes failed at start, without sending', async () => {
    const t = await setup();
    const request = await t.bobInvoice(1000n);
    const decoded = await t.service.decode(request);
    const now = new Date(t.clock.now());
    const row: Payment = {
      id: 'pay_01jaaaaaaaaaaaaaaaaaaaaaaa',
      direction: 'out',
      status: 'in_flight',
      paymentHash: decoded.paymentHash,
      paymentRequest: request,
      amountMsat: 1_000_000n,
      feeMsat: 0n,
      invoiceId: null,
      preimage: null,
      failureReason: null,
      idempotencyKey: null,
      settleIndex: null,
      feeLimitMsat: 10_000n,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
    };
    await t.store.payments.insert(row);
    await t.service.retrackInFlight();
    await t.service.idle();
    expect(await t.service.get(row.id)).toMatchObject({ status: 'failed', failureReason: 'error' });
    expect(t.sends()).toBe(0);
  });

  it('a payment in flight when the process stopped is re-tracked by a new instance and paid exactly once', async () => {
    const t = await setup();
    const preimage = 'cd'.repeat(32);
    const { paymentRequest } = await t.fake.payer.addHoldInvoice({
      paymentHash: sha256(preimage),
      valueMsat: 3_000_000n,
      memo: 'held by bob',
    });
    const pending = t.service.pay({ request: paymentRequest });
    // Wait until bob holds the HTLC, then "crash".
    for await (const invoice of t.fake.payer.subscribeSingleInvoice({ paymentHash: sha256(preimage) }))
      if (invoice.state === 'ACCEPTED') break;
    await t.service.stop();
    expect(await pending).toMatchObject({ status: 'in_flight' });

    const next = t.make();
    await next.service.retrackInFlight();
    const duplicate = next.service.pay({ request: paymentRequest });
    await t.fake.payer.settleInvoice(preimage);
    const [tracked] = await Promise.all([duplicate, next.service.idle()]);
    expect(tracked).toMatchObject({ status: 'succeeded', preimage });
    expect(t.sends()).toBe(1);
    expect((await next.service.list({ direction: 'out' })).items).toHaveLength(1);
    expect(await next.ctx.everythingWritten()).not.toContain(preimage);
  });
});

describe('payments.get / list / decode', () => {
  it('validates and reads', async () => {
    const t = await setup();
    await expect(t.service.get('nope')).rejects.toBeInstanceOf(ValidationError);
    await expect(t.service.get('pay_01jaaaaaaaaaaaaaaaaaaaaaaa')).rejects.toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
    await expect(t.service.list({ limit: 0 })).rejects.toMatchObject({ field: 'limit' });
    await expect(t.service.list({ status: 'paid' as never })).rejects.toMatchObject({ field: 'status' });
    const request = await t.bobInvoice(1000n, { expirySeconds: 60 });
    const decoded = await t.service.decode(request);
    expect(decoded).toMatchObject({
      amountMsat: 1_000_000n,
      lndNetwork: 'regtest',
      isExpired: false,
      payeeNodeKey: t.bob.pubkey,
    });
    await t.clock.advance(61_000);
    expect((await t.service.decode(request)).isExpired).toBe(true);
    await expect(t.service.decode('garbage')).rejects.toMatchObject({ field: 'request' });
    expect(t.calls('decodePayReq', 'DecodePayReq')).toBe(0);
  });
});
