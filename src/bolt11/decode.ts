/**
 * BOLT11 decoding with signature verification (against `n`) or public-key recovery.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Bolt11Error } from '../errors.js';
import { parseBech32, toHex, wordsToBigInt, wordsToBytes } from './bech32.js';
import { parseFeatures } from './features.js';
import { parseHrp } from './hrp.js';
import { parseTags } from './tags.js';
import type { DecodedBolt11 } from './types.js';

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

/** Payee keys of recently decoded requests: recovering a key is the costly part of a decode (pure, so safe to reuse). */
const recentPayeeKeys = new Map<string, string>();
const RECENT_PAYEE_KEYS = 512;

const payeeCacheKey = (sig: Uint8Array, hash: Uint8Array, n: Uint8Array | undefined): string =>
  `${toHex(sig)}:${toHex(hash)}:${n ? toHex(n) : ''}`;

function remember(cacheKey: string, pubkey: string): void {
  if (recentPayeeKeys.size >= RECENT_PAYEE_KEYS) recentPayeeKeys.delete(recentPayeeKeys.keys().next().value!);
  recentPayeeKeys.set(cacheKey, pubkey);
}

/**
 * Records the payee key of a request just signed (`sig` is r‖s‖recovery flag, 65 bytes), so that
 * decoding it does not recover the key again. Internal: encodeBolt11 calls it.
 */
export function rememberPayeeKey(sig: Uint8Array, hash: Uint8Array, pubkey: string): void {
  remember(payeeCacheKey(sig, hash, undefined), pubkey);
}

function payeeKey(sigBytes: Uint8Array, recoveryFlag: number, hash: Uint8Array, n: Uint8Array | undefined): string {
  const cacheKey = payeeCacheKey(sigBytes, hash, n);
  const cached = recentPayeeKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  const key = computePayeeKey(sigBytes, recoveryFlag, hash, n);
  remember(cacheKey, key);
  return key;
}

function computePayeeKey(
  sigBytes: Uint8Array,
  recoveryFlag: number,
  hash: Uint8Array,
  n: Uint8Array | undefined,
): string {
  let sig;
  try {
    sig = secp256k1.Signature.fromBytes(sigBytes.subarray(0, 64), 'compact');
  } catch {
    throw new Bolt11Error('invalid_signature', 'expected r and s in 1..n-1, got an out-of-range signature');
  }
  if (n !== undefined) {
    // With `n` the spec says verify, not recover; LND and `invoices` require low-S here.
    if (sig.hasHighS()) {
      throw new Bolt11Error('non_canonical_signature', 'expected a low-S signature with an n field, got high-S');
    }
    let ok: boolean;
    try {
      ok = secp256k1.verify(sigBytes.subarray(0, 64), hash, n, { prehash: false, lowS: true });
    } catch {
      ok = false; // n is not a valid point
    }
    if (!ok) {
      throw new Bolt11Error('invalid_signature', `signature does not verify against the n field ${toHex(n)}`);
    }
    return toHex(n);
  }
  // Without `n`, high-S is accepted. The recovery id is taken to describe the low-S form of the
  // signature (what libsecp256k1 signers emit): the spec's "Public-key recovery with high-S
  // signature" example keeps recid 1 with s negated, and must still recover the payee.
  const normalized = sig.hasHighS() ? new secp256k1.Signature(sig.r, secp256k1.Point.Fn.neg(sig.s)) : sig;
  try {
    return toHex(normalized.addRecoveryBit(recoveryFlag).recoverPublicKey(hash).toBytes(true));
  } catch {
    throw new Bolt11Error('invalid_signature', 'expected a recoverable signature, recovery failed');
  }
}

/**
 * Decodes a BOLT11 payment request and checks its signature. Accepts all-upper-case input and a
 * `lightning:` prefix.
 * @param request - the payment request, e.g. `'lnbcrt2500u1p…'`.
 * @returns the fields, with defaults applied (expiry 3600 s, min_final_cltv_expiry 18) and the payee key.
 * @throws Bolt11Error with a `reason` naming the failure, e.g. `'invalid_checksum'`, `'mixed_case'`,
 *   `'unknown_network'`, `'invalid_multiplier'`, `'sub_msat_precision'`, `'invalid_signature'`,
 *   `'missing_payment_hash'`, `'missing_payment_secret'`, `'unknown_required_feature'`, `'too_long'`.
 * @example
 * const invoice = decodeBolt11(paymentRequest);
 * if (invoice.amountMsat === null) throw new Error('amount required');
 */
export function decodeBolt11(request: string): DecodedBolt11 {
  if (typeof request !== 'string') {
    throw new Bolt11Error('not_a_string', `expected a string, got ${request === null ? 'null' : typeof request}`);
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

  const hash = signingHash(hrp, dataWords);
  const payeeNodeKey = payeeKey(sigBytes, recoveryFlag, hash, tags.payeeNodeKey);
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
export function isBolt11Expired(decoded: DecodedBolt11, nowMs: number): boolean {
  return nowMs >= decoded.expiresAt.getTime();
}
