/**
 * When to try a failed delivery again: the Standard Webhooks example schedule with jitter,
 * and `Retry-After` parsing.
 */

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/**
 * Delays after attempts 1, 2, … (ms): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h ≈ 75.6 h,
 * i.e. ten attempts over about three days (Standard Webhooks' example).
 */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = Object.freeze([
  5 * S,
  5 * M,
  30 * M,
  2 * H,
  5 * H,
  10 * H,
  14 * H,
  20 * H,
  24 * H,
]);

/** Longest `Retry-After` honoured: one day. */
export const MAX_RETRY_AFTER_MS = 24 * H;

/**
 * Delay before the attempt after attempt number `attempts` (1-based), with ±`jitter` relative
 * random spread; undefined when the schedule is exhausted.
 * @param random a number in [0, 1)
 */
export function retryDelay(
  schedule: readonly number[],
  attempts: number,
  random: () => number = Math.random,
  jitter = 0.2,
): number | undefined {
  const base = schedule[attempts - 1];
  if (base === undefined) return undefined;
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * random())));
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `nowMs`, capped at `maxMs`.
 * @returns undefined when absent or unparseable
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  nowMs: number,
  maxMs = MAX_RETRY_AFTER_MS,
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : (value as string | undefined))?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    // An HTTP date names its weekday and month; Date.parse alone would take "-5" as a year.
    const at = /[a-z]{3}/i.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(Math.max(0, ms), maxMs);
}

/** Checks a configured schedule: a non-empty list of non-negative finite delays. */
export function isValidSchedule(schedule: readonly number[]): boolean {
  return schedule.length > 0 && schedule.every((d) => typeof d === 'number' && Number.isFinite(d) && d >= 0);
}
