/**
 * Port inputs → LND request messages. Inputs are validated first (a `ValidationError` naming the
 * field, nothing sent); bytes go out as Buffers (a string would be read as base64), 64-bit values
 * as decimal strings so nothing is rounded. Bounded small ones (expiry, CLTV delta) go as numbers,
 * exact far below 2^53: protobufjs turns a number into its Long directly but parses a string digit
 * by digit, and AddInvoice is the hot path (#15).
 */
import { ValidationError } from '../../errors.js';
import type {
  LndAddHoldInvoiceInput,
  LndAddInvoiceInput,
  LndListInvoicesInput,
  LndQueryRoutesInput,
  LndSendPaymentInput,
  LndSubscribeInvoicesInput,
} from '../lnd-client.js';

const HEX = /^[0-9a-fA-F]*$/;
const DECIMAL = /^[0-9]+$/;
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MAX = 2n ** 63n - 1n;

/** Hex of exactly `length` bytes → Buffer. */
export function hexBytes(field: string, value: unknown, length: number): Buffer {
  if (typeof value !== 'string' || value.length !== length * 2 || !HEX.test(value)) {
    const got = typeof value === 'string' ? `${value.length} characters` : typeof value;
    throw new ValidationError(field, `expected ${length} bytes as hex (${length * 2} characters), got ${got}`);
  }
  return Buffer.from(value, 'hex');
}

function amount(field: string, value: unknown, { max = INT64_MAX, min = 0n } = {}): string {
  if (typeof value !== 'bigint' || value < min || value > max) {
    throw new ValidationError(
      field,
      `expected a bigint in [${min}, ${max}], got ${typeof value === 'bigint' ? value : typeof value}`,
    );
  }
  return value.toString();
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `expected an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

function chanIds(field: string, value: readonly string[] | undefined): string[] {
  return (value ?? []).map((id, i) => {
    if (typeof id !== 'string' || !DECIMAL.test(id) || BigInt(id) > UINT64_MAX || BigInt(id) === 0n) {
      throw new ValidationError(`${field}[${i}]`, `expected a decimal uint64 chan id, got ${JSON.stringify(id)}`);
    }
    return id;
  });
}

function text(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError(field, `expected a string, got ${typeof value}`);
  return value;
}

/** LndAddInvoiceInput → lnrpc.Invoice. */
export function addInvoiceRequest(input: LndAddInvoiceInput): Record<string, unknown> {
  return {
    memo: text('memo', input.memo),
    value_msat: amount('valueMsat', input.valueMsat),
    expiry: integer('expirySeconds', input.expirySeconds ?? 86_400, 1, 31_536_000),
    cltv_expiry: integer('cltvExpiry', input.cltvExpiry ?? 80, 1, 65_535),
    ...(input.descriptionHash === undefined
      ? {}
      : { description_hash: hexBytes('descriptionHash', input.descriptionHash, 32) }),
    ...(input.preimage === undefined ? {} : { r_preimage: hexBytes('preimage', input.preimage, 32) }),
  };
}

/** LndAddHoldInvoiceInput → invoicesrpc.AddHoldInvoiceRequest. */
export function addHoldInvoiceRequest(input: LndAddHoldInvoiceInput): Record<string, unknown> {
  return {
    hash: hexBytes('paymentHash', input.paymentHash, 32),
    memo: text('memo', input.memo),
    value_msat: amount('valueMsat', input.valueMsat),
    expiry: integer('expirySeconds', input.expirySeconds ?? 86_400, 1, 31_536_000),
    cltv_expiry: integer('cltvExpiry', input.cltvExpiry ?? 80, 1, 65_535),
  };
}

/** LndListInvoicesInput → lnrpc.ListInvoiceRequest. */
export function listInvoicesRequest(input: LndListInvoicesInput = {}): Record<string, unknown> {
  return {
    index_offset: amount('indexOffset', input.indexOffset ?? 0n, { max: UINT64_MAX }),
    num_max_invoices: String(integer('maxInvoices', input.maxInvoices ?? 100, 1, 1_000_000)),
    pending_only: input.pendingOnly === true,
    reversed: input.reversed === true,
  };
}

/** LndSubscribeInvoicesInput → lnrpc.InvoiceSubscription. */
export function subscribeInvoicesRequest(input: LndSubscribeInvoicesInput): Record<string, unknown> {
  return {
    add_index: amount('addIndex', input.addIndex, { max: UINT64_MAX }),
    settle_index: amount('settleIndex', input.settleIndex, { max: UINT64_MAX }),
  };
}

/** LndSendPaymentInput → routerrpc.SendPaymentRequest (always with a fee limit). */
export function sendPaymentRequest(input: LndSendPaymentInput): Record<string, unknown> {
  const paymentRequest = text('paymentRequest', input.paymentRequest);
  if (paymentRequest === '') throw new ValidationError('paymentRequest', 'expected a BOLT11 payment request, got ""');
  return {
    payment_request: paymentRequest,
    ...(input.amountMsat === undefined ? {} : { amt_msat: amount('amountMsat', input.amountMsat, { min: 1n }) }),
    fee_limit_msat: amount('feeLimitMsat', input.feeLimitMsat),
    timeout_seconds: integer('timeoutSeconds', input.timeoutSeconds ?? 60, 1, 3600),
    outgoing_chan_ids: chanIds('outgoingChanIds', input.outgoingChanIds),
    ...(input.lastHopPubkey === undefined
      ? {}
      : { last_hop_pubkey: hexBytes('lastHopPubkey', input.lastHopPubkey, 33) }),
    allow_self_payment: input.allowSelfPayment === true,
    no_inflight_updates: false,
  };
}

/** LndQueryRoutesInput → lnrpc.QueryRoutesRequest. */
export function queryRoutesRequest(input: LndQueryRoutesInput): Record<string, unknown> {
  return {
    pub_key: hexBytes('pubkey', input.pubkey, 33).toString('hex'),
    amt_msat: amount('amountMsat', input.amountMsat, { min: 1n }),
    ...(input.feeLimitMsat === undefined
      ? {}
      : { fee_limit: { fixed_msat: amount('feeLimitMsat', input.feeLimitMsat) } }),
    outgoing_chan_ids: chanIds('outgoingChanIds', input.outgoingChanIds),
    ...(input.lastHopPubkey === undefined
      ? {}
      : { last_hop_pubkey: hexBytes('lastHopPubkey', input.lastHopPubkey, 33) }),
    ...(input.finalCltvDelta === undefined
      ? {}
      : { final_cltv_delta: integer('finalCltvDelta', input.finalCltvDelta, 1, 65_535) }),
    use_mission_control: true,
  };
}

/** ListPayments input → lnrpc.ListPaymentsRequest (incomplete payments included). */
export function listPaymentsRequest(
  input: { readonly indexOffset?: bigint; readonly maxPayments?: number } = {},
): Record<string, unknown> {
  return {
    include_incomplete: true,
    index_offset: amount('indexOffset', input.indexOffset ?? 0n, { max: UINT64_MAX }),
    max_payments: String(integer('maxPayments', input.maxPayments ?? 100, 1, 1_000_000)),
  };
}
