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
}

/** local / capacity as a number in [0, 1] (a ratio, not money: a float is fine here). */
export function localRatio(channel: Channel): number {
  if (channel.capacitySat === 0n) return 0;
  return Number((channel.localBalanceSat * 1_000_000n) / channel.capacitySat) / 1_000_000;
}
