/**
 * routerrpc.Router and invoicesrpc.Invoices handlers, with LND's request checks.
 */
import { LndRpcError, unknownError } from '../network/rpc-error.js';
import type { SimInvoice, SimNode, SimPayment } from '../network/types.js';
import { serverStream, unary, type RpcHandler } from './handler.js';
import {
  bigField,
  boolField,
  bytesField,
  intField,
  invalidArgument,
  invoiceFields,
  makeHash,
  makePreimage,
  optionalVertex,
  outgoingChanIds,
  stringField,
  unmarshallAmount,
  type WireRequest,
} from './wire-in.js';
import { encodeInvoice } from './invoice-encode.js';
import { toWirePayment } from './wire-out.js';

const NOT_FOUND = 5;

/** `no_inflight_updates`: only the terminal update is written. */
const skipInflight = (request: WireRequest): ((payment: SimPayment) => boolean) | undefined =>
  boolField(request, 'no_inflight_updates')
    ? (payment) => payment.status === 'IN_FLIGHT' || payment.status === 'INITIATED'
    : undefined;

/** Handlers of the `routerrpc.Router` service. */
export const routerHandlers: Readonly<Record<string, RpcHandler>> = {
  SendPaymentV2: serverStream(
    (request, node) => {
      const paymentRequest = stringField(request, 'payment_request');
      if (paymentRequest === '') {
        throw unknownError('the LND simulator pays BOLT11 invoices only: payment_request must be set');
      }
      const amountMsat = unmarshallAmount(bigField(request, 'amt'), bigField(request, 'amt_msat'));
      const feeLimitMsat =
        unmarshallAmount(bigField(request, 'fee_limit_sat'), bigField(request, 'fee_limit_msat')) ?? 0n;
      const chanIds = outgoingChanIds(
        request,
        'outgoing_chan_id',
        'outgoing_chan_id and outgoing_chan_ids are mutually exclusive',
      );
      const lastHop = optionalVertex(bytesField(request, 'last_hop_pubkey'));
      return node.sendPayment({
        paymentRequest,
        ...(amountMsat !== undefined ? { amountMsat } : {}),
        feeLimitMsat,
        timeoutSeconds: intField(request, 'timeout_seconds'),
        ...(chanIds ? { outgoingChanIds: chanIds } : {}),
        ...(lastHop ? { lastHopPubkey: lastHop } : {}),
        allowSelfPayment: boolField(request, 'allow_self_payment'),
        noInflightUpdates: boolField(request, 'no_inflight_updates'),
      });
    },
    toWirePayment,
    skipInflight,
  ),

  TrackPaymentV2: serverStream(
    (request, node) => node.trackPayment(makeHash(bytesField(request, 'payment_hash'))),
    toWirePayment,
    skipInflight,
  ),
};

/** LookupInvoiceV2's `invoice_ref` oneof → an invoice (payment_addr is searched; AMP set ids are unsupported). */
function lookupInvoiceV2(request: WireRequest, node: SimNode): SimInvoice {
  switch (request.invoice_ref) {
    case 'payment_hash': {
      const hash = bytesField(request, 'payment_hash');
      if (hash.length !== 32)
        throw invalidArgument(`unable to parse pay hash: invalid hash length of ${hash.length}, want 32`);
      return node.lookupInvoice(hash.toString('hex'));
    }
    case 'payment_addr': {
      const addr = bytesField(request, 'payment_addr').toString('hex');
      for (let offset = 0n; ;) {
        const page = node.listInvoices({ indexOffset: offset, maxInvoices: 1000 });
        const found = page.invoices.find((invoice) => invoice.paymentAddr === addr);
        if (found) return found;
        if (page.invoices.length === 0) throw new LndRpcError(NOT_FOUND, 'unable to locate invoice');
        offset = page.lastIndexOffset;
      }
    }
    case 'set_id':
      throw new LndRpcError(NOT_FOUND, 'unable to locate invoice');
    default:
      throw invalidArgument('invoice ref must be set');
  }
}

/** Handlers of the `invoicesrpc.Invoices` service. */
export const invoicesHandlers: Readonly<Record<string, RpcHandler>> = {
  AddHoldInvoice: unary((request, node) => {
    const paymentHash = makeHash(bytesField(request, 'hash'));
    const result = node.addHoldInvoice({ ...invoiceFields(request, 'value'), paymentHash });
    return {
      payment_request: result.paymentRequest,
      add_index: result.addIndex.toString(),
      payment_addr: Buffer.from(result.paymentAddr, 'hex'),
    };
  }),

  SettleInvoice: unary((request, node) => {
    node.settleInvoice(makePreimage(bytesField(request, 'preimage')));
    return {};
  }),

  CancelInvoice: unary((request, node) => {
    node.cancelInvoice(makeHash(bytesField(request, 'payment_hash')));
    return {};
  }),

  SubscribeSingleInvoice: serverStream(
    (request, node) => node.subscribeSingleInvoice(makeHash(bytesField(request, 'r_hash'))),
    encodeInvoice,
  ),

  LookupInvoiceV2: unary((request, node) => encodeInvoice(lookupInvoiceV2(request, node))),
};
