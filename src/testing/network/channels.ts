/**
 * Channels of the network model: balances of both sides in msat, pending HTLCs, policies.
 */
import { sha256Text } from './keys.js';
import type { ChannelPolicy, SimChannel } from './types.js';

/** LND's default forwarding policy (base 1 sat, 1 ppm, time lock delta 80). */
export const DEFAULT_POLICY: ChannelPolicy = { baseMsat: 1000n, feeRatePpm: 1n, cltvDelta: 80 };

/** Dust limit LND uses as the minimum channel reserve. */
const MIN_RESERVE_SAT = 354n;

interface Side {
  balanceMsat: bigint;
  pendingMsat: bigint;
  policy: ChannelPolicy;
}

/** The model's channel. Mutated only by the network (HTLC lock / settle / fail). */
export class ChannelImpl implements SimChannel {
  readonly channelPoint: string;
  readonly reserveSat: bigint;
  private active: boolean;
  private readonly sides: Record<'a' | 'b', Side>;

  constructor(
    readonly chanId: string,
    readonly a: string,
    readonly b: string,
    readonly capacitySat: bigint,
    localSatA: bigint,
    policyA: ChannelPolicy,
    policyB: ChannelPolicy,
    isActive: boolean,
    private readonly isOnline: (name: string) => boolean,
  ) {
    this.channelPoint = `${sha256Text(`lnkit-sim-funding:${chanId}`)}:0`;
    const onePercent = capacitySat / 100n;
    this.reserveSat = onePercent > MIN_RESERVE_SAT ? onePercent : MIN_RESERVE_SAT;
    this.active = isActive;
    this.sides = {
      a: { balanceMsat: localSatA * 1000n, pendingMsat: 0n, policy: policyA },
      b: { balanceMsat: (capacitySat - localSatA) * 1000n, pendingMsat: 0n, policy: policyB },
    };
  }

  get isActive(): boolean {
    return this.active;
  }

  setActive(isActive: boolean): void {
    this.active = isActive;
  }

  isUsable(): boolean {
    return this.active && this.isOnline(this.a) && this.isOnline(this.b);
  }

  /** The name of the other end. */
  peerOf(nodeName: string): string {
    return this.side(nodeName) === 'a' ? this.b : this.a;
  }

  /** True when `nodeName` is one end. */
  has(nodeName: string): boolean {
    return nodeName === this.a || nodeName === this.b;
  }

  balanceMsat(nodeName: string): bigint {
    return this.sides[this.side(nodeName)].balanceMsat;
  }

  pendingOutgoingMsat(nodeName: string): bigint {
    return this.sides[this.side(nodeName)].pendingMsat;
  }

  /** What `nodeName` can still send: its balance above the reserve. */
  spendableMsat(nodeName: string): bigint {
    const spendable = this.balanceMsat(nodeName) - this.reserveSat * 1000n;
    return spendable > 0n ? spendable : 0n;
  }

  policy(fromNode: string): ChannelPolicy {
    return this.sides[this.side(fromNode)].policy;
  }

  setPolicy(fromNode: string, policy: Partial<ChannelPolicy>): void {
    const side = this.sides[this.side(fromNode)];
    side.policy = { ...side.policy, ...policy };
  }

  /** Moves `amountMsat` from `from`'s balance into its pending outgoing HTLCs. */
  lock(from: string, amountMsat: bigint): void {
    const side = this.sides[this.side(from)];
    side.balanceMsat -= amountMsat;
    side.pendingMsat += amountMsat;
  }

  /** Settles a pending HTLC of `from`: the amount goes to the other side. */
  settle(from: string, amountMsat: bigint): void {
    this.sides[this.side(from)].pendingMsat -= amountMsat;
    this.sides[this.side(this.peerOf(from))].balanceMsat += amountMsat;
  }

  /** Fails a pending HTLC of `from`: the amount returns to `from`. */
  release(from: string, amountMsat: bigint): void {
    const side = this.sides[this.side(from)];
    side.pendingMsat -= amountMsat;
    side.balanceMsat += amountMsat;
  }

  private side(nodeName: string): 'a' | 'b' {
    if (nodeName === this.a) return 'a';
    if (nodeName === this.b) return 'b';
    throw new Error(`channel ${this.chanId} is between ${this.a} and ${this.b}, not ${nodeName}`);
  }
}

/** A deterministic SCID (block | tx index | output) for the `index`-th channel opened below `height`. */
export function defaultChanId(height: number, index: number): string {
  const block = BigInt(Math.max(1, height - 1000 + index));
  return ((block << 40n) | (BigInt(index + 1) << 16n)).toString();
}
