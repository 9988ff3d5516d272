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

function encode(value: unknown, seen?: WeakMap<object, unknown>): unknown {
  if (typeof value === 'bigint') return { $t: 'n', v: value.toString() };
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return { $t: 'd', v: value.getTime() };
  const known = seen?.get(value);
  if (known !== undefined) return known;
  // Plain objects (most values of a payload) first: no Decimal duck-typing for them.
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    if (isDecimal(value)) return { $t: 'x', v: value.toFixed() };
    if (Array.isArray(value)) return value.map((item) => encode(item, seen));
  }
  const encoded = encodeObject(value as Record<string, unknown>, seen);
  seen?.set(value, encoded);
  return encoded;
}

function encodeObject(value: Record<string, unknown>, seen: WeakMap<object, unknown> | undefined): unknown {
  // A plain loop: this runs for every logged event, inside the transaction that records it.
  const object: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const encoded = encode(value[key], seen);
    if (encoded === undefined) continue;
    // `__proto__` from the caller's JSON metadata is an own key, never the prototype.
    if (key === '__proto__')
      Object.defineProperty(object, key, { value: encoded, enumerable: true, writable: true, configurable: true });
    else object[key] = encoded;
  }
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

/**
 * Encodes an event payload as JSON text, keeping bigint, Date and Decimal exact. `seen` shares the
 * encoding of an object met again (the invoice of `invoice.settled` in `payment.received`): payloads
 * are frozen values, so the same object encodes the same.
 */
export function encodeEventPayload(payload: unknown, seen?: WeakMap<object, unknown>): string {
  return JSON.stringify(encode(payload, seen));
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
