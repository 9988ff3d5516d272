/**
 * LND `Invoice` / `AddInvoiceResponse` / `AddHoldInvoiceResp` / `ListInvoiceResponse` → port types,
 * validated field by field.
 */
import type {
  LndAddHoldInvoiceResult,
  LndAddInvoiceResult,
  LndInvoice,
  LndInvoiceHtlc,
  LndInvoicePage,
  LndInvoiceState,
} from '../lnd-client.js';
import {
  bool,
  bytesHex,
  count,
  enumValue,
  invalidResponse,
  message,
  messages,
  nonNegativeI64,
  optionalBytesHex,
  str,
  u64,
  u64String,
  unixSeconds,
  type Message,
} from './validate.js';
import { WireDecoded } from './invoice-wire.js';

const INVOICE_STATES: readonly LndInvoiceState[] = ['OPEN', 'SETTLED', 'CANCELED', 'ACCEPTED'];
const HTLC_STATES = ['ACCEPTED', 'SETTLED', 'CANCELED'] as const;

function toHtlc(msg: Message, where: string): LndInvoiceHtlc {
  return {
    chanId: u64String(msg, 'chan_id', where),
    amountMsat: u64(msg, 'amt_msat', where),
    acceptHeight: count(msg, 'accept_height', where),
    expiryHeight: count(msg, 'expiry_height', where),
    state: enumValue(msg, 'state', where, HTLC_STATES),
  };
}

/** lnrpc.Invoice → {@link LndInvoice} (as proto-loader decodes it, or already decoded from the wire). */
export function toLndInvoice(value: unknown): LndInvoice {
  if (value instanceof WireDecoded) return (value as WireDecoded<LndInvoice>).unwrap();
  const where = 'Invoice';
  const msg = message(value, where);
  const settleDate = count(msg, 'settle_date', where);
  return {
    paymentHash: bytesHex(msg, 'r_hash', where, 32),
    paymentRequest: str(msg, 'payment_request', where),
    memo: str(msg, 'memo', where),
    valueMsat: nonNegativeI64(msg, 'value_msat', where),
    state: enumValue(msg, 'state', where, INVOICE_STATES),
    addIndex: u64(msg, 'add_index', where),
    settleIndex: u64(msg, 'settle_index', where),
    amountPaidMsat: nonNegativeI64(msg, 'amt_paid_msat', where),
    creationDate: unixSeconds(msg, 'creation_date', where),
    settleDate: settleDate === 0 ? null : new Date(settleDate * 1000),
    expirySeconds: count(msg, 'expiry', where),
    cltvExpiry: count(msg, 'cltv_expiry', where),
    preimage: optionalBytesHex(msg, 'r_preimage', where, 32),
    isKeysend: bool(msg, 'is_keysend', where),
    isAmp: bool(msg, 'is_amp', where),
    htlcs: messages(msg, 'htlcs', where).map((h, i) => toHtlc(h, `${where}.htlcs[${i}]`)),
  };
}

/** lnrpc.AddInvoiceResponse → {@link LndAddInvoiceResult}. */
export function toAddInvoiceResult(value: unknown): LndAddInvoiceResult {
  const where = 'AddInvoiceResponse';
  const msg = message(value, where);
  return {
    paymentHash: bytesHex(msg, 'r_hash', where, 32),
    paymentRequest: nonEmpty(msg, 'payment_request', where),
    addIndex: u64(msg, 'add_index', where),
    paymentAddr: bytesHex(msg, 'payment_addr', where, 32),
  };
}

/** invoicesrpc.AddHoldInvoiceResp → {@link LndAddHoldInvoiceResult}. */
export function toAddHoldInvoiceResult(value: unknown): LndAddHoldInvoiceResult {
  const where = 'AddHoldInvoiceResp';
  const msg = message(value, where);
  return {
    paymentRequest: nonEmpty(msg, 'payment_request', where),
    addIndex: u64(msg, 'add_index', where),
    paymentAddr: bytesHex(msg, 'payment_addr', where, 32),
  };
}

/** lnrpc.ListInvoiceResponse → {@link LndInvoicePage} (as proto-loader decodes it, or from the wire). */
export function toInvoicePage(value: unknown): LndInvoicePage {
  if (value instanceof WireDecoded) return (value as WireDecoded<LndInvoicePage>).unwrap();
  const where = 'ListInvoiceResponse';
  const msg = message(value, where);
  return {
    invoices: messages(msg, 'invoices', where).map(toLndInvoice),
    firstIndexOffset: u64(msg, 'first_index_offset', where),
    lastIndexOffset: u64(msg, 'last_index_offset', where),
  };
}

function nonEmpty(msg: Message, field: string, where: string): string {
  const value = str(msg, field, where);
  if (value === '') throw invalidResponse(`${where}.${field}`, 'a non-empty string', value);
  return value;
}
