/**
 * `createFakeLnd`: an in-process LND for tests — two LndClients (the merchant `alice` and the
 * payer `bob`) on an in-memory network with real BOLT11 invoices, routing and LND's semantics.
 */
import { LndError, ValidationError } from '../errors.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { LndClient, LndPayment } from '../lnd/lnd-client.js';
import { createNetwork } from './network/network.js';
import type { LndRpcError } from './network/rpc-error.js';
import type { SimNetwork } from './network/types.js';
import { lndClientFromSimNode } from './sim-lnd-client.js';
import type { ManualClock } from './manual-clock.js';

/** Options of {@link createFakeLnd}. */
export interface FakeLndOptions {
  /** Default is the system clock. Pass a `createManualClock()` to use `simulate.advanceTime`. */
  readonly clock?: Clock;
  /** A network holding nodes named `alice` (merchant) and `bob` (payer). Default: alice–bob with one channel. */
  readonly network?: SimNetwork;
}

/** Test controls of a fake LND. */
export interface FakeLndSimulate {
  /**
   * Bob pays `paymentRequest`; resolves with the final payment update (for a hold invoice: once
   * it is settled or cancelled). Rejects with the mapped error LND would return (`invoice is already paid`…).
   */
  pay(
    paymentRequest: string,
    options?: { readonly amountMsat?: bigint; readonly feeLimitMsat?: bigint },
  ): Promise<LndPayment>;
  /** Advances the manual clock and applies expiries. Throws when the clock is not a manual clock. */
  advanceTime(ms: number): Promise<void>;
  /** Ends every open stream with UNAVAILABLE (clients must resubscribe). */
  dropStreams(): void;
  /** Makes the next call of `method` on `lnd` fail with `error` (an LndRpcError is mapped like LND's). */
  failNext(method: keyof LndClient, error: Error | LndRpcError): void;
}

/**
 * What {@link createFakeLnd} returns: itself an `LndClient` (alice's, the same as `lnd`), plus the
 * payer, the network and the `simulate` controls.
 */
export interface FakeLnd extends LndClient {
  /** The merchant node `alice`. */
  readonly lnd: LndClient;
  /** The payer node `bob`. */
  readonly payer: LndClient;
  readonly network: SimNetwork;
  readonly simulate: FakeLndSimulate;
}

/** Capacity of the default alice–bob channel (sat); bob holds 90% of it. */
export const FAKE_CHANNEL_CAPACITY_SAT = 10_000_000n;

const isManualClock = (clock: Clock): clock is ManualClock =>
  typeof (clock as Partial<ManualClock>).advance === 'function';

/**
 * Creates a fake LND: `lnd` is alice (merchant), `payer` is bob, who can pay alice's invoices.
 * @example const fake = createFakeLnd(); const inv = await fake.lnd.addInvoice({ valueMsat: 1000n, memo: 'x' }); await fake.simulate.pay(inv.paymentRequest);
 */
export function createFakeLnd(options: FakeLndOptions = {}): FakeLnd {
  const network = options.network ?? defaultNetwork(options.clock ?? systemClock);
  const failures = new Map<keyof LndClient, unknown[]>();
  const lnd = lndClientFromSimNode(network.node('alice'), network, {
    intercept: (method) => failures.get(method)?.shift(),
  });
  const payer = lndClientFromSimNode(network.node('bob'), network);

  const simulate: FakeLndSimulate = {
    async pay(paymentRequest, payOptions = {}) {
      let last: LndPayment | undefined;
      const updates = payer.sendPayment({
        paymentRequest,
        feeLimitMsat: payOptions.feeLimitMsat ?? 1_000_000n,
        ...(payOptions.amountMsat !== undefined ? { amountMsat: payOptions.amountMsat } : {}),
      });
      for await (const update of updates) last = update;
      if (!last) throw new LndError('the payment stream ended without an update');
      return last;
    },
    async advanceTime(ms) {
      const clock = network.clock;
      if (!isManualClock(clock))
        throw new ValidationError(
          'clock',
          'advanceTime needs a manual clock: createFakeLnd({ clock: createManualClock() })',
        );
      await clock.advance(ms);
      network.tick();
    },
    dropStreams: () => network.dropStreams(),
    failNext(method, error) {
      const queue = failures.get(method) ?? [];
      queue.push(error);
      failures.set(method, queue);
    },
  };
  return { ...lnd, lnd, payer, network, simulate };
}

function defaultNetwork(clock: Clock): SimNetwork {
  const network = createNetwork({ clock });
  network.addNode({ name: 'alice', alias: 'alice (merchant)' });
  network.addNode({ name: 'bob', alias: 'bob (payer)' });
  network.addChannel({
    a: 'alice',
    b: 'bob',
    capacitySat: FAKE_CHANNEL_CAPACITY_SAT,
    localSatA: FAKE_CHANNEL_CAPACITY_SAT / 10n,
  });
  return network;
}
