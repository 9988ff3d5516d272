/**
 * A channel of our node. Pure: no I/O.
 */

/** One channel as LND reports it, in exact units. */
export interface Channel {
  /** Short channel id as a decimal string (uint64; may exceed 2^53). */
  readonly chanId: string;
  /** `txid:index`. */
  readonly channelPoint: string;
  readonly remotePubkey: string;
  readonly isActive: boolean;
  readonly isPrivate: boolean;
  readonly capacitySat: bigint;
  readonly localBalanceSat: bigint;
  readonly remoteBalanceSat: bigint;
  /** Our channel reserve (local_constraints.chan_reserve_sat). */
  readonly localReserveSat: bigint;
  /** The peer's channel reserve (remote_constraints.chan_reserve_sat): what it cannot send us. */
  readonly remoteReserveSat: bigint;
  /** Commitment fee (commit_fee), paid from the initiator's balance. */
  readonly commitFeeSat: bigint;
  /** Pending HTLCs in both directions (unsettled_balance). */
  readonly unsettledBalanceSat: bigint;
  /** True when our node opened the channel (and pays its commitment fee). */
  readonly isInitiator: boolean;
  /** The peer's alias from the graph (ListChannels with peer_alias_lookup); '' when unknown. */
  readonly peerAlias: string;
}

/** local / capacity as a number in [0, 1] (a ratio, not money: a float is fine here). */
export function localRatio(channel: Channel): number {
  if (channel.capacitySat === 0n) return 0;
  return Number((channel.localBalanceSat * 1_000_000n) / channel.capacitySat) / 1_000_000;
}
