import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import {
  addHoldInvoiceRequest,
  addInvoiceRequest,
  listInvoicesRequest,
  queryRoutesRequest,
  sendPaymentRequest,
  subscribeInvoicesRequest,
} from './requests.js';

const HASH = 'ab'.repeat(32);
const PUBKEY = `02${'11'.repeat(32)}`;

describe('request builders', () => {
  it('encode bytes as Buffers and 64-bit values as exact decimal strings', () => {
    const invoice = addInvoiceRequest({ valueMsat: 2n ** 62n + 1n, memo: 'm', preimage: HASH });
    expect(invoice).toMatchObject({ value_msat: '4611686018427387905', expiry: 86_400, cltv_expiry: 80 });
    expect(Buffer.isBuffer(invoice['r_preimage'])).toBe(true);
    expect(subscribeInvoicesRequest({ addIndex: 2n ** 64n - 1n, settleIndex: 0n })).toEqual({
      add_index: '18446744073709551615',
      settle_index: '0',
    });
    expect(
      sendPaymentRequest({
        paymentRequest: 'lnbcrt1',
        feeLimitMsat: 1000n,
        outgoingChanIds: ['877008154718978049'],
        lastHopPubkey: PUBKEY,
      }),
    ).toMatchObject({
      fee_limit_msat: '1000',
      timeout_seconds: 60,
      outgoing_chan_ids: ['877008154718978049'],
      allow_self_payment: false,
    });
    expect(queryRoutesRequest({ pubkey: PUBKEY, amountMsat: 5n, feeLimitMsat: 7n })).toMatchObject({
      pub_key: PUBKEY,
      amt_msat: '5',
      fee_limit: { fixed_msat: '7' },
    });
    expect(listInvoicesRequest()).toEqual({
      index_offset: '0',
      num_max_invoices: '100',
      pending_only: false,
      reversed: false,
    });
  });

  it.each([
    ['valueMsat', () => addInvoiceRequest({ valueMsat: -1n, memo: '' })],
    ['valueMsat', () => addInvoiceRequest({ valueMsat: 1000 as unknown as bigint, memo: '' })],
    ['preimage', () => addInvoiceRequest({ valueMsat: 1n, memo: '', preimage: 'abc' })],
    ['descriptionHash', () => addInvoiceRequest({ valueMsat: 1n, memo: '', descriptionHash: 'zz'.repeat(32) })],
    ['expirySeconds', () => addInvoiceRequest({ valueMsat: 1n, memo: '', expirySeconds: 0 })],
    ['cltvExpiry', () => addInvoiceRequest({ valueMsat: 1n, memo: '', cltvExpiry: 70_000 })],
    ['memo', () => addInvoiceRequest({ valueMsat: 1n, memo: 5 as unknown as string })],
    ['paymentHash', () => addHoldInvoiceRequest({ paymentHash: HASH.slice(2), valueMsat: 1n, memo: '' })],
    ['addIndex', () => subscribeInvoicesRequest({ addIndex: 2n ** 64n, settleIndex: 0n })],
    ['paymentRequest', () => sendPaymentRequest({ paymentRequest: '', feeLimitMsat: 1n })],
    ['feeLimitMsat', () => sendPaymentRequest({ paymentRequest: 'ln', feeLimitMsat: -1n })],
    ['amountMsat', () => sendPaymentRequest({ paymentRequest: 'ln', feeLimitMsat: 1n, amountMsat: 0n })],
    [
      'outgoingChanIds[0]',
      () => sendPaymentRequest({ paymentRequest: 'ln', feeLimitMsat: 1n, outgoingChanIds: ['12x'] }),
    ],
    ['lastHopPubkey', () => sendPaymentRequest({ paymentRequest: 'ln', feeLimitMsat: 1n, lastHopPubkey: HASH })],
    ['pubkey', () => queryRoutesRequest({ pubkey: 'nope', amountMsat: 1n })],
    ['maxInvoices', () => listInvoicesRequest({ maxInvoices: 0 })],
  ])('rejects a bad %s with a ValidationError', (field, build) => {
    let thrown: unknown;
    try {
      build();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).field).toBe(field);
    expect((thrown as Error).message).toMatch(/expected .+, got /);
  });
});
