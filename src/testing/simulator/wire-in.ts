/**
 * LND wire requests → model inputs: the byte-length checks and mutually-exclusive-field checks
 * LND applies before its handlers run, with LND's exact error texts.
 */
import { LndRpcError, unknownError } from '../network/rpc-error.js';

/** The `Status.INVALID_ARGUMENT` code. */
export const INVALID_ARGUMENT = 3;

/** A request message as proto-loader decodes it. */
export type WireRequest = Record<string, unknown>;

/** A bytes field as a Buffer (proto-loader always decodes bytes to Buffer; empty when unset). */
export function bytesField(request: WireRequest, name: string): Buffer {
  const value = request[name];
  return Buffer.isBuffer(value) ? value : Buffer.alloc(0);
}

/** A string field ('' when unset). */
export function stringField(request: WireRequest, name: string): string {
  const value = request[name];
  return typeof value === 'string' ? value : '';
}

/** A boolean field. */
export const boolField = (request: WireRequest, name: string): boolean => request[name] === true;

/** An int32/uint32 field (numbers with `longs: String` only for 64-bit types). */
export function intField(request: WireRequest, name: string): number {
  const value = request[name];
  return typeof value === 'number' ? value : Number(value ?? 0);
}

/** An int64/uint64 field as bigint (proto-loader gives decimal strings). */
export function bigField(request: WireRequest, name: string): bigint {
  const value = request[name];
  if (typeof value === 'string' && value !== '') return BigInt(value);
  if (typeof value === 'number') return BigInt(value);
  return 0n;
}

/** A repeated uint64 field as decimal strings. */
export function bigListField(request: WireRequest, name: string): string[] {
  const value = request[name];
  return Array.isArray(value) ? value.map((item) => BigInt(String(item)).toString()) : [];
}

/** lntypes.MakeHash: exactly 32 bytes, else `invalid hash length of N, want 32`; returns hex. */
export function makeHash(bytes: Buffer): string {
  if (bytes.length !== 32) throw unknownError(`invalid hash length of ${bytes.length}, want 32`);
  return bytes.toString('hex');
}

/** lntypes.MakePreimage: exactly 32 bytes, else `invalid preimage length of N, want 32`; returns hex. */
export function makePreimage(bytes: Buffer): string {
  if (bytes.length !== 32) throw unknownError(`invalid preimage length of ${bytes.length}, want 32`);
  return bytes.toString('hex');
}

/** route.NewVertexFromBytes: a 33-byte pubkey, else `invalid vertex length of N, want 33`; '' stays undefined. */
export function optionalVertex(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes.length !== 33) throw unknownError(`invalid vertex length of ${bytes.length}, want 33`);
  return bytes.toString('hex');
}

/** Outgoing channel restriction from `outgoing_chan_ids` or the deprecated single `outgoing_chan_id`. */
export function outgoingChanIds(request: WireRequest, singleField: string, bothError: string): string[] | undefined {
  const many = bigListField(request, 'outgoing_chan_ids');
  const single = bigField(request, singleField);
  if (single !== 0n && many.length > 0) throw unknownError(bothError);
  if (single !== 0n) return [single.toString()];
  return many.length > 0 ? many : undefined;
}

/** lnrpc.UnmarshallAmt: sat and msat are mutually exclusive; returns msat, or undefined when both are 0. */
export function unmarshallAmount(satAmount: bigint, msatAmount: bigint): bigint | undefined {
  if (satAmount !== 0n && msatAmount !== 0n) throw unknownError('sat and msat arguments are mutually exclusive');
  if (satAmount < 0n || msatAmount < 0n) throw unknownError('amount cannot be negative');
  if (satAmount !== 0n) return satAmount * 1000n;
  if (msatAmount !== 0n) return msatAmount;
  return undefined;
}

/** The invoice fields shared by AddInvoice and AddHoldInvoice (description hash must be 32 bytes). */
export function invoiceFields(
  request: WireRequest,
  valueField: string,
): {
  memo: string;
  valueSat?: bigint;
  valueMsat?: bigint;
  expirySeconds: number;
  descriptionHash?: string;
  cltvExpiry: number;
} {
  const descriptionHash = bytesField(request, 'description_hash');
  if (descriptionHash.length > 0 && descriptionHash.length !== 32) {
    throw unknownError(`description hash is ${descriptionHash.length} bytes, must be 32`);
  }
  const valueSat = bigField(request, valueField);
  const valueMsat = bigField(request, 'value_msat');
  return {
    memo: stringField(request, 'memo'),
    ...(valueSat !== 0n ? { valueSat } : {}),
    ...(valueMsat !== 0n ? { valueMsat } : {}),
    expirySeconds: Number(bigField(request, 'expiry')),
    ...(descriptionHash.length > 0 ? { descriptionHash: descriptionHash.toString('hex') } : {}),
    cltvExpiry: Number(bigField(request, 'cltv_expiry')),
  };
}

/** An INVALID_ARGUMENT error (LookupInvoiceV2 uses explicit status codes). */
export const invalidArgument = (details: string): LndRpcError => new LndRpcError(INVALID_ARGUMENT, details);
