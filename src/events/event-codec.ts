/**
 * Lossless text for event payloads in the event log: bigint, Date and Decimal come back as
 * themselves (tagged `{ "$t": "n" | "d" | "x", "v": … }`), and a plain object that happens to carry
 * a `$t` key (invoice metadata is the caller's JSON) is wrapped so it is never mistaken for a tag.
 */
import { decimal, type Decimal } from '../domain/amount.js';
import { StoreError } from '../errors.js';

type Tagged = { readonly $t: 'n' | 'd' | 'x' | 'o'; readonly v: unknown };

function isDecimal(value: object): value is Decimal {
  const d = value as Partial<Decimal>;
  return typeof d.eq === 'function' && typeof d.toFixed === 'function' && typeof d.plus === 'function';
}

function encode(value: unknown): unknown {
  if (typeof value === 'bigint') return { $t: 'n', v: value.toString() };
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return { $t: 'd', v: value.getTime() };
  if (isDecimal(value)) return { $t: 'x', v: value.toFixed() };
  if (Array.isArray(value)) return value.map(encode);
  const entries = Object.entries(value).map(([k, v]) => [k, encode(v)] as const);
  const object = Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  return '$t' in object ? { $t: 'o', v: object } : object;
}

function decodeObject(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, decode(v)]));
}

function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  const object = value as Record<string, unknown>;
  if (!('$t' in object)) return decodeObject(object);
  const { $t, v } = object as Tagged;
  if ($t === 'n' && typeof v === 'string') return BigInt(v);
  if ($t === 'd' && typeof v === 'number') return new Date(v);
  if ($t === 'x' && typeof v === 'string') return decimal(v);
  if ($t === 'o' && typeof v === 'object' && v !== null) return decodeObject(v as Record<string, unknown>);
  throw new StoreError(`event log: unknown tagged value ${JSON.stringify(object).slice(0, 60)}`);
}

/** Encodes an event payload as JSON text, keeping bigint, Date and Decimal exact. */
export function encodeEventPayload(payload: unknown): string {
  return JSON.stringify(encode(payload));
}

/**
 * Decodes what {@link encodeEventPayload} wrote.
 * @throws {StoreError} when the text is not an encoded payload
 */
export function decodeEventPayload(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StoreError('event log: a payload is not JSON', { cause: error });
  }
  return decode(parsed);
}
