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

/** The regular-expression reading of a timestamptz (every form the ISO output has). */
function parseTimestamptzSlow(value: string): Date | undefined {
  const m = TIMESTAMPTZ.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os] = m;
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const offsetSeconds = (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0)) * (sign === '-' ? -1 : 1);
  return new Date(utc - offsetSeconds * 1000);
}

/** The number written by `count` ASCII digits of `s` at `at`; -1 when one of them is not a digit. */
function digitsAt(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Parses a timestamptz in PostgreSQL's ISO output; undefined when it is not one. The common form
 * (`2026-01-15 12:30:45.123+00`) is read by character position — a page of 50 invoices holds up to
 * 250 timestamps, and the regular expression's eleven captured strings were most of the row
 * mapper's time (#18); anything else goes through the regular expression.
 */
export function parseTimestamptz(value: string): Date | undefined {
  const fast = value.length >= 22 && value.length <= 32 ? parseCommonTimestamptz(value) : undefined;
  return fast === undefined ? parseTimestamptzSlow(value) : (fast ?? undefined);
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f{1,6}]±HH[:MM[:SS]]` by position; null when a field is out of range,
 * undefined for any other form.
 */
function parseCommonTimestamptz(v: string): Date | null | undefined {
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== ' ' || v[13] !== ':' || v[16] !== ':') return undefined;
  const y = digitsAt(v, 0, 4);
  const mo = digitsAt(v, 5, 2);
  const d = digitsAt(v, 8, 2);
  const h = digitsAt(v, 11, 2);
  const mi = digitsAt(v, 14, 2);
  const s = digitsAt(v, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return undefined;
  let at = 19;
  let ms = 0;
  if (v[at] === '.') {
    let digits = 0;
    while (digits < 6 && digitsAt(v, at + 1 + digits, 1) >= 0) digits++;
    if (digits === 0) return undefined;
    const shown = Math.min(digits, 3);
    ms = digitsAt(v, at + 1, shown) * 10 ** (3 - shown);
    at += 1 + digits;
  }
  const sign = v[at];
  if (sign !== '+' && sign !== '-') return undefined;
  const oh = digitsAt(v, at + 1, 2);
  if (oh < 0) return undefined;
  at += 3;
  let om = 0;
  let os = 0;
  if (at < v.length) {
    if (v[at] !== ':' || (om = digitsAt(v, at + 1, 2)) < 0) return undefined;
    at += 3;
    if (at < v.length) {
      if (v[at] !== ':' || (os = digitsAt(v, at + 1, 2)) < 0) return undefined;
      at += 3;
    }
  }
  if (at !== v.length) return undefined;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  const seconds = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60 + s;
  return new Date((seconds - (oh * 3600 + om * 60 + os) * (sign === '-' ? -1 : 1)) * 1000 + ms);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil; Date.UTC is slower). */
function daysFromCivil(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yoe = year - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
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
