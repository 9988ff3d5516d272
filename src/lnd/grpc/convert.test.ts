import { describe, expect, it } from 'vitest';
import { LndError } from '../../errors.js';
import {
  toAddInvoiceResult,
  toChannelBalance,
  toChannelList,
  toInvoicePage,
  toLndInvoice,
  toLndPayment,
  toNodeInfo,
  toPayReq,
  toRouteList,
} from './convert.js';
import { channelMessage, getInfoMessage, invoiceMessage, paymentMessage, payReqMessage } from './test-fixtures.js';

function expectInvalid(fn: () => unknown, field: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(LndError);
  expect((thrown as LndError).code).toBe('LND_INVALID_RESPONSE');
  expect((thrown as LndError).message).toMatch(field);
  expect((thrown as LndError).message).toMatch(/expected .+, got /);
}

describe('toLndInvoice', () => {
  it('converts a settled invoice exactly', () => {
    const invoice = toLndInvoice(invoiceMessage());
    expect(invoice).toMatchObject({
      paymentHash: 'ab'.repeat(32),
      preimage: 'cd'.repeat(32),
      valueMsat: 1_000_000n,
      state: 'SETTLED',
      addIndex: 7n,
      settleIndex: 3n,
      amountPaidMsat: 1_000_000n,
      expirySeconds: 86_400,
      cltvExpiry: 80,
      isKeysend: false,
    });
    expect(invoice.creationDate.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(invoice.settleDate?.getTime()).toBe(1_700_000_100_000);
    expect(invoice.htlcs[0]).toEqual({
      chanId: '18446744073709551615',
      amountMsat: 1_000_000n,
      acceptHeight: 120,
      expiryHeight: 200,
      state: 'SETTLED',
    });
  });

  it('gives null settle date and preimage for an open hold invoice', () => {
    const invoice = toLndInvoice(
      invoiceMessage({ state: 'OPEN', settle_date: '0', r_preimage: Buffer.alloc(0), htlcs: [] }),
    );
    expect(invoice.settleDate).toBeNull();
    expect(invoice.preimage).toBeNull();
  });

  it.each([
    ['r_hash of 31 bytes', { r_hash: Buffer.alloc(31) }, /Invoice\.r_hash/],
    ['r_hash as a hex string', { r_hash: 'ab'.repeat(32) }, /Invoice\.r_hash/],
    ['preimage of 20 bytes', { r_preimage: Buffer.alloc(20) }, /Invoice\.r_preimage/],
    ['negative value_msat', { value_msat: '-1' }, /Invoice\.value_msat/],
    ['value_msat as a number', { value_msat: 1000 }, /Invoice\.value_msat/],
    ['unknown state', { state: 'EXPIRED' }, /Invoice\.state/],
    ['numeric state', { state: 4 }, /Invoice\.state/],
    ['add_index not decimal', { add_index: '0x10' }, /Invoice\.add_index/],
    ['add_index above uint64', { add_index: '18446744073709551616' }, /Invoice\.add_index/],
    ['missing memo', { memo: undefined }, /Invoice\.memo/],
    ['htlcs not a list', { htlcs: null }, /Invoice\.htlcs/],
    [
      'htlc chan id negative',
      { htlcs: [{ ...(invoiceMessage().htlcs as object[])[0], chan_id: '-5' }] },
      /htlcs\[0\]\.chan_id/,
    ],
    [
      'htlc state unknown',
      { htlcs: [{ ...(invoiceMessage().htlcs as object[])[0], state: 'HELD' }] },
      /htlcs\[0\]\.state/,
    ],
  ])('rejects %s', (_label, overrides, field) => {
    expectInvalid(() => toLndInvoice(invoiceMessage(overrides)), field);
  });

  it('rejects a non-object', () => expectInvalid(() => toLndInvoice(null), /Invoice/));
});

describe('toAddInvoiceResult / toInvoicePage', () => {
  const good = {
    r_hash: Buffer.alloc(32, 1),
    payment_request: 'lnbcrt1',
    add_index: '9',
    payment_addr: Buffer.alloc(32, 2),
  };
  it('converts', () => {
    expect(toAddInvoiceResult(good)).toEqual({
      paymentHash: '01'.repeat(32),
      paymentRequest: 'lnbcrt1',
      addIndex: 9n,
      paymentAddr: '02'.repeat(32),
    });
    const page = toInvoicePage({ invoices: [invoiceMessage()], first_index_offset: '7', last_index_offset: '7' });
    expect(page.invoices).toHaveLength(1);
    expect(page.lastIndexOffset).toBe(7n);
  });
  it.each([
    ['empty payment request', { payment_request: '' }, /payment_request/],
    ['short hash', { r_hash: Buffer.alloc(0) }, /r_hash/],
    ['payment addr missing', { payment_addr: null }, /payment_addr/],
  ])('rejects %s', (_label, overrides, field) =>
    expectInvalid(() => toAddInvoiceResult({ ...good, ...overrides }), field),
  );
});

describe('toLndPayment', () => {
  it('converts a succeeded payment with its route', () => {
    const payment = toLndPayment(paymentMessage());
    expect(payment).toMatchObject({
      status: 'SUCCEEDED',
      valueMsat: 1_000_000n,
      feeMsat: 1000n,
      failureReason: 'NONE',
      paymentIndex: 5n,
      preimage: 'cd'.repeat(32),
    });
    expect(payment.creationDate.getTime()).toBe(1_700_000_000_123);
    expect(payment.route?.hops[0]?.chanId).toBe('9007199254740993');
    expect(payment.route?.totalFeesMsat).toBe(1000n);
  });
  it('treats the all-zero preimage of an in-flight payment as null', () => {
    const payment = toLndPayment(paymentMessage({ status: 'IN_FLIGHT', payment_preimage: '0'.repeat(64), htlcs: [] }));
    expect(payment.preimage).toBeNull();
    expect(payment.route).toBeNull();
  });
  it('strips the failure reason prefix', () => {
    const payment = toLndPayment(
      paymentMessage({ status: 'FAILED', payment_preimage: '', htlcs: [], failure_reason: 'FAILURE_REASON_NO_ROUTE' }),
    );
    expect(payment.failureReason).toBe('NO_ROUTE');
  });
  it.each([
    ['hash too short', { payment_hash: 'ab' }, /Payment\.payment_hash/],
    ['hash not hex', { payment_hash: 'zz'.repeat(32) }, /Payment\.payment_hash/],
    ['UNKNOWN status', { status: 'UNKNOWN' }, /Payment\.status/],
    ['succeeded without preimage', { payment_preimage: '0'.repeat(64) }, /payment_preimage/],
    ['unknown failure reason', { failure_reason: 'FAILURE_REASON_SOLAR_FLARE' }, /failure_reason/],
    ['negative fee', { fee_msat: '-3' }, /fee_msat/],
    [
      'bad hop pubkey',
      {
        htlcs: [
          {
            status: 'SUCCEEDED',
            route: {
              ...(paymentMessage().htlcs as { route: object }[])[0]!.route,
              hops: [{ chan_id: '1', pub_key: 'x', amt_to_forward_msat: '1', fee_msat: '0', expiry: 1 }],
            },
          },
        ],
      },
      /hops\[0\]\.pub_key/,
    ],
  ])('rejects %s', (_label, overrides, field) => expectInvalid(() => toLndPayment(paymentMessage(overrides)), field));
  it('converts QueryRoutes routes', () => {
    const route = (paymentMessage().htlcs as { route: object }[])[0]!.route;
    expect(toRouteList({ routes: [route], success_prob: 1 })[0]?.totalTimeLock).toBe(300);
  });
});

describe('toNodeInfo', () => {
  it('converts and keeps the first version token', () => {
    expect(toNodeInfo(getInfoMessage())).toEqual({
      pubkey: `02${'11'.repeat(32)}`,
      alias: 'alice',
      network: 'regtest',
      blockHeight: 812,
      blockHash: '00'.repeat(32),
      isSyncedToChain: true,
      isSyncedToGraph: false,
      version: '0.20.0-beta',
      numActiveChannels: 2,
      numPeers: 3,
    });
  });
  it.each([
    ['no chains', { chains: [] }, /chains\[0\]\.network/],
    ['unknown network', { chains: [{ chain: 'bitcoin', network: 'litecoin' }] }, /network/],
    ['short pubkey', { identity_pubkey: '02ab' }, /identity_pubkey/],
    ['negative height', { block_height: -1 }, /block_height/],
    ['empty version', { version: ' ' }, /version/],
  ])('rejects %s', (_label, overrides, field) => expectInvalid(() => toNodeInfo(getInfoMessage(overrides)), field));
});

describe('toChannelList / toChannelBalance / toPayReq', () => {
  it('keeps a chan id above 2^53 exactly', () => {
    const [channel] = toChannelList({ channels: [channelMessage()] });
    expect(channel).toEqual({
      chanId: '877008154718978049',
      channelPoint: `${'ef'.repeat(32)}:1`,
      remotePubkey: `02${'11'.repeat(32)}`,
      isActive: true,
      isPrivate: false,
      capacitySat: 1_000_000n,
      localBalanceSat: 600_000n,
      remoteBalanceSat: 390_000n,
      localReserveSat: 10_000n,
      remoteReserveSat: 10_000n,
      commitFeeSat: 2_810n,
      unsettledBalanceSat: 0n,
      isInitiator: true,
      peerAlias: 'carol',
    });
  });
  it.each([
    ['channel point without index', { channel_point: 'ef'.repeat(32) }, /channel_point/],
    ['chan id as a number', { chan_id: Number('877008154718978049') }, /chan_id/],
    ['negative capacity', { capacity: '-1' }, /capacity/],
    ['negative commit fee', { commit_fee: '-5' }, /commit_fee/],
    ['initiator as a string', { initiator: 'yes' }, /initiator/],
  ])('rejects a channel with %s', (_label, overrides, field) =>
    expectInvalid(() => toChannelList({ channels: [channelMessage(overrides)] }), field),
  );

  it('reads msat balances, absent amounts as 0', () => {
    expect(toChannelBalance({ local_balance: { sat: '5', msat: '5000' }, remote_balance: null })).toEqual({
      localMsat: 5000n,
      remoteMsat: 0n,
      unsettledLocalMsat: 0n,
      unsettledRemoteMsat: 0n,
    });
    expectInvalid(() => toChannelBalance({ local_balance: { msat: 'lots' } }), /local_balance\.msat/);
  });

  it('converts a PayReq', () => {
    expect(toPayReq(payReqMessage())).toMatchObject({
      amountMsat: 1_000_000n,
      descriptionHash: '',
      paymentAddr: '01'.repeat(32),
      cltvExpiry: 80,
    });
  });
  it.each([
    ['bad destination', { destination: 'nope' }, /destination/],
    ['bad description hash', { description_hash: 'abc' }, /description_hash/],
    ['payment addr of 5 bytes', { payment_addr: Buffer.alloc(5) }, /payment_addr/],
    ['negative msat', { num_msat: '-1' }, /num_msat/],
  ])('rejects a PayReq with %s', (_label, overrides, field) =>
    expectInvalid(() => toPayReq(payReqMessage(overrides)), field),
  );
});
