/**
 * Reading PostgreSQL's text output into domain values. Every read is validated: a value that is
 * not what the schema promises becomes a StoreError, never a wrong domain value.
 */
import { decimal, type Decimal } from '../../domain/amount.js';
import { StoreError } from '../../errors.js';
import type { TextRow } from './context.js';

function fail(column: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got.slice(0, 40)) : String(got);
  throw new StoreError(`postgres: ${column}: expected ${expected}, got ${shown}`);
}

/** A column of `row` that must not be null. */
export function text(row: TextRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') return fail(column, 'a value', value);
  return value;
}

/** A nullable column of `row`. */
export function maybeText(row: TextRow, column: string): string | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  return value;
}

/** An int8 / numeric(…, 0) column as bigint. */
export function bigintOf(row: TextRow, column: string): bigint {
  const value = text(row, column);
  if (!/^-?\d{1,40}$/.test(value)) return fail(column, 'an integer', value);
  return BigInt(value);
}

/** A nullable integer column as bigint. */
export function maybeBigint(row: TextRow, column: string): bigint | null {
  return maybeText(row, column) === null ? null : bigintOf(row, column);
}

/** An int4 column as number. */
export function intOf(row: TextRow, column: string): number {
  const value = text(row, column);
  if (!/^-?\d{1,10}$/.test(value)) return fail(column, 'an integer', value);
  return Number(value);
}

/** A nullable int4 column as number. */
export function maybeInt(row: TextRow, column: string): number | null {
  return maybeText(row, column) === null ? null : intOf(row, column);
}

/** A boolean column (`t` / `f`). */
export function boolOf(row: TextRow, column: string): boolean {
  const value = text(row, column);
  if (value !== 't' && value !== 'f') return fail(column, 't or f', value);
  return value === 't';
}

/** A nullable numeric column as an exact Decimal. */
export function maybeDecimal(row: TextRow, column: string): Decimal | null {
  const value = maybeText(row, column);
  if (value === null) return null;
  try {
    return decimal(value);
  } catch {
    return fail(column, 'a decimal number', value);
  }
}

// ISO output (DateStyle ISO, which pg itself requires): 2026-01-15 12:30:45.123456+00[:MM[:SS]]
const TIMESTAMPTZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

/** Parses a timestamptz in PostgreSQL's ISO output; undefined when it is not one. */
export function parseTimestamptz(value: string): Date | undefined {
  const m = TIMESTAMPTZ.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os] = m;
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const offsetSeconds = (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0)) * (sign === '-' ? -1 : 1);
  return new Date(utc - offsetSeconds * 1000);
}

/** A timestamptz column as a Date (ms precision: lnkit writes ms). */
export function dateOf(row: TextRow, column: string): Date {
  const value = text(row, column);
  return parseTimestamptz(value) ?? fail(column, 'an ISO timestamptz', value);
}

/** A nullable timestamptz column. */
export function maybeDate(row: TextRow, column: string): Date | null {
  return maybeText(row, column) === null ? null : dateOf(row, column);
}

/** A JSON column holding an array of strings. */
export function stringArray(row: TextRow, column: string): string[] {
  const value: unknown = JSON.parse(text(row, column));
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    return fail(column, 'a JSON array of strings', text(row, column));
  return value;
}

/** One of `allowed`. */
export function oneOf<T extends string>(row: TextRow, column: string, allowed: readonly T[]): T {
  const value = text(row, column);
  if (!(allowed as readonly string[]).includes(value)) return fail(column, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

/** A nullable Decimal as its exact text for a numeric parameter. */
export const decimalParam = (d: Decimal | null): string | null => (d === null ? null : d.toFixed());
