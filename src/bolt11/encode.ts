/**
 * BOLT11 encoding: LND's field set, signed with a recoverable low-S secp256k1 signature (RFC 6979).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ValidationError } from '../errors.js';
import { bigIntToWords, bytesToWords, encodeBech32, fromHex, MAX_REQUEST_LENGTH } from './bech32.js';
import { signingHash, TIMESTAMP_WORDS } from './decode.js';
import { featuresToWords, MAX_FEATURE_BIT } from './features.js';
import { formatAmount, MAX_AMOUNT_MSAT } from './hrp.js';
import { isBolt11Network } from './networks.js';
import { secp256k1Backend } from './secp256k1.js';
import { HOP_BYTES, MAX_FIELD_WORDS, MAX_TAG_INTEGER, TAG } from './tags.js';
import type { Bolt11Fields, Bolt11RouteHop } from './types.js';

const MAX_TIMESTAMP = 2 ** 35 - 1;

function hexField(field: string, value: unknown, bytes?: number): Uint8Array {
  const parsed = typeof value === 'string' ? fromHex(value) : undefined;
  if (parsed === undefined || (bytes !== undefined && parsed.length !== bytes)) {
    const want = bytes === undefined ? 'hex' : `${bytes}-byte hex (${bytes * 2} characters)`;
    const got = typeof value === 'string' ? `"${value.slice(0, 80)}"` : typeof value;
    throw new ValidationError(field, `expected ${want}, got ${got}`);
  }
  return parsed;
}

function intField(field: string, value: unknown, max: number | bigint): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || BigInt(value) > BigInt(max)) {
    throw new ValidationError(field, `expected an integer in 0..${max}, got ${String(value)}`);
  }
  return value;
}

function tagged(tag: number, data: readonly number[], field: string): number[] {
  if (data.length > MAX_FIELD_WORDS) {
    throw new ValidationError(field, `expected at most ${MAX_FIELD_WORDS} words of data, got ${data.length}`);
  }
  return [tag, data.length >> 5, data.length & 31, ...data];
}

function writeUint(out: Uint8Array, at: number, len: number, value: bigint): void {
  for (let i = len - 1; i >= 0; i--) {
    out[at + i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

function routeWords(route: readonly Bolt11RouteHop[], field: string): number[] {
  if (!Array.isArray(route) || route.length === 0) {
    throw new ValidationError(field, `expected a non-empty array of hops, got ${String(route)}`);
  }
  const bytes = new Uint8Array(route.length * HOP_BYTES);
  route.forEach((hop, i) => {
    const at = i * HOP_BYTES;
    const f = `${field}[${i}]`;
    bytes.set(hexField(`${f}.pubkey`, hop.pubkey, 33), at);
    const scid =
      typeof hop.shortChannelId === 'string' && /^[0-9]{1,20}$/.test(hop.shortChannelId)
        ? BigInt(hop.shortChannelId)
        : -1n;
    if (scid < 0n || scid >= 2n ** 64n) {
      throw new ValidationError(
        `${f}.shortChannelId`,
        `expected a decimal uint64 string, got ${String(hop.shortChannelId)}`,
      );
    }
    writeUint(bytes, at + 33, 8, scid);
    writeUint(bytes, at + 41, 4, BigInt(intField(`${f}.feeBaseMsat`, hop.feeBaseMsat, 0xffffffff)));
    writeUint(
      bytes,
      at + 45,
      4,
      BigInt(intField(`${f}.feeProportionalMillionths`, hop.feeProportionalMillionths, 0xffffffff)),
    );
    writeUint(bytes, at + 49, 2, BigInt(intField(`${f}.cltvExpiryDelta`, hop.cltvExpiryDelta, 0xffff)));
  });
  return bytesToWords(bytes);
}

function privateKeyBytes(privateKey: Uint8Array | string): Uint8Array {
  const bytes = typeof privateKey === 'string' ? fromHex(privateKey) : privateKey;
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32 || !secp256k1.utils.isValidSecretKey(bytes)) {
    // Never echo the key itself.
    throw new ValidationError(
      'privateKey',
      'expected a valid 32-byte secp256k1 secret key (Uint8Array or 64 hex characters)',
    );
  }
  return bytes;
}

/**
 * Signs hrp + data words and returns the bech32 request. Exposed for tests and for callers that
 * build their own field order; {@link encodeBolt11} is the public entry.
 */
export function signBolt11Words(hrp: string, dataWords: readonly number[], privateKey: Uint8Array | string): string {
  const key = privateKeyBytes(privateKey);
  const hash = signingHash(hrp, dataWords);
  // BOLT11 wants r‖s then the recovery byte. Every backend signs per RFC 6979 without extra
  // entropy, so the request is the same whichever one runs.
  const { signature, recid } = secp256k1Backend().sign(hash, key);
  const sig = new Uint8Array(65);
  sig.set(signature);
  sig[64] = recid;
  return encodeBech32(hrp, [...dataWords, ...bytesToWords(sig)]);
}

/**
 * Builds and signs a BOLT11 payment request. Fields are written in this order: s, p, d|h, m, n,
 * x, c, f…, r…, 9 (LND's field set; `n` only when `includePayeeNodeKey`).
 * @param fields - what to encode; `paymentSecret` and exactly one of `description` / `descriptionHash` are required.
 * @param privateKey - the node's secret key, 32 bytes or 64 hex characters.
 * @returns the lower-case payment request.
 * @throws ValidationError naming the first bad field ("expected X, got Y").
 * @example
 * const request = encodeBolt11({ network: 'bcrt', amountMsat: 250_000_000n, timestamp: 1700000000,
 *   paymentHash, paymentSecret, description: 'coffee', expirySeconds: 3600, minFinalCltvExpiry: 80,
 *   features: [8, 14, 17] }, nodeKey);
 */
export function encodeBolt11(fields: Bolt11Fields, privateKey: Uint8Array | string): string {
  const key = privateKeyBytes(privateKey);
  if (!isBolt11Network(fields.network)) {
    throw new ValidationError('network', `expected one of bc, tb, tbs, bcrt, got ${String(fields.network)}`);
  }
  let hrp = `ln${fields.network}`;
  const amount = fields.amountMsat;
  if (amount !== undefined && amount !== null) {
    if (typeof amount !== 'bigint' || amount < 1n || amount > MAX_AMOUNT_MSAT) {
      throw new ValidationError('amountMsat', `expected a bigint in 1..${MAX_AMOUNT_MSAT} msat, got ${String(amount)}`);
    }
    hrp += formatAmount(amount);
  }
  const words: number[] = bigIntToWords(
    BigInt(intField('timestamp', fields.timestamp, MAX_TIMESTAMP)),
    TIMESTAMP_WORDS,
  );

  if (fields.paymentSecret === undefined) {
    throw new ValidationError(
      'paymentSecret',
      'expected 32-byte hex: BOLT11 readers reject invoices without an s field',
    );
  }
  words.push(
    ...tagged(TAG.paymentSecret, bytesToWords(hexField('paymentSecret', fields.paymentSecret, 32)), 'paymentSecret'),
  );
  words.push(...tagged(TAG.paymentHash, bytesToWords(hexField('paymentHash', fields.paymentHash, 32)), 'paymentHash'));
  const hasD = fields.description !== undefined;
  const hasH = fields.descriptionHash !== undefined;
  if (hasD === hasH) {
    throw new ValidationError(
      'description',
      `expected exactly one of description or descriptionHash, got ${hasD ? 'both' : 'neither'}`,
    );
  }
  if (hasD) {
    if (typeof fields.description !== 'string') {
      throw new ValidationError('description', `expected a string, got ${typeof fields.description}`);
    }
    words.push(...tagged(TAG.description, bytesToWords(new TextEncoder().encode(fields.description)), 'description'));
  } else {
    words.push(
      ...tagged(
        TAG.descriptionHash,
        bytesToWords(hexField('descriptionHash', fields.descriptionHash, 32)),
        'descriptionHash',
      ),
    );
  }
  if (fields.metadata !== undefined) {
    words.push(...tagged(TAG.metadata, bytesToWords(hexField('metadata', fields.metadata)), 'metadata'));
  }
  if (fields.includePayeeNodeKey === true) {
    words.push(...tagged(TAG.payeeNodeKey, bytesToWords(secp256k1Backend().publicKey(key)), 'includePayeeNodeKey'));
  }
  if (fields.expirySeconds !== undefined) {
    const expiry = intField('expirySeconds', fields.expirySeconds, MAX_TAG_INTEGER);
    words.push(...tagged(TAG.expiry, bigIntToWords(BigInt(expiry)), 'expirySeconds'));
  }
  if (fields.minFinalCltvExpiry !== undefined) {
    const cltv = intField('minFinalCltvExpiry', fields.minFinalCltvExpiry, MAX_TAG_INTEGER);
    words.push(...tagged(TAG.minFinalCltvExpiry, bigIntToWords(BigInt(cltv)), 'minFinalCltvExpiry'));
  }
  (fields.fallbackAddresses ?? []).forEach((fallback, i) => {
    const field = `fallbackAddresses[${i}]`;
    const version = intField(`${field}.version`, fallback.version, 18);
    const program = hexField(`${field}.hex`, fallback.hex);
    words.push(...tagged(TAG.fallback, [version, ...bytesToWords(program)], field));
  });
  (fields.routeHints ?? []).forEach((route, i) => {
    words.push(...tagged(TAG.routeHint, routeWords(route, `routeHints[${i}]`), `routeHints[${i}]`));
  });
  const bits = fields.features ?? [];
  bits.forEach((bit, i) => intField(`features[${i}]`, bit, MAX_FEATURE_BIT));
  if (bits.length > 0) words.push(...tagged(TAG.features, featuresToWords(bits), 'features'));

  const request = signBolt11Words(hrp, words, key);
  if (request.length > MAX_REQUEST_LENGTH) {
    throw new ValidationError(
      'fields',
      `expected an invoice of at most ${MAX_REQUEST_LENGTH} characters, got ${request.length}`,
    );
  }
  return request;
}
