import { describe, expect, it } from 'vitest';
import type { Channel } from './channel.js';
import { channelLiquidity, classify, rebalanceFeeLimitMsat, summarize } from './liquidity.js';

const PEER_A = `02${'aa'.repeat(32)}`;
const PEER_B = `03${'bb'.repeat(32)}`;

function channel(overrides: Partial<Channel> = {}): Channel {
  return {
    chanId: '1',
    channelPoint: `${'ef'.repeat(32)}:0`,
    remotePubkey: PEER_A,
    isActive: true,
    isPrivate: false,
    capacitySat: 1_000_000n,
    localBalanceSat: 500_000n,
    remoteBalanceSat: 497_000n,
    localReserveSat: 10_000n,
    remoteReserveSat: 10_000n,
    commitFeeSat: 3_000n,
    unsettledBalanceSat: 0n,
    isInitiator: true,
    peerAlias: 'a',
    ...overrides,
  };
}

describe('channelLiquidity', () => {
  it('outbound keeps our reserve and, as initiator, one more commitment fee; inbound keeps the peer reserve', () => {
    expect(channelLiquidity(channel())).toMatchObject({ outboundSat: 487_000n, inboundSat: 487_000n });
    expect(channelLiquidity(channel({ isInitiator: false }))).toMatchObject({
      outboundSat: 490_000n,
      inboundSat: 484_000n,
    });
  });
  it('never goes below zero, and the ratio of an empty channel is 0', () => {
    const empty = channelLiquidity(channel({ localBalanceSat: 5_000n, remoteBalanceSat: 0n }));
    expect([empty.outboundSat, empty.inboundSat]).toEqual([0n, 0n]);
    expect(channelLiquidity(channel({ localBalanceSat: 0n, remoteBalanceSat: 0n })).localRatio).toBe(0);
  });
});

describe('summarize and classify', () => {
  const channels = [
    channel({ chanId: '1', localBalanceSat: 900_000n, remoteBalanceSat: 100_000n, commitFeeSat: 0n }),
    channel({
      chanId: '2',
      remotePubkey: PEER_B,
      localBalanceSat: 100_000n,
      remoteBalanceSat: 900_000n,
      commitFeeSat: 0n,
    }),
    channel({ chanId: '3', remotePubkey: PEER_B, isActive: false, commitFeeSat: 0n }),
    channel({ chanId: '4', remotePubkey: PEER_B, isPrivate: true, localBalanceSat: 0n, commitFeeSat: 0n }),
  ].map(channelLiquidity);
  const snapshot = summarize(channels, new Date(0));

  it('totals count active channels only; per peer sums its channels', () => {
    expect(snapshot.totals).toMatchObject({ activeChannelCount: 3, channelCount: 4, maxChannelInboundSat: 890_000n });
    expect(snapshot.peers.find((p) => p.pubkey === PEER_B)).toMatchObject({ channelCount: 3 });
  });

  it.each([
    [{}, { '1': 'too_high', '2': 'too_low', '3': 'inactive', '4': 'private' }],
    [{ includePrivate: true }, { '4': 'too_low' }],
    [{ ignore: [PEER_B] }, { '2': 'ignored', '3': 'ignored' }],
    [{ channels: { '1': { maxLocalRatio: 0.95 } } }, { '1': 'ok' }],
    [{ peers: { [PEER_A]: { maxLocalRatio: 0.95 } }, channels: { '1': { maxLocalRatio: 0.85 } } }, { '1': 'too_high' }],
  ])('policy %j', (policy, expected) => {
    const check = classify(snapshot, policy);
    for (const [id, status] of Object.entries(expected))
      expect(check.channels.find((c) => c.channel.chanId === id)?.status).toBe(status);
  });

  it('excess and deficit are measured against the target', () => {
    const check = classify(snapshot, { target: 0.5 });
    expect(check.outOfBounds.map((c) => [c.channel.chanId, c.excessSat, c.deficitSat])).toEqual([
      ['1', 400_000n, 0n],
      ['2', 0n, 400_000n],
    ]);
    const node = classify(snapshot, { target: 'nodeCoefficient' });
    expect(node.channels[0]!.targetRatio).toBe(snapshot.totals.localRatio);
  });
});

describe('rebalanceFeeLimitMsat', () => {
  it.each([
    [500_000n, 200n, undefined, 200_000n],
    [500_000n, undefined, 500, 250_000n],
    [500_000n, 200n, 500, 200_000n],
    [500_000n, 300n, 500, 250_000n],
    [3n, undefined, 1, 0n],
  ])('%s sat, %s sat, %s ppm → %s msat', (amount, sat, ppm, expected) => {
    expect(rebalanceFeeLimitMsat(amount, sat, ppm)).toBe(expected);
  });
});
