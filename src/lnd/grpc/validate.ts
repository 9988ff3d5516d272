/**
 * Readers for fields of LND responses as proto-loader decodes them (`longs: String`,
 * `enums: String`, bytes as Buffer, `defaults: true`). Each one checks the value before it becomes a
 * port value and throws an `LndError` (code `LND_INVALID_RESPONSE`) naming the field otherwise.
 */
import { LndError } from '../../errors.js';

/** A decoded protobuf message: field name → value. */
export type Message = Readonly<Record<string, unknown>>;

const HEX = /^[0-9a-f]*$/;
const UINT = /^[0-9]+$/;
const INT = /^-?[0-9]+$/;
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MAX = 2n ** 63n - 1n;

function show(value: unknown): string {
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** The error thrown for a response that does not have the expected shape. */
export function invalidResponse(where: string, expected: string, value: unknown): LndError {
  return new LndError(`invalid response from LND: ${where}: expected ${expected}, got ${show(value)}`, undefined, {
    code: 'LND_INVALID_RESPONSE',
  });
}

/** `value` as a message object (a nested message, or the response itself). */
export function message(value: unknown, where: string): Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw invalidResponse(where, 'a message', value);
  }
  return value as Message;
}

/** A message field that may be absent (proto-loader gives null for unset messages). */
export function optionalMessage(msg: Message, field: string, where: string): Message | null {
  const value = msg[field];
  return value === null || value === undefined ? null : message(value, `${where}.${field}`);
}

/** A string field. */
export function str(msg: Message, field: string, where: string): string {
  const value = msg[field];
  if (typeof value !== 'string') throw invalidResponse(`${where}.${field}`, 'a string', value);
  return value;
}

/** A bool field. */
export function bool(msg: Message, field: string, where: string): boolean {
  const value = msg[field];
  if (typeof value !== 'boolean') throw invalidResponse(`${where}.${field}`, 'a boolean', value);
  return value;
}

/** A uint64 field (decimal string with `longs: String`) as an exact bigint. */
export function u64(msg: Message, field: string, where: string): bigint {
  const value = msg[field];
  if (typeof value === 'string' && UINT.test(value) && BigInt(value) <= UINT64_MAX) return BigInt(value);
  throw invalidResponse(`${where}.${field}`, 'a uint64 decimal string', value);
}

/** A uint64 field kept as its decimal string (chan ids), checked exactly. */
export function u64String(msg: Message, field: string, where: string): string {
  return u64(msg, field, where).toString();
}

/** An int64 field that must not be negative (amounts), as an exact bigint. */
export function nonNegativeI64(msg: Message, field: string, where: string): bigint {
  const value = msg[field];
  if (typeof value === 'string' && INT.test(value)) {
    const n = BigInt(value);
    if (n >= 0n && n <= INT64_MAX) return n;
  }
  throw invalidResponse(`${where}.${field}`, 'a non-negative int64 decimal string', value);
}

/** A 32-bit integer field (or a 64-bit one that must fit a safe integer) as a non-negative number. */
export function count(msg: Message, field: string, where: string): number {
  const value = msg[field];
  const n = typeof value === 'number' ? value : typeof value === 'string' && INT.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(n) && n >= 0) return n;
  throw invalidResponse(`${where}.${field}`, 'a non-negative integer', value);
}

/** Unix seconds (int64) as a Date. */
export function unixSeconds(msg: Message, field: string, where: string): Date {
  return new Date(count(msg, field, where) * 1000);
}

/** A bytes field of exactly `length` bytes, as lower-case hex. */
export function bytesHex(msg: Message, field: string, where: string, length: number): string {
  const value = msg[field];
  if (Buffer.isBuffer(value) && value.length === length) return value.toString('hex');
  throw invalidResponse(`${where}.${field}`, `${length} bytes`, value);
}

/** A bytes field that is empty (→ null) or exactly `length` bytes (→ hex). */
export function optionalBytesHex(msg: Message, field: string, where: string, length: number): string | null {
  const value = msg[field];
  if (Buffer.isBuffer(value) && value.length === 0) return null;
  return bytesHex(msg, field, where, length);
}

/** A hex string field of exactly `length` bytes, lower-cased. */
export function hexString(msg: Message, field: string, where: string, length: number): string {
  const value = msg[field];
  if (typeof value === 'string' && value.length === length * 2) {
    const lower = value.toLowerCase();
    if (HEX.test(lower)) return lower;
  }
  throw invalidResponse(`${where}.${field}`, `${length} bytes as hex`, value);
}

/** A string enum field whose value is one of `allowed`. */
export function enumValue<T extends string>(msg: Message, field: string, where: string, allowed: readonly T[]): T {
  const value = msg[field];
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalidResponse(`${where}.${field}`, `one of ${allowed.join(', ')}`, value);
}

/** A repeated field as an array of messages. */
export function messages(msg: Message, field: string, where: string): Message[] {
  const value = msg[field];
  if (!Array.isArray(value)) throw invalidResponse(`${where}.${field}`, 'a list', value);
  return value.map((item, i) => message(item, `${where}.${field}[${i}]`));
}
