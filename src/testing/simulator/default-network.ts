/**
 * The simulator's default network: alice (the merchant, lnkit's node), bob (a payer), carol
 * (a router) and dave (reachable through carol), with liquidity on both sides of every channel
 * and distinct fee policies.
 */
import type { AddChannelSpec, AddNodeSpec } from '../network/types.js';

/** The default nodes. */
export const DEFAULT_NODES: readonly AddNodeSpec[] = [
  { name: 'alice', alias: 'alice (merchant)' },
  { name: 'bob', alias: 'bob (payer)' },
  { name: 'carol', alias: 'carol (router)' },
  { name: 'dave', alias: 'dave' },
];

const CAROL = { baseMsat: 1000n, feeRatePpm: 100n, cltvDelta: 40 } as const;

/**
 * The default channels. bob → carol → alice lets bob pay alice; alice → carol → dave lets alice
 * pay dave. Chan ids are real-looking SCIDs (block 797,640+), all above 2^53.
 */
export const DEFAULT_CHANNELS: readonly AddChannelSpec[] = [
  {
    a: 'alice',
    b: 'carol',
    capacitySat: 5_000_000n,
    localSatA: 2_500_000n,
    chanId: '877008154718978049',
    policyA: { baseMsat: 500n, feeRatePpm: 50n, cltvDelta: 80 },
    policyB: CAROL,
  },
  {
    a: 'bob',
    b: 'carol',
    capacitySat: 4_000_000n,
    localSatA: 3_000_000n,
    chanId: '877009253230542849',
    policyA: { baseMsat: 1000n, feeRatePpm: 1n, cltvDelta: 80 },
    policyB: CAROL,
  },
  {
    a: 'carol',
    b: 'dave',
    capacitySat: 2_000_000n,
    localSatA: 1_200_000n,
    chanId: '877010352742170625',
    policyA: CAROL,
    policyB: { baseMsat: 2000n, feeRatePpm: 250n, cltvDelta: 144 },
  },
];

/**
 * The `cycle` preset: alice–carol, carol–dave and dave–alice form a cycle through alice, so alice
 * can rebalance by paying herself (alice → carol → dave → alice). alice–carol holds too much local
 * balance (85%), dave–alice too little (10%); bob–carol lets bob pay alice as in the default network.
 * carol charges 1 sat + 100 ppm, dave 1 sat + 200 ppm.
 */
export const CYCLE_CHANNELS: readonly AddChannelSpec[] = [
  {
    a: 'alice',
    b: 'carol',
    capacitySat: 2_000_000n,
    localSatA: 1_700_000n,
    chanId: '877008154718978049',
    policyA: { baseMsat: 500n, feeRatePpm: 50n, cltvDelta: 80 },
    policyB: CAROL,
  },
  {
    a: 'bob',
    b: 'carol',
    capacitySat: 4_000_000n,
    localSatA: 3_000_000n,
    chanId: '877009253230542849',
    policyA: { baseMsat: 1000n, feeRatePpm: 1n, cltvDelta: 80 },
    policyB: CAROL,
  },
  {
    a: 'carol',
    b: 'dave',
    capacitySat: 3_000_000n,
    localSatA: 1_500_000n,
    chanId: '877010352742170625',
    policyA: CAROL,
    policyB: { baseMsat: 1000n, feeRatePpm: 200n, cltvDelta: 144 },
  },
  {
    a: 'dave',
    b: 'alice',
    capacitySat: 2_000_000n,
    localSatA: 1_800_000n,
    chanId: '877011452253798401',
    policyA: { baseMsat: 1000n, feeRatePpm: 200n, cltvDelta: 144 },
    policyB: { baseMsat: 500n, feeRatePpm: 50n, cltvDelta: 80 },
  },
];

/** The `merchants` preset's nodes: the default four and erin, a second merchant node. */
export const MERCHANTS_NODES: readonly AddNodeSpec[] = [...DEFAULT_NODES, { name: 'erin', alias: 'erin (merchant)' }];

/**
 * The `merchants` preset (#16): two merchant nodes behind one lnkit, alice and erin, both reachable
 * from bob through carol. The default channels, plus erin–carol, the twin of alice–carol (5,000,000
 * sat, half on each side): the two merchants start with the same inbound.
 */
export const MERCHANTS_CHANNELS: readonly AddChannelSpec[] = [
  ...DEFAULT_CHANNELS,
  {
    a: 'erin',
    b: 'carol',
    capacitySat: 5_000_000n,
    localSatA: 2_500_000n,
    chanId: '877011452253798402',
    policyA: { baseMsat: 500n, feeRatePpm: 50n, cltvDelta: 80 },
    policyB: CAROL,
  },
];

/** Named networks of `startLndSimulator({ preset })`. */
export const SIMULATOR_PRESETS = {
  default: { nodes: DEFAULT_NODES, channels: DEFAULT_CHANNELS },
  cycle: { nodes: DEFAULT_NODES, channels: CYCLE_CHANNELS },
  merchants: { nodes: MERCHANTS_NODES, channels: MERCHANTS_CHANNELS },
} as const;

/** The name of a simulator preset. */
export type SimulatorPreset = keyof typeof SIMULATOR_PRESETS;
