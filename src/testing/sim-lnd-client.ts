/**
 * An {@link LndClient} on one node of the in-memory network model: what `createFakeLnd` hands out,
 * reusable for any node (`lndClientFromSimNode(network.node('carol'), network)`).
 */
import type { Channel } from '../domain/channel.js';
import { LndUnavailableError } from '../errors.js';
import type { LndClient, LndInvoice, LndPayReq, LndPayment } from '../lnd/lnd-client.js';
import { mapLndError } from '../lnd/map-lnd-error.js';
import type { SimInvoice, SimNetwork, SimNode, SimPayment, SimStream } from './network/types.js';

/** Options of {@link lndClientFromSimNode}. */
export interface SimLndClientOptions {
  /** Called before every method with its name; a returned error is thrown (mapped) instead of calling the node. */
  readonly intercept?: (method: keyof LndClient) => unknown;
}

/** Strips a model invoice down to the port's {@link LndInvoice} shape. */
export function toLndInvoice(i: SimInvoice): LndInvoice {
  return {
    paymentHash: i.paymentHash,
    paymentRequest: i.paymentRequest,
    memo: i.memo,
    valueMsat: i.valueMsat,
    state: i.state,
    addIndex: i.addIndex,
    settleIndex: i.settleIndex,
    amountPaidMsat: i.amountPaidMsat,
    creationDate: i.creationDate,
    settleDate: i.settleDate,
    expirySeconds: i.expirySeconds,
    cltvExpiry: i.cltvExpiry,
    preimage: i.preimage,
    isKeysend: i.isKeysend,
    isAmp: i.isAmp,
    htlcs: i.htlcs.map((h) => ({
      chanId: h.chanId,
      amountMsat: h.amountMsat,
      acceptHeight: h.acceptHeight,
      expiryHeight: h.expiryHeight,
      state: h.state,
    })),
  };
}

/** Strips a model payment down to the port's {@link LndPayment} shape. */
export function toLndPayment(p: SimPayment): LndPayment {
  return {
    paymentHash: p.paymentHash,
    status: p.status,
    valueMsat: p.valueMsat,
    feeMsat: p.feeMsat,
    preimage: p.preimage,
    paymentRequest: p.paymentRequest,
    failureReason: p.failureReason,
    creationDate: p.creationDate,
    paymentIndex: p.paymentIndex,
    route: p.route,
  };
}

const isFinalInvoice = (i: LndInvoice): boolean => i.state === 'SETTLED' || i.state === 'CANCELED';
const isFinalPayment = (p: LndPayment): boolean => p.status === 'SUCCEEDED' || p.status === 'FAILED';

/**
 * Turns a node of the network model into an {@link LndClient}: errors are mapped through
 * `mapLndError`, streams are `AsyncIterable`s that `break`, `return()`, `signal` or `close()` cancel.
 * @example const carol = lndClientFromSimNode(network.node('carol'), network);
 */
export function lndClientFromSimNode(node: SimNode, network: SimNetwork, options: SimLndClientOptions = {}): LndClient {
  if (network.nodeByPubkey(node.pubkey) !== node) throw new Error(`node ${node.name} is not part of this network`);
  const closers = new Set<() => void>();
  let closed = false;

  const guard = (method: keyof LndClient): void => {
    if (closed) throw new LndUnavailableError('the LND client is closed');
    const injected = options.intercept?.(method);
    if (injected !== undefined) throw mapLndError(injected);
  };
  const call = async <T>(method: keyof LndClient, fn: () => T): Promise<T> => {
    guard(method);
    try {
      return fn();
    } catch (error) {
      throw mapLndError(error);
    }
  };

  function stream<S, T>(
    method: keyof LndClient,
    open: () => SimStream<S>,
    convert: (item: S) => T,
    isFinal: (item: T) => boolean,
    signal?: AbortSignal,
  ): AsyncIterable<T> {
    return {
      async *[Symbol.asyncIterator]() {
        if (signal?.aborted) return;
        guard(method);
        let sim: SimStream<S>;
        try {
          sim = open();
        } catch (error) {
          throw mapLndError(error);
        }
        type Item =
          { kind: 'data'; value: S } | { kind: 'end' } | { kind: 'error'; error: unknown } | { kind: 'cancel' };
        const queue: Item[] = [];
        let wake: (() => void) | null = null;
        const push = (item: Item): void => {
          queue.push(item);
          wake?.();
          wake = null;
        };
        sim.onData((value) => push({ kind: 'data', value }));
        sim.onEnd(() => push({ kind: 'end' }));
        sim.onError((error) => push({ kind: 'error', error }));
        const cancel = (): void => push({ kind: 'cancel' });
        signal?.addEventListener('abort', cancel, { once: true });
        closers.add(cancel);
        try {
          for (;;) {
            const item = queue.shift();
            if (item === undefined) {
              await new Promise<void>((resolve) => (wake = resolve));
              continue;
            }
            if (item.kind === 'end' || item.kind === 'cancel') return;
            if (item.kind === 'error') throw mapLndError(item.error);
            const value = convert(item.value);
            yield value;
            if (isFinal(value)) return;
          }
        } finally {
          signal?.removeEventListener('abort', cancel);
          closers.delete(cancel);
          sim.close();
        }
      },
    };
  }

  return {
    getInfo: () =>
      call('getInfo', () => {
        const {
          versionString: _v,
          commitHash: _c,
          color: _co,
          numInactiveChannels: _n,
          numPendingChannels: _p,
          bestHeaderTimestamp: _b,
          uris: _u,
          ...info
        } = node.getInfo();
        return info;
      }),
    addInvoice: (input) =>
      call('addInvoice', () =>
        node.addInvoice({
          valueMsat: input.valueMsat,
          memo: input.memo,
          ...(input.expirySeconds !== undefined ? { expirySeconds: input.expirySeconds } : {}),
          ...(input.descriptionHash !== undefined ? { descriptionHash: input.descriptionHash } : {}),
          ...(input.preimage !== undefined ? { preimage: input.preimage } : {}),
          ...(input.cltvExpiry !== undefined ? { cltvExpiry: input.cltvExpiry } : {}),
        }),
      ),
    addHoldInvoice: (input) =>
      call('addHoldInvoice', () =>
        node.addHoldInvoice({
          paymentHash: input.paymentHash,
          valueMsat: input.valueMsat,
          memo: input.memo,
          ...(input.expirySeconds !== undefined ? { expirySeconds: input.expirySeconds } : {}),
          ...(input.cltvExpiry !== undefined ? { cltvExpiry: input.cltvExpiry } : {}),
        }),
      ),
    settleInvoice: (preimage) => call('settleInvoice', () => node.settleInvoice(preimage)),
    cancelInvoice: (paymentHash) => call('cancelInvoice', () => node.cancelInvoice(paymentHash)),
    lookupInvoice: (paymentHash) => call('lookupInvoice', () => toLndInvoice(node.lookupInvoice(paymentHash))),
    listInvoices: (input = {}) =>
      call('listInvoices', () => {
        const page = node.listInvoices(input);
        return {
          invoices: page.invoices.map(toLndInvoice),
          firstIndexOffset: page.firstIndexOffset,
          lastIndexOffset: page.lastIndexOffset,
        };
      }),
    subscribeInvoices: (input) =>
      stream(
        'subscribeInvoices',
        () => node.subscribeInvoices({ addIndex: input.addIndex, settleIndex: input.settleIndex }),
        toLndInvoice,
        () => false,
        input.signal,
      ),
    subscribeSingleInvoice: (input) =>
      stream(
        'subscribeSingleInvoice',
        () => node.subscribeSingleInvoice(input.paymentHash),
        toLndInvoice,
        isFinalInvoice,
        input.signal,
      ),
    listChannels: () =>
      call('listChannels', (): readonly Channel[] =>
        node.listChannels().map((c) => ({
          chanId: c.chanId,
          channelPoint: c.channelPoint,
          remotePubkey: c.remotePubkey,
          isActive: c.isActive,
          isPrivate: c.isPrivate,
          capacitySat: c.capacitySat,
          localBalanceSat: c.localBalanceSat,
          remoteBalanceSat: c.remoteBalanceSat,
          localReserveSat: c.localReserveSat,
          remoteReserveSat: c.remoteReserveSat,
          commitFeeSat: 0n,
          unsettledBalanceSat: c.unsettledBalanceSat,
          isInitiator: c.initiator,
          peerAlias: c.peerAlias,
        })),
      ),
    channelBalance: () => call('channelBalance', () => node.channelBalance()),
    decodePayReq: (paymentRequest) =>
      call('decodePayReq', (): LndPayReq => {
        const { features: _f, ...payReq } = node.decodePayReq(paymentRequest);
        return payReq;
      }),
    sendPayment: (input) =>
      stream(
        'sendPayment',
        () =>
          node.sendPayment({
            paymentRequest: input.paymentRequest,
            feeLimitMsat: input.feeLimitMsat,
            ...(input.amountMsat !== undefined ? { amountMsat: input.amountMsat } : {}),
            ...(input.timeoutSeconds !== undefined ? { timeoutSeconds: input.timeoutSeconds } : {}),
            ...(input.outgoingChanIds !== undefined ? { outgoingChanIds: input.outgoingChanIds } : {}),
            ...(input.lastHopPubkey !== undefined ? { lastHopPubkey: input.lastHopPubkey } : {}),
            ...(input.allowSelfPayment !== undefined ? { allowSelfPayment: input.allowSelfPayment } : {}),
          }),
        toLndPayment,
        isFinalPayment,
        input.signal,
      ),
    trackPayment: (input) =>
      stream('trackPayment', () => node.trackPayment(input.paymentHash), toLndPayment, isFinalPayment, input.signal),
    listPayments: (input = {}) =>
      call('listPayments', () =>
        node
          .listPayments({
            includeIncomplete: true,
            ...(input.indexOffset !== undefined ? { indexOffset: input.indexOffset } : {}),
            ...(input.maxPayments !== undefined ? { maxPayments: input.maxPayments } : {}),
          })
          .payments.map(toLndPayment),
      ),
    queryRoutes: (input) =>
      call('queryRoutes', () => {
        try {
          return node.queryRoutes(input);
        } catch (error) {
          const details = (error as { details?: unknown }).details;
          if (details === 'unable to find a path to destination' || details === 'insufficient local balance') return [];
          throw error;
        }
      }),
    close: async () => {
      closed = true;
      for (const cancel of [...closers]) cancel();
    },
  };
}
