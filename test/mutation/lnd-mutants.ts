/**
 * LndClient mutants: the fake LND (alice, and bob the payer) broken one guarantee at a time, each
 * killed by the `lndClientConformanceCases` it names.
 */
import { LndError, isLightningError } from '../../src/errors.js';
import type { LndConformanceContext } from '../../src/lnd/conformance.js';
import type { LndClient, LndInvoice, LndPayment } from '../../src/lnd/lnd-client.js';
import type { Mutant } from './harness.js';

const C = {
  getInfo: 'getInfo returns the node identity with exact types',
  roundTrip: 'addInvoice then lookupInvoice round-trips every field',
  duplicate: 'addInvoice with an existing preimage throws InvoiceAlreadyExistsError',
  notFound: 'lookupInvoice of an unknown hash throws InvoiceNotFoundError',
  listInvoices: 'listInvoices pages over add_index with an exclusive offset',
  replay: 'subscribeInvoices replays adds after addIndex in their current state; 0 means no replay',
  ascending: 'subscribeInvoices replays every add after addIndex, in ascending add index, skipping none',
  cancel: 'cancelInvoice cancels an open invoice and is idempotent',
  settleOpen: 'settleInvoice on an open hold invoice fails with "invoice still open"',
  decode: "decodePayReq decodes the node's own invoice",
  channels: 'listChannels reports bigint amounts and decimal string chan ids',
  track: 'trackPayment of an unknown hash throws PaymentNotFoundError',
  pay: 'sendPayment: IN_FLIGHT then SUCCEEDED with the preimage; a second payment is "already paid"',
  payFailed: 'sendPayment to a cancelled invoice FAILS with INCORRECT_PAYMENT_DETAILS',
  liveSettle: 'subscribeInvoices delivers a live settle and replays the settle backlog after settleIndex',
  settleIndex: 'settle indexes grow with each settlement; lookupInvoice and the settle backlog agree on them',
  holdSettle: 'hold invoice: ACCEPTED when paid, then settleInvoice settles it and the payment succeeds',
  holdCancel: 'hold invoice: ACCEPTED when paid, then cancelInvoice fails the payment back',
} as const;

type LndMutant = Mutant<LndConformanceContext>;

/** A mutant of the merchant client (`lnd`), or of the payer with `side: 'payer'`. */
function lndMutant(
  name: string,
  killedBy: readonly string[],
  change: (client: LndClient) => Partial<LndClient>,
  side: 'lnd' | 'payer' = 'lnd',
): LndMutant {
  return {
    name,
    killedBy,
    wrap(ctx) {
      const client = side === 'lnd' ? ctx.lnd : ctx.payer;
      if (!client) throw new Error('this mutant needs a payer');
      return { ...ctx, [side]: { ...client, ...change(client) } };
    },
  };
}

/** `fn` applied to each item of `source`; items `fn` maps to undefined are dropped. */
async function* mapStream<T>(source: AsyncIterable<T>, fn: (item: T, n: number) => T | undefined): AsyncIterable<T> {
  let n = 0;
  for await (const item of source) {
    const mapped = fn(item, n++);
    if (mapped !== undefined) yield mapped;
  }
}

/** Rethrows the lnkit error `code` as a plain LndError (the wrong class). */
const generic =
  (code: string) =>
  (error: unknown): never => {
    if (isLightningError(error) && error.code === code) throw new LndError(error.message);
    throw error;
  };

/** Settle index s reported as 1,000,000 − s: each new settlement looks older than the last. */
const backwards = (i: LndInvoice): LndInvoice =>
  i.settleIndex > 0n ? { ...i, settleIndex: 1_000_000n - i.settleIndex } : i;

/** An `addIndex: 0n` subscription that first replays every invoice (as if 0 meant "from the start"). */
function replayFromZero(lnd: LndClient): LndClient['subscribeInvoices'] {
  return (input) => ({
    async *[Symbol.asyncIterator]() {
      const inner = lnd.subscribeInvoices(input)[Symbol.asyncIterator]();
      try {
        const first = inner.next(); // opens the subscription before the backlog is read
        if (input.addIndex === 0n) yield* (await lnd.listInvoices({ indexOffset: 0n, maxInvoices: 1000 })).invoices;
        for (let r = await first; !r.done; r = await inner.next()) yield r.value;
      } finally {
        await inner.return?.();
      }
    },
  });
}

/** The LndClient mutants. */
export const lndMutants: readonly LndMutant[] = [
  lndMutant('getInfo reports the pubkey in upper case', [C.getInfo], (lnd) => ({
    getInfo: async () => {
      const info = await lnd.getInfo();
      return { ...info, pubkey: info.pubkey.toUpperCase() };
    },
  })),
  lndMutant('addInvoice ignores expirySeconds', [C.roundTrip], (lnd) => ({
    addInvoice: ({ expirySeconds: _ignored, ...input }) => lnd.addInvoice(input),
  })),
  lndMutant('a duplicate invoice is reported as a generic LndError (wrong class)', [C.duplicate], (lnd) => ({
    addInvoice: (input) => lnd.addInvoice(input).catch(generic('INVOICE_ALREADY_EXISTS')),
  })),
  lndMutant('an unknown invoice is reported as a generic LndError (wrong class)', [C.notFound], (lnd) => ({
    lookupInvoice: (hash) => lnd.lookupInvoice(hash).catch(generic('INVOICE_NOT_FOUND')),
  })),
  lndMutant('listInvoices treats indexOffset as inclusive', [C.listInvoices], (lnd) => ({
    listInvoices: (input = {}) =>
      lnd.listInvoices({
        ...input,
        indexOffset: input.indexOffset && input.indexOffset > 0n ? input.indexOffset - 1n : 0n,
      }),
  })),
  lndMutant('subscribeInvoices with addIndex 0 replays every invoice', [C.replay], (lnd) => ({
    subscribeInvoices: replayFromZero(lnd),
  })),
  lndMutant('subscribeInvoices skips an index (drops its second item)', [C.ascending], (lnd) => ({
    subscribeInvoices: (input) => mapStream(lnd.subscribeInvoices(input), (item, n) => (n === 1 ? undefined : item)),
  })),
  lndMutant('cancelInvoice is not idempotent', [C.cancel], (lnd) => {
    const cancelled = new Set<string>();
    return {
      async cancelInvoice(hash) {
        if (cancelled.has(hash)) throw new LndError('invoice already canceled');
        await lnd.cancelInvoice(hash);
        cancelled.add(hash);
      },
    };
  }),
  lndMutant('settleInvoice of an open hold invoice quietly does nothing', [C.settleOpen], (lnd) => ({
    settleInvoice: (preimage) =>
      lnd.settleInvoice(preimage).catch((error: unknown) => {
        if (!(error instanceof Error && error.message.includes('invoice still open'))) throw error;
      }),
  })),
  lndMutant('decodePayReq reports the amount in sat', [C.decode], (lnd) => ({
    decodePayReq: async (request) => {
      const decoded = await lnd.decodePayReq(request);
      return { ...decoded, amountMsat: decoded.amountMsat / 1000n };
    },
  })),
  lndMutant('listChannels reports the capacity as a JS number', [C.channels], (lnd) => ({
    listChannels: async () =>
      (await lnd.listChannels()).map((c) => ({ ...c, capacitySat: Number(c.capacitySat) as unknown as bigint })),
  })),
  lndMutant('trackPayment of an unknown payment ends quietly', [C.track], (lnd) => ({
    trackPayment: (input) => ({
      async *[Symbol.asyncIterator]() {
        try {
          yield* lnd.trackPayment(input);
        } catch (error) {
          if (!(isLightningError(error) && error.code === 'PAYMENT_NOT_FOUND')) throw error;
        }
      },
    }),
  })),
  lndMutant(
    'sendPayment reports SUCCEEDED without the preimage',
    [C.pay],
    (payer) => ({
      sendPayment: (input) =>
        mapStream(payer.sendPayment(input), (u): LndPayment =>
          u.status === 'SUCCEEDED' ? { ...u, preimage: null } : u,
        ),
    }),
    'payer',
  ),
  lndMutant(
    'sendPayment maps every failure reason to ERROR',
    [C.payFailed],
    (payer) => ({
      sendPayment: (input) =>
        mapStream(payer.sendPayment(input), (u): LndPayment =>
          u.status === 'FAILED' ? { ...u, failureReason: 'ERROR' } : u,
        ),
    }),
    'payer',
  ),
  lndMutant('subscribeInvoices drops the preimage of a settled invoice', [C.liveSettle], (lnd) => ({
    subscribeInvoices: (input) =>
      mapStream(lnd.subscribeInvoices(input), (i) => (i.state === 'SETTLED' ? { ...i, preimage: null } : i)),
  })),
  lndMutant('settle indexes go backwards', [C.settleIndex], (lnd) => ({
    lookupInvoice: async (hash) => backwards(await lnd.lookupInvoice(hash)),
    subscribeInvoices: (input) => mapStream(lnd.subscribeInvoices(input), backwards),
  })),
  lndMutant('subscribeSingleInvoice drops the preimage of a settled hold invoice', [C.holdSettle], (lnd) => ({
    subscribeSingleInvoice: (input) =>
      mapStream(lnd.subscribeSingleInvoice(input), (i) => (i.state === 'SETTLED' ? { ...i, preimage: null } : i)),
  })),
  lndMutant('a cancelled hold invoice still reports its HTLCs as ACCEPTED', [C.holdCancel], (lnd) => ({
    lookupInvoice: async (hash) => {
      const invoice = await lnd.lookupInvoice(hash);
      if (invoice.state !== 'CANCELED') return invoice;
      return { ...invoice, htlcs: invoice.htlcs.map((h) => ({ ...h, state: 'ACCEPTED' as const })) };
    },
  })),
];
