/**
 * Input checks shared by every store's lease and event-log repositories, so the rules read the same
 * (and fail the same way) in each adapter.
 */
import { ValidationError } from '../errors.js';

/** Largest page `events.readAfter` returns. */
export const MAX_EVENT_READ = 10_000;

/** @throws {ValidationError} unless `ttlMs` is a positive integer */
export function checkLeaseTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1)
    throw new ValidationError('ttlMs', `expected a positive integer of milliseconds, got ${String(ttlMs)}`);
}

/** @throws {ValidationError} unless `limit` is an integer from 1 to {@link MAX_EVENT_READ} */
export function checkReadLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_READ)
    throw new ValidationError('limit', `expected an integer from 1 to ${MAX_EVENT_READ}, got ${String(limit)}`);
}
