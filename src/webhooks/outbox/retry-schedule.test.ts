import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, parseRetryAfter, retryDelay } from './retry-schedule.js';

describe('retry schedule', () => {
  it('spans about three days over ten attempts', () => {
    const total = DEFAULT_RETRY_SCHEDULE.reduce((a, b) => a + b, 0);
    expect(DEFAULT_RETRY_SCHEDULE).toHaveLength(9);
    expect(total / 3_600_000).toBeCloseTo(75.6, 1);
  });

  it('applies ±20 % jitter and ends when exhausted', () => {
    expect(retryDelay([1000], 1, () => 0)).toBe(800);
    expect(retryDelay([1000], 1, () => 0.5)).toBe(1000);
    expect(retryDelay([1000], 1, () => 0.999999)).toBe(1200);
    expect(retryDelay([1000], 2, () => 0.5)).toBeUndefined();
  });

  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    [['30', '60'], 30_000],
    ['Thu, 01 Jan 2026 00:10:00 GMT', 600_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['99999999', 86_400_000],
    ['soon', undefined],
    ['-5', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('parses Retry-After %j', (value, expected) => {
    expect(parseRetryAfter(value as string, Date.UTC(2026, 0, 1))).toBe(expected);
  });
});
