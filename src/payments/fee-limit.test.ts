import { describe, expect, it } from 'vitest';
import { feeLimitMsat } from './fee-limit.js';

describe('feeLimitMsat', () => {
  it.each([
    ['default floor: 10 sat on a small payment', 100_000n, {}, 10_000n],
    ['default 1 % above 1000 sat', 5_000_000n, {}, 50_000n],
    ['default at the crossover (1000 sat)', 1_000_000n, {}, 10_000n],
    ['maxFeeSat only', 5_000_000n, { maxFeeSat: 3n }, 3_000n],
    ['maxFeeSat 0: fee-free routes only', 5_000_000n, { maxFeeSat: 0n }, 0n],
    ['maxFeePpm only, rounded down', 1_234_567n, { maxFeePpm: 1000n }, 1_234n],
    ['both: the smaller (sat)', 10_000_000n, { maxFeeSat: 5n, maxFeePpm: 5000n }, 5_000n],
    ['both: the smaller (ppm)', 10_000_000n, { maxFeeSat: 500n, maxFeePpm: 100n }, 1_000n],
  ] as const)('%s', (_name, amount, options, expected) => {
    expect(feeLimitMsat(amount, options)).toBe(expected);
  });
});
