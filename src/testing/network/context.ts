/**
 * The internal view of the network that the model's modules share (not public API).
 */
import type { DecodedBolt11 } from '../../bolt11/types.js';
import type { Clock } from '../../domain/clock.js';
import type { ChannelImpl } from './channels.js';
import type { SimNetworkName } from './types.js';

/** What a node exposes to the other modules. */
export interface NodeRef {
  readonly name: string;
  readonly alias: string;
  readonly pubkey: string;
  readonly privateKey: string;
  readonly isOnline: boolean;
}

/** How the payer's side resolves an HTLC that the receiver holds (hold invoices). */
export interface HtlcResolver {
  settle(preimage: string): void;
  fail(): void;
}

/** An HTLC arriving at its final node. */
export interface IncomingHtlc {
  readonly paymentHash: string;
  readonly paymentAddr: string;
  readonly amountMsat: bigint;
  readonly expiryHeight: number;
  readonly chanId: string;
  readonly resolver: HtlcResolver;
}

/** What the final node did with an HTLC. */
export type HtlcOutcome =
  { readonly kind: 'settled'; readonly preimage: string } | { readonly kind: 'held' } | { readonly kind: 'rejected' };

/** The network as seen from inside the model. */
export interface NetCtx {
  readonly clock: Clock;
  /** `n` random bytes, hex (the network's random source). */
  randomHex(n?: number): string;
  readonly networkName: SimNetworkName;
  now(): number;
  height(): number;
  /** Clock time (ms) at which `height` is reached. */
  timeOfHeight(height: number): number;
  nodeRef(name: string): NodeRef | undefined;
  nodeRefByPubkey(pubkey: string): NodeRef | undefined;
  channelsOf(name: string): ChannelImpl[];
  /** Every channel of the network (the graph GetChanInfo reads). */
  allChannels(): ChannelImpl[];
  /** Hands an HTLC to the invoice registry of its final node. */
  deliverHtlc(nodeName: string, htlc: IncomingHtlc): HtlcOutcome;
  /** Recomputes the clock timer after a change of deadlines. */
  reschedule(): void;
  /** Payment requests decoded so far (decoding recovers the payee key: the costly part of a payment). */
  readonly decoded: Map<string, DecodedBolt11>;
}
