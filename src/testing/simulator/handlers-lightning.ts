/**
 * lnrpc.Lightning handlers: wire request → model call → wire response, with LND's checks.
 */
import { unknownError } from '../network/rpc-error.js';
import { serverStream, unary, type RpcHandler } from './handler.js';
import { encodeInvoice, encodeInvoicePage } from './invoice-encode.js';
import {
  bigField,
  boolField,
  bytesField,
  intField,
  invoiceFields,
  makePreimage,
  optionalVertex,
  outgoingChanIds,
  stringField,
  unmarshallAmount,
  type WireRequest,
} from './wire-in.js';
import {
  toWireChannel,
  toWireChannelEdge,
  toWireChannelBalance,
  toWireInfo,
  toWirePayReq,
  toWirePayment,
  toWireRoute,
} from './wire-out.js';

/** rpcserver.go LookupInvoice: hex `r_hash_str` or raw `r_hash`, exactly 32 bytes. */
function lookupHash(request: WireRequest): string {
  const hashStr = stringField(request, 'r_hash_str');
  const hash = hashStr !== '' ? Buffer.from(hashStr, 'hex') : bytesField(request, 'r_hash');
  if (hashStr !== '' && !/^(?:[0-9a-fA-F]{2})*$/.test(hashStr))
    throw unknownError('encoding/hex: invalid byte in r_hash_str');
  if (hash.length !== 32) throw unknownError(`payment hash must be exactly 32 bytes, is instead ${hash.length}`);
  return hash.toString('hex');
}

/** FeeLimit oneof → msat; undefined when no limit is set (LND then applies its default). */
function feeLimitMsat(request: WireRequest, amountMsat: bigint): bigint | undefined {
  const feeLimit = request.fee_limit as WireRequest | null | undefined;
  if (!feeLimit) return undefined;
  switch (feeLimit.limit) {
    case 'fixed':
      return bigField(feeLimit, 'fixed') * 1000n;
    case 'fixed_msat':
      return bigField(feeLimit, 'fixed_msat');
    case 'percent': {
      const percent = bigField(feeLimit, 'percent');
      if (percent < 0n) throw unknownError('negative fee limit percentage');
      return (amountMsat * percent) / 100n;
    }
    default:
      return undefined;
  }
}

/** Handlers of the `lnrpc.Lightning` service. */
export const lightningHandlers: Readonly<Record<string, RpcHandler>> = {
  GetInfo: unary((_request, node) => toWireInfo(node.getInfo())),

  AddInvoice: unary((request, node) => {
    const preimage = bytesField(request, 'r_preimage');
    const result = node.addInvoice({
      ...invoiceFields(request, 'value'),
      ...(preimage.length > 0 ? { preimage: makePreimage(preimage) } : {}),
    });
    return {
      r_hash: Buffer.from(result.paymentHash, 'hex'),
      payment_request: result.paymentRequest,
      add_index: result.addIndex.toString(),
      payment_addr: Buffer.from(result.paymentAddr, 'hex'),
    };
  }),

  LookupInvoice: unary((request, node) => encodeInvoice(node.lookupInvoice(lookupHash(request)))),

  ListInvoices: unary((request, node) => {
    const start = Number(bigField(request, 'creation_date_start'));
    const end = Number(bigField(request, 'creation_date_end'));
    if (start !== 0 && end !== 0 && start >= end)
      throw unknownError(`start date(${start}) must be before end date(${end})`);
    const page = node.listInvoices({
      indexOffset: bigField(request, 'index_offset'),
      maxInvoices: Number(bigField(request, 'num_max_invoices')),
      pendingOnly: boolField(request, 'pending_only'),
      reversed: boolField(request, 'reversed'),
      creationDateStart: start,
      creationDateEnd: end,
    });
    return encodeInvoicePage(page);
  }),

  SubscribeInvoices: serverStream(
    (request, node) =>
      node.subscribeInvoices({
        addIndex: bigField(request, 'add_index'),
        settleIndex: bigField(request, 'settle_index'),
      }),
    encodeInvoice,
  ),

  ListChannels: unary((request, node) => {
    const activeOnly = boolField(request, 'active_only');
    const inactiveOnly = boolField(request, 'inactive_only');
    const publicOnly = boolField(request, 'public_only');
    const privateOnly = boolField(request, 'private_only');
    if (activeOnly && inactiveOnly)
      throw unknownError('either `active_only` or `inactive_only` can be set, but not both');
    if (publicOnly && privateOnly)
      throw unknownError('either `public_only` or `private_only` can be set, but not both');
    const peer = optionalVertex(bytesField(request, 'peer'));
    const channels = node
      .listChannels()
      .filter((c) => (!activeOnly || c.isActive) && (!inactiveOnly || !c.isActive))
      .filter((c) => (!publicOnly || !c.isPrivate) && (!privateOnly || c.isPrivate))
      .filter((c) => peer === undefined || c.remotePubkey === peer);
    const aliases = boolField(request, 'peer_alias_lookup');
    return { channels: channels.map((c) => toWireChannel(c, aliases)) };
  }),

  ChannelBalance: unary((_request, node) => toWireChannelBalance(node.channelBalance())),

  DecodePayReq: unary((request, node) => toWirePayReq(node.decodePayReq(stringField(request, 'pay_req')))),

  ListPayments: unary((request, node) => {
    const page = node.listPayments({
      indexOffset: bigField(request, 'index_offset'),
      maxPayments: Number(bigField(request, 'max_payments')),
      includeIncomplete: boolField(request, 'include_incomplete'),
      reversed: boolField(request, 'reversed'),
    });
    return {
      payments: page.payments.map(toWirePayment),
      first_index_offset: page.firstIndexOffset.toString(),
      last_index_offset: page.lastIndexOffset.toString(),
      total_num_payments: boolField(request, 'count_total_payments') ? page.totalNumPayments.toString() : '0',
    };
  }),

  QueryRoutes: unary((request, node) => {
    const amountMsat = unmarshallAmount(bigField(request, 'amt'), bigField(request, 'amt_msat')) ?? 0n;
    const limit = feeLimitMsat(request, amountMsat);
    const chanIds = outgoingChanIds(
      request,
      'outgoing_chan_id',
      'outgoing_chan_id and outgoing_chan_ids cannot both be set',
    );
    const lastHop = optionalVertex(bytesField(request, 'last_hop_pubkey'));
    const finalCltvDelta = intField(request, 'final_cltv_delta');
    const routes = node.queryRoutes({
      pubkey: stringField(request, 'pub_key'),
      amountMsat,
      ...(limit !== undefined ? { feeLimitMsat: limit } : {}),
      ...(chanIds ? { outgoingChanIds: chanIds } : {}),
      ...(lastHop ? { lastHopPubkey: lastHop } : {}),
      ...(finalCltvDelta !== 0 ? { finalCltvDelta } : {}),
    });
    return { routes: routes.map(toWireRoute), success_prob: routes.length > 0 ? 1 : 0 };
  }),

  GetChanInfo: unary((request, node) => {
    const chanId = bigField(request, 'chan_id');
    const channelPoint = stringField(request, 'chan_point');
    return toWireChannelEdge(node.getChanInfo(chanId !== 0n ? { chanId: chanId.toString() } : { channelPoint }));
  }),
};
