/**
 * Keyset paging shared by lnkit's own store adapters: limits, opaque cursors and the
 * newest-first order (created_at desc, id desc). Custom adapters may use any cursor format.
 */
import { ValidationError } from '../errors.js';

/** Page size when a list query gives none. */
export const DEFAULT_PAGE_LIMIT = 50;
/** Largest page size a list query may ask for. */
export const MAX_PAGE_LIMIT = 1000;

/** The position after which the next page starts: the last row of the previous page. */
export interface CursorPosition {
  readonly createdAtMs: number;
  readonly id: string;
}

/**
 * Returns the page size for `limit`.
 * @throws {ValidationError} when it is not an integer from 1 to {@link MAX_PAGE_LIMIT}
 */
export function resolvePageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new ValidationError('limit', `expected an integer from 1 to ${MAX_PAGE_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}

/**
 * Validates the `limit` of `listExpired` / `listDue`.
 * @throws {ValidationError} when it is not a positive integer
 */
export function resolveBatchLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError('limit', `expected a positive integer, got ${String(limit)}`);
  }
  return limit;
}

/** Encodes the position of a row as an opaque cursor. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAtMs}|${position.id}`, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}; undefined stays undefined.
 * @throws {ValidationError} when the cursor was not made by this store
 */
export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  const fail = (): never => {
    const shown = typeof cursor === 'string' ? JSON.stringify(cursor.slice(0, 40)) : typeof cursor;
    throw new ValidationError('cursor', `expected a cursor from a previous page's nextCursor, got ${shown}`);
  };
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,700}$/.test(cursor)) return fail();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar < 1) return fail();
  const msText = text.slice(0, bar);
  const id = text.slice(bar + 1);
  if (!/^-?\d{1,16}$/.test(msText) || id.length === 0) return fail();
  const createdAtMs = Number(msText);
  if (!Number.isSafeInteger(createdAtMs)) return fail();
  return { createdAtMs, id };
}

/** Orders rows newest first: created_at desc, then id desc. */
export function compareNewestFirst(
  a: { readonly createdAt: Date; readonly id: string },
  b: { readonly createdAt: Date; readonly id: string },
): number {
  const dt = b.createdAt.getTime() - a.createdAt.getTime();
  if (dt !== 0) return dt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** True when `row` comes strictly after `position` in newest-first order. */
export function isAfterCursor(
  row: { readonly createdAt: Date; readonly id: string },
  position: CursorPosition,
): boolean {
  const t = row.createdAt.getTime();
  return t < position.createdAtMs || (t === position.createdAtMs && row.id < position.id);
}

/**
 * Cuts `rows` (already filtered, sorted newest first, at most `limit + 1` long) into a page.
 */
export function toPage<T extends { readonly createdAt: Date; readonly id: string }>(
  rows: readonly T[],
  limit: number,
): { readonly items: readonly T[]; readonly nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, nextCursor: encodeCursor({ createdAtMs: last.createdAt.getTime(), id: last.id }) };
}

/** Normalizes a `status` filter (one value or a list) to a list, or undefined for "any". */
export function statusList<S extends string>(status: S | readonly S[] | undefined): readonly S[] | undefined {
  if (status === undefined) return undefined;
  return typeof status === 'string' ? [status] : status;
}
