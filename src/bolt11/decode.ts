/**
 * BOLT11 decoding with signature verification (against `n`) or public-key recovery, on the
 * fastest secp256k1 backend available (see secp256k1.ts); `{ verify: false }` skips the curve work.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Bolt11Error, ValidationError } from '../errors.js';
import { parseBech32, toHex, wordsToBigInt, wordsToBytes } from './bech32.js';
import { parseFeatures } from './features.js';
import { parseHrp } from './hrp.js';
import { secp256k1Backend } from './secp256k1.js';
import { parseTags } from './tags.js';
import type { DecodedBolt11, UnverifiedBolt11 } from './types.js';

/** Words in the timestamp (35 bits). */
export const TIMESTAMP_WORDS = 7;
/** Words in the signature (64-byte r‖s + 1-byte recovery id = 520 bits). */
export const SIGNATURE_WORDS = 104;

const DEFAULT_EXPIRY_SECONDS = 3600;
const DEFAULT_MIN_FINAL_CLTV_EXPIRY = 18;

/** The hash a BOLT11 signature commits to: SHA-256(hrp UTF-8 ‖ data words zero-padded to bytes). */
export function signingHash(hrp: string, dataWords: readonly number[]): Uint8Array {
  const hrpBytes = new TextEncoder().encode(hrp);
  const dataBytes = wordsToBytes(dataWords, true);
  const preimage = new Uint8Array(hrpBytes.length + dataBytes.length);
  preimage.set(hrpBytes);
  preimage.set(dataBytes, hrpBytes.length);
  return sha256(preimage);
}

/** secp256k1's group order n: r and s must lie in 1..n-1. */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_ORDER = CURVE_ORDER >> 1n;

const scalar = (bytes: Uint8Array): bigint => BigInt(`0x${toHex(bytes)}`);

function bigintTo32Bytes(value: bigint): Uint8Array {
  const hex = value.toString(16).padStart(64, '0');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function payeeKey(sigBytes: Uint8Array, recoveryFlag: number, hash: Uint8Array, n: Uint8Array | undefined): string {
  const compact = sigBytes.subarray(0, 64);
  const r = scalar(compact.subarray(0, 32));
  const s = scalar(compact.subarray(32, 64));
  if (r === 0n || r >= CURVE_ORDER || s === 0n || s >= CURVE_ORDER) {
    throw new Bolt11Error('invalid_signature', 'expected r and s in 1..n-1, got an out-of-range signature');
  }
  const isHighS = s > HALF_ORDER;
  const backend = secp256k1Backend();
  if (n !== undefined) {
    // With `n` the spec says verify, not recover; LND and `invoices` require low-S here.
    if (isHighS) {
      throw new Bolt11Error('non_canonical_signature', 'expected a low-S signature with an n field, got high-S');
    }
    if (!backend.verify(compact, hash, n)) {
      throw new Bolt11Error('invalid_signature', `signature does not verify against the n field ${toHex(n)}`);
    }
    return toHex(n);
  }
  // Without `n`, high-S is accepted. The recovery id is taken to describe the low-S form of the
  // signature (what libsecp256k1 signers emit): the spec's "Public-key recovery with high-S
  // signature" example keeps recid 1 with s negated, and must still recover the payee.
  let lowS = compact;
  if (isHighS) {
    lowS = new Uint8Array(64);
    lowS.set(compact.subarray(0, 32));
    lowS.set(bigintTo32Bytes(CURVE_ORDER - s), 32);
  }
  const key = backend.recover(lowS, recoveryFlag, hash);
  if (key === null) throw new Bolt11Error('invalid_signature', 'expected a recoverable signature, recovery failed');
  return toHex(key);
}

/** Options of {@link decodeBolt11}. */
export interface DecodeBolt11Options {
  /**
   * Check the signature and compute the payee key (verify against `n`, else recover it).
   * With `false` nothing elliptic-curve is computed: the result's `payeeNodeKey` is the unchecked
   * `n` field or `null`. Use it only to read amount, hash and expiry of a request you do not pay
   * on the strength of this decode. Default is true.
   */
  readonly verify?: boolean;
}

/**
 * Decodes a BOLT11 payment request and checks its signature. Accepts all-upper-case input and a
 * `lightning:` prefix.
 * @param request - the payment request, e.g. `'lnbcrt2500u1p…'`.
 * @param options - `{ verify: false }` skips the signature check and the payee key (see {@link DecodeBolt11Options}).
 * @returns the fields, with defaults applied (expiry 3600 s, min_final_cltv_expiry 18) and the payee key.
 * @throws Bolt11Error with a `reason` naming the failure, e.g. `'invalid_checksum'`, `'mixed_case'`,
 *   `'unknown_network'`, `'invalid_multiplier'`, `'sub_msat_precision'`, `'invalid_signature'`,
 *   `'missing_payment_hash'`, `'missing_payment_secret'`, `'unknown_required_feature'`, `'too_long'`.
 * @example
 * const invoice = decodeBolt11(paymentRequest);
 * if (invoice.amountMsat === null) throw new Error('amount required');
 * const { amountMsat, paymentHash } = decodeBolt11(paymentRequest, { verify: false });
 */
export function decodeBolt11(request: string, options?: { readonly verify?: true }): DecodedBolt11;
export function decodeBolt11(request: string, options: DecodeBolt11Options): UnverifiedBolt11;
export function decodeBolt11(request: string, options: DecodeBolt11Options = {}): UnverifiedBolt11 {
  if (typeof request !== 'string') {
    throw new Bolt11Error('not_a_string', `expected a string, got ${request === null ? 'null' : typeof request}`);
  }
  if (options === null || typeof options !== 'object') {
    throw new ValidationError(
      'options',
      `expected an options object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  if (options.verify !== undefined && typeof options.verify !== 'boolean') {
    throw new ValidationError('verify', `expected true or false, got ${typeof options.verify}`);
  }
  const trimmed = /^lightning:/i.test(request) ? request.slice('lightning:'.length) : request;
  const { hrp, words, lowered } = parseBech32(trimmed);
  const { network, amountMsat } = parseHrp(hrp);
  if (words.length < TIMESTAMP_WORDS + SIGNATURE_WORDS) {
    throw new Bolt11Error(
      'too_short',
      `expected at least ${TIMESTAMP_WORDS + SIGNATURE_WORDS} data words (timestamp + signature), got ${words.length}`,
    );
  }
  const dataWords = words.slice(0, words.length - SIGNATURE_WORDS);
  const sigBytes = wordsToBytes(words.slice(words.length - SIGNATURE_WORDS), false);
  const recoveryFlag = sigBytes[64] as number;
  if (recoveryFlag > 3) {
    throw new Bolt11Error('invalid_recovery_flag', `expected a recovery flag 0-3, got ${recoveryFlag}`);
  }
  const timestamp = Number(wordsToBigInt(dataWords.slice(0, TIMESTAMP_WORDS)));
  const tags = parseTags(dataWords.slice(TIMESTAMP_WORDS), network);

  if (tags.paymentHash === undefined) {
    throw new Bolt11Error('missing_payment_hash', 'expected a 52-word p field, got none');
  }
  if (tags.paymentSecret === undefined) {
    throw new Bolt11Error('missing_payment_secret', 'expected a 52-word s field, got none');
  }
  if (tags.description !== undefined && tags.descriptionHash !== undefined) {
    throw new Bolt11Error('description_conflict', 'expected one of d or h, got both');
  }
  if (tags.description === undefined && tags.descriptionHash === undefined) {
    throw new Bolt11Error('missing_description', 'expected a d or h field, got neither');
  }
  const { features, bits } = parseFeatures(tags.featureWords ?? []);

  const payeeNodeKey =
    options.verify === false
      ? tags.payeeNodeKey === undefined
        ? null
        : toHex(tags.payeeNodeKey)
      : payeeKey(sigBytes, recoveryFlag, signingHash(hrp, dataWords), tags.payeeNodeKey);
  const expirySeconds = tags.expirySeconds ?? DEFAULT_EXPIRY_SECONDS;

  return {
    paymentRequest: lowered,
    network,
    prefix: hrp,
    amountMsat,
    timestamp,
    paymentHash: toHex(tags.paymentHash),
    paymentSecret: toHex(tags.paymentSecret),
    description: tags.description ?? null,
    descriptionHash: tags.descriptionHash === undefined ? null : toHex(tags.descriptionHash),
    expirySeconds,
    expiresAt: new Date((timestamp + expirySeconds) * 1000),
    minFinalCltvExpiry: tags.minFinalCltvExpiry ?? DEFAULT_MIN_FINAL_CLTV_EXPIRY,
    fallbackAddresses: tags.fallbackAddresses,
    routeHints: tags.routeHints,
    features,
    featureBits: bits,
    metadata: tags.metadata === undefined ? null : toHex(tags.metadata),
    payeeNodeKey,
    hasPayeeNodeKeyField: tags.payeeNodeKey !== undefined,
    signature: toHex(sigBytes.subarray(0, 64)),
    recoveryFlag,
    unknownTags: tags.unknownTags,
  };
}

/**
 * True when `nowMs` is at or past the invoice's expiry (`timestamp + expirySeconds`).
 * @example isBolt11Expired(decodeBolt11(req), clock.now())
 */
export function isBolt11Expired(decoded: Pick<DecodedBolt11, 'expiresAt'>, nowMs: number): boolean {
  return nowMs >= decoded.expiresAt.getTime();
}
