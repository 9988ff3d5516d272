/** The LndClient port on top of a transport: requests out, validated port values in. */
import { LndError } from '../../errors.js';
import type { LndClient, LndInvoice, LndPayment } from '../lnd-client.js';
import {
  toAddHoldInvoiceResult,
  toAddInvoiceResult,
  toChannelBalance,
  toChannelList,
  toInvoicePage,
  toLndInvoice,
  toLndPayment,
  toNodeInfo,
  toPaymentList,
  toPayReq,
  toRouteList,
} from './convert.js';
import type { LndTransport } from './lnd-grpc-client.js';
import {
  addHoldInvoiceRequest,
  addInvoiceRequest,
  hexBytes,
  listInvoicesRequest,
  listPaymentsRequest,
  queryRoutesRequest,
  sendPaymentRequest,
  subscribeInvoicesRequest,
} from './requests.js';

const NO_PATH = 'unable to find a path to destination';
const invoiceIsFinal = (invoice: LndInvoice): boolean => invoice.state === 'SETTLED' || invoice.state === 'CANCELED';
const paymentIsFinal = (payment: LndPayment): boolean => payment.status === 'SUCCEEDED' || payment.status === 'FAILED';

/** Builds the LndClient methods (everything but `circuitState`) on `transport`. */
export function createLndMethods(transport: LndTransport): LndClient {
  // Idempotent calls may be retried on UNAVAILABLE/DEADLINE_EXCEEDED; writes that create
  // something (invoices, payments) never are.
  const read = (rpc: string, request: object): Promise<unknown> => transport.unary(rpc, request, true);
  const write = (rpc: string, request: object): Promise<unknown> => transport.unary(rpc, request, false);
  return {
    getInfo: async () => toNodeInfo(await read('Lightning.GetInfo', {})),
    addInvoice: async (input) => toAddInvoiceResult(await write('Lightning.AddInvoice', addInvoiceRequest(input))),
    addHoldInvoice: async (input) =>
      toAddHoldInvoiceResult(await write('Invoices.AddHoldInvoice', addHoldInvoiceRequest(input))),
    settleInvoice: async (preimage) => {
      await read('Invoices.SettleInvoice', { preimage: hexBytes('preimage', preimage, 32) });
    },
    cancelInvoice: async (paymentHash) => {
      await read('Invoices.CancelInvoice', { payment_hash: hexBytes('paymentHash', paymentHash, 32) });
    },
    lookupInvoice: async (paymentHash) =>
      toLndInvoice(await read('Lightning.LookupInvoice', { r_hash: hexBytes('paymentHash', paymentHash, 32) })),
    listInvoices: async (input) => toInvoicePage(await read('Lightning.ListInvoices', listInvoicesRequest(input))),
    subscribeInvoices: (input) =>
      transport.stream(
        'Lightning.SubscribeInvoices',
        subscribeInvoicesRequest(input),
        toLndInvoice,
        withSignal(input.signal),
      ),
    subscribeSingleInvoice: (input) =>
      transport.stream(
        'Invoices.SubscribeSingleInvoice',
        { r_hash: hexBytes('paymentHash', input.paymentHash, 32) },
        toLndInvoice,
        { ...withSignal(input.signal), isFinal: invoiceIsFinal },
      ),
    listChannels: async () => toChannelList(await read('Lightning.ListChannels', { peer_alias_lookup: true })),
    channelBalance: async () => toChannelBalance(await read('Lightning.ChannelBalance', {})),
    decodePayReq: async (paymentRequest) =>
      toPayReq(await read('Lightning.DecodePayReq', { pay_req: String(paymentRequest) })),
    sendPayment: (input) =>
      transport.stream('Router.SendPaymentV2', sendPaymentRequest(input), toLndPayment, {
        ...withSignal(input.signal),
        isFinal: paymentIsFinal,
      }),
    trackPayment: (input) =>
      transport.stream(
        'Router.TrackPaymentV2',
        { payment_hash: hexBytes('paymentHash', input.paymentHash, 32), no_inflight_updates: false },
        toLndPayment,
        { ...withSignal(input.signal), isFinal: paymentIsFinal },
      ),
    listPayments: async (input) => toPaymentList(await read('Lightning.ListPayments', listPaymentsRequest(input))),
    queryRoutes: async (input) => {
      try {
        return toRouteList(await read('Lightning.QueryRoutes', queryRoutesRequest(input)));
      } catch (error) {
        if (error instanceof LndError && error.message.includes(NO_PATH)) return [];
        throw error;
      }
    },
    close: () => transport.close(),
  };
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
