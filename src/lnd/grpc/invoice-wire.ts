/**
 * `lnrpc.Invoice` and `lnrpc.ListInvoiceResponse` decoded straight from the wire into port values,
 * for the invoice calls a merchant makes by the thousand (the invoice stream, ListInvoices pages,
 * LookupInvoice). proto-loader's generic path decodes every field of every nested message (route
 * hints, the feature map, AMP state), converts each 64-bit value to a decimal string, fills in
 * defaults and builds a plain object, which `toLndInvoice` then parses again: about four fifths of
 * lnkit's CPU per caught-up settlement outside the store. This reads the fields lnkit uses, skips
 * the rest without decoding them, and checks each value as `toLndInvoice` does, with the same
 * `LND_INVALID_RESPONSE` errors (same field paths, same expectations).
 *
 * A gRPC deserializer must not throw (grpc-js would turn the error into an INTERNAL status), so
 * the decoders return a {@link WireDecoded} holding the value or the error, which the conversion
 * (`toLndInvoice` / `toInvoicePage`) unwraps.
 */
import type { LndInvoice, LndInvoiceHtlc, LndInvoicePage, LndInvoiceState } from '../lnd-client.js';
import { invalidResponse } from './validate.js';

/** A response decoded from the wire: the port value, or the error that describes why it is invalid. */
export class WireDecoded<T> {
  constructor(
    private readonly value: T | undefined,
    private readonly error: unknown = undefined,
  ) {}

  /** The value; throws the decoding error for an invalid response. */
  unwrap(): T {
    if (this.error !== undefined) throw this.error;
    return this.value as T;
  }
}

const INVOICE_STATES: readonly LndInvoiceState[] = ['OPEN', 'SETTLED', 'CANCELED', 'ACCEPTED'];
const HTLC_STATES = ['ACCEPTED', 'SETTLED', 'CANCELED'] as const;
const TWO_64 = 2n ** 64n;
const INT64_MAX = 2n ** 63n - 1n;

/** A cursor over one protobuf message's bytes. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /**
   * A varint of up to 64 bits as a number when it is below 2^49, else as a bigint. Kept small (the
   * rare long tail is {@link Reader.varintTail}): V8 inlines it where it is called.
   */
  varint(): number | bigint {
    const { buf, end } = this;
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= end) throw truncated();
      const byte = buf[this.pos++]!;
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
    return this.varintTail(result);
  }

  /** The bytes after a varint's first 49 bits, finished exactly as a bigint. */
  varintTail(low: number): bigint {
    const { buf, end } = this;
    let big = BigInt(low);
    let shift = 49n;
    for (let i = 7; i < 10; i++) {
      if (this.pos >= end) throw truncated();
      const byte = buf[this.pos++]!;
      big += BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return big & (TWO_64 - 1n);
      shift += 7n;
    }
    throw malformed('a varint longer than 10 bytes');
  }

  /** The bounds of a length-delimited field's bytes (the cursor moves past them). */
  delimited(): [number, number] {
    const length = this.varint();
    if (typeof length !== 'number' || this.pos + length > this.end) throw truncated();
    const start = this.pos;
    this.pos += length;
    return [start, this.pos];
  }

  /** Skips a field of `wireType`. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.delimited();
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw malformed(`wire type ${wireType}`);
    }
    if (this.pos > this.end) throw truncated();
  }
}

function truncated(): Error {
  return malformed('a truncated message');
}

function malformed(what: string): Error {
  return invalidResponse('Invoice', 'a protobuf message', what);
}

/** An unsigned 64-bit varint as a bigint. */
const u64 = (v: number | bigint): bigint => (typeof v === 'number' ? BigInt(v) : v);
/** A signed 64-bit varint (two's complement) as a bigint. */
const i64 = (v: number | bigint): bigint => (typeof v === 'number' ? BigInt(v) : v > INT64_MAX ? v - TWO_64 : v);
/** A signed 32-bit varint (sign-extended to 64 bits on the wire) as a number. */
const i32 = (v: number | bigint): number => Number(BigInt.asIntN(32, u64(v)));

/** What `toLndInvoice` sees for an invalid value: proto-loader's rendering (64-bit as decimal strings). */
function nonNegativeI64(value: bigint, where: string): bigint {
  if (value >= 0n) return value;
  throw invalidResponse(where, 'a non-negative int64 decimal string', value.toString());
}

function count64(value: bigint, where: string): number {
  if (value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  throw invalidResponse(where, 'a non-negative integer', value.toString());
}

function count32(value: number, where: string): number {
  if (value >= 0) return value;
  throw invalidResponse(where, 'a non-negative integer', value);
}

function bytesHex(buf: Buffer, bounds: [number, number] | null, where: string, length: number): string {
  const size = bounds === null ? 0 : bounds[1] - bounds[0];
  if (bounds !== null && size === length) return buf.toString('hex', bounds[0], bounds[1]);
  throw invalidResponse(where, `${length} bytes`, Buffer.alloc(size));
}

function enumName<T extends string>(value: number | bigint, names: readonly T[], where: string): T {
  const name = typeof value === 'number' ? names[value] : undefined;
  if (name !== undefined) return name;
  // proto-loader gives the number for a value the enum does not name (a negative one as int32).
  throw invalidResponse(where, `one of ${names.join(', ')}`, i32(value));
}

function decodeHtlc(buf: Buffer, start: number, end: number, where: string): LndInvoiceHtlc {
  const r = new Reader(buf, start, end);
  let chanId: number | bigint = 0;
  let amount: number | bigint = 0;
  let acceptHeight: number | bigint = 0;
  let expiryHeight: number | bigint = 0;
  let state: number | bigint = 0;
  while (r.pos < end) {
    const key = r.varint();
    const field = Number(key) >>> 3;
    const wireType = Number(key) & 7;
    if (wireType !== 0) {
      r.skip(wireType);
      continue;
    }
    // One read per field, then only assignments: each `r.varint()` call site is a copy of it once
    // V8 inlines it, and compiling those copies cost more than running them on a first catch-up.
    const value = r.varint();
    if (field === 1) chanId = value;
    else if (field === 3) amount = value;
    else if (field === 4) acceptHeight = value;
    else if (field === 7) expiryHeight = value;
    else if (field === 8) state = value;
  }
  return {
    chanId: u64(chanId).toString(),
    amountMsat: u64(amount),
    acceptHeight: count32(i32(acceptHeight), `${where}.accept_height`),
    expiryHeight: count32(i32(expiryHeight), `${where}.expiry_height`),
    state: enumName(state, HTLC_STATES, `${where}.state`),
  };
}

function decodeInvoiceAt(buf: Buffer, start: number, end: number): LndInvoice {
  const where = 'Invoice';
  const r = new Reader(buf, start, end);
  let memo: [number, number] | null = null;
  let preimage: [number, number] | null = null;
  let hash: [number, number] | null = null;
  let request: [number, number] | null = null;
  let valueMsat: number | bigint = 0;
  let creationDate: number | bigint = 0;
  let settleDate: number | bigint = 0;
  let expiry: number | bigint = 0;
  let cltvExpiry: number | bigint = 0;
  let addIndex: number | bigint = 0;
  let settleIndex: number | bigint = 0;
  let amountPaidMsat: number | bigint = 0;
  let state: number | bigint = 0;
  let isKeysend = false;
  let isAmp = false;
  const htlcs: [number, number][] = [];
  while (r.pos < end) {
    const key = r.varint();
    const field = Number(key) >>> 3;
    const wireType = Number(key) & 7;
    if (wireType === 2) {
      const bounds = r.delimited();
      if (field === 1) memo = bounds;
      else if (field === 3) preimage = bounds;
      else if (field === 4) hash = bounds;
      else if (field === 9) request = bounds;
      else if (field === 22) htlcs.push(bounds);
    } else if (wireType === 0) {
      // One read per field (see decodeHtlc).
      const value = r.varint();
      if (field === 23) valueMsat = value;
      else if (field === 7) creationDate = value;
      else if (field === 8) settleDate = value;
      else if (field === 11) expiry = value;
      else if (field === 13) cltvExpiry = value;
      else if (field === 16) addIndex = value;
      else if (field === 17) settleIndex = value;
      else if (field === 20) amountPaidMsat = value;
      else if (field === 21) state = value;
      else if (field === 25) isKeysend = value !== 0;
      else if (field === 27) isAmp = value !== 0;
    } else r.skip(wireType);
  }
  const text = (bounds: [number, number] | null): string =>
    bounds === null ? '' : buf.toString('utf8', bounds[0], bounds[1]);
  const settledAt = count64(i64(settleDate), `${where}.settle_date`);
  return {
    paymentHash: bytesHex(buf, hash, `${where}.r_hash`, 32),
    paymentRequest: text(request),
    memo: text(memo),
    valueMsat: nonNegativeI64(i64(valueMsat), `${where}.value_msat`),
    state: enumName(state, INVOICE_STATES, `${where}.state`),
    addIndex: u64(addIndex),
    settleIndex: u64(settleIndex),
    amountPaidMsat: nonNegativeI64(i64(amountPaidMsat), `${where}.amt_paid_msat`),
    creationDate: new Date(count64(i64(creationDate), `${where}.creation_date`) * 1000),
    settleDate: settledAt === 0 ? null : new Date(settledAt * 1000),
    expirySeconds: count64(i64(expiry), `${where}.expiry`),
    cltvExpiry: count64(u64(cltvExpiry), `${where}.cltv_expiry`),
    preimage:
      preimage === null || preimage[0] === preimage[1] ? null : bytesHex(buf, preimage, `${where}.r_preimage`, 32),
    isKeysend,
    isAmp,
    htlcs: htlcs.map(([s, e], i) => decodeHtlc(buf, s, e, `${where}.htlcs[${i}]`)),
  };
}

/** Decodes an `lnrpc.Invoice` message (a gRPC response deserializer: never throws). */
export function decodeInvoiceWire(buf: Buffer): WireDecoded<LndInvoice> {
  try {
    return new WireDecoded(decodeInvoiceAt(buf, 0, buf.length));
  } catch (error) {
    return new WireDecoded<LndInvoice>(undefined, error);
  }
}

/** Decodes an `lnrpc.ListInvoiceResponse` message (a gRPC response deserializer: never throws). */
export function decodeInvoicePageWire(buf: Buffer): WireDecoded<LndInvoicePage> {
  try {
    const r = new Reader(buf, 0, buf.length);
    const invoices: LndInvoice[] = [];
    let first: number | bigint = 0;
    let last: number | bigint = 0;
    while (r.pos < buf.length) {
      const key = r.varint();
      const field = Number(key) >>> 3;
      const wireType = Number(key) & 7;
      if (wireType === 2 && field === 1) {
        const [start, end] = r.delimited();
        invoices.push(decodeInvoiceAt(buf, start, end));
      } else if (wireType === 0 && field === 2) last = r.varint();
      else if (wireType === 0 && field === 3) first = r.varint();
      else r.skip(wireType);
    }
    return new WireDecoded({ invoices, firstIndexOffset: u64(first), lastIndexOffset: u64(last) });
  } catch (error) {
    return new WireDecoded<LndInvoicePage>(undefined, error);
  }
}
