import { afterEach, describe, expect, it } from 'vitest';
import { lndClientConformanceCases } from '../lnd/conformance.js';
import { InvoiceNotFoundError, LndUnavailableError } from '../errors.js';
import { createFakeLnd, type FakeLnd } from './fake-lnd.js';
import { createManualClock } from './manual-clock.js';
import { createNetwork } from './network/network.js';
import { LndRpcError } from './network/rpc-error.js';

describe('createFakeLnd passes the LndClient conformance cases', () => {
  let fake: FakeLnd | undefined;
  afterEach(async () => {
    expect(fake?.network.openStreamCount()).toBe(0); // every case closed its streams
    await fake?.lnd.close();
    fake?.network.close();
  });
  for (const c of lndClientConformanceCases) {
    it(c.name, async () => {
      fake = createFakeLnd();
      await c.run({ lnd: fake.lnd, payer: fake.payer });
    });
  }
});

describe('createFakeLnd controls', () => {
  it('simulate.pay: bob pays alice; balances move; a second pay rejects with "invoice is already paid"', async () => {
    const fake = createFakeLnd();
    const inv = await fake.lnd.addInvoice({ valueMsat: 1_234_000n, memo: 'pay' });
    const before = await fake.lnd.channelBalance();
    const paid = await fake.simulate.pay(inv.paymentRequest);
    expect(paid).toMatchObject({ status: 'SUCCEEDED', valueMsat: 1_234_000n, feeMsat: 0n });
    expect((await fake.lnd.channelBalance()).localMsat - before.localMsat).toBe(1_234_000n);
    await expect(fake.simulate.pay(inv.paymentRequest)).rejects.toMatchObject({
      code: 'LND_ERROR',
      message: expect.stringContaining('invoice is already paid'),
    });
    fake.network.close();
  });

  it('simulate.advanceTime expires invoices (manual clock only)', async () => {
    const clock = createManualClock();
    const fake = createFakeLnd({ clock });
    const inv = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'short', expirySeconds: 60 });
    await fake.simulate.advanceTime(60_000);
    expect((await fake.lnd.lookupInvoice(inv.paymentHash)).state).toBe('CANCELED');
    await fake.simulate.advanceTime(1);
    await expect(fake.simulate.pay(inv.paymentRequest)).rejects.toMatchObject({
      message: expect.stringContaining('invoice expired. Valid until 2026-01-01 00:01:00 +0000 UTC'),
    });
    await expect(createFakeLnd().simulate.advanceTime(1)).rejects.toThrow(/manual clock/);
    fake.network.close();
  });

  it('simulate.dropStreams ends subscriptions with LndUnavailableError', async () => {
    const fake = createFakeLnd();
    const it = fake.lnd.subscribeInvoices({ addIndex: 0n, settleIndex: 0n })[Symbol.asyncIterator]();
    const next = it.next();
    await fake.lnd.addInvoice({ valueMsat: 1n, memo: 'live' });
    expect((await next).value).toMatchObject({ memo: 'live', state: 'OPEN' });
    const pending = it.next();
    fake.simulate.dropStreams();
    await expect(pending).rejects.toMatchObject({ code: 'LND_UNAVAILABLE' });
    expect(fake.network.openStreamCount()).toBe(0);
  });

  it('simulate.failNext fails exactly the next call of a method, mapped like LND', async () => {
    const fake = createFakeLnd();
    fake.simulate.failNext('lookupInvoice', new LndRpcError(5, 'unable to locate invoice'));
    fake.simulate.failNext('getInfo', new LndRpcError(14, 'connection refused'));
    const inv = await fake.lnd.addInvoice({ valueMsat: 1n, memo: '' });
    await expect(fake.lnd.lookupInvoice(inv.paymentHash)).rejects.toBeInstanceOf(InvoiceNotFoundError);
    await expect(fake.lnd.lookupInvoice(inv.paymentHash)).resolves.toMatchObject({ state: 'OPEN' });
    await expect(fake.lnd.getInfo()).rejects.toBeInstanceOf(LndUnavailableError);
    fake.simulate.failNext('subscribeInvoices', new LndRpcError(14, 'gone'));
    const stream = fake.lnd.subscribeInvoices({ addIndex: 0n, settleIndex: 0n })[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toBeInstanceOf(LndUnavailableError);
    expect(fake.network.node('alice').callLog.filter((c) => c.method === 'subscribeInvoices')).toHaveLength(0);
  });

  it('aborting the signal or breaking out cancels a stream; close() ends the open ones', async () => {
    const fake = createFakeLnd();
    const controller = new AbortController();
    const iterating = (async () => {
      const seen = [];
      for await (const i of fake.lnd.subscribeInvoices({ addIndex: 0n, settleIndex: 0n, signal: controller.signal }))
        seen.push(i);
      return seen;
    })();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.network.openStreamCount()).toBe(1);
    controller.abort();
    await expect(iterating).resolves.toEqual([]);
    expect(fake.network.openStreamCount()).toBe(0);
    const it = fake.lnd.subscribeInvoices({ addIndex: 0n, settleIndex: 0n })[Symbol.asyncIterator]();
    const pending = it.next();
    await fake.lnd.close();
    await expect(pending).resolves.toMatchObject({ done: true });
    await expect(fake.lnd.getInfo()).rejects.toBeInstanceOf(LndUnavailableError);
    expect(fake.network.openStreamCount()).toBe(0);
  });

  it('keeps chan ids above 2^53 exact and works on a custom network', async () => {
    const network = createNetwork({ clock: createManualClock() });
    for (const name of ['alice', 'bob']) network.addNode({ name });
    network.addChannel({
      a: 'bob',
      b: 'alice',
      capacitySat: 5_000_000n,
      localSatA: 4_000_000n,
      chanId: '877008154718978049',
    });
    const fake = createFakeLnd({ network });
    const [channel] = await fake.lnd.listChannels();
    expect(channel).toMatchObject({
      chanId: '877008154718978049',
      localBalanceSat: 1_000_000n,
      remoteBalanceSat: 4_000_000n,
      localReserveSat: 50_000n,
    });
    const inv = await fake.lnd.addInvoice({ valueMsat: 10_000n, memo: '' });
    const paid = await fake.simulate.pay(inv.paymentRequest);
    expect(paid.route?.hops[0]?.chanId).toBe('877008154718978049');
    expect(await fake.payer.queryRoutes({ pubkey: (await fake.lnd.getInfo()).pubkey, amountMsat: 1n << 62n })).toEqual(
      [],
    );
  });
});

describe('the fake is itself an LndClient', () => {
  it('answers as alice without going through .lnd', async () => {
    const fake = createFakeLnd();
    const info = await fake.getInfo();
    expect(info.pubkey).toBe((await fake.lnd.getInfo()).pubkey);
    const added = await fake.addInvoice({ valueMsat: 2_000n, memo: 'direct' });
    await fake.simulate.pay(added.paymentRequest);
    expect((await fake.lookupInvoice(added.paymentHash)).state).toBe('SETTLED');
  });
});
