/**
 * Bech32 framing for BOLT11: the string checks that give each failure its own reason, and the
 * 5-bit ⇄ 8-bit conversions BOLT11 needs (which differ in padding from BIP-173 addresses).
 */
import { bech32 } from '@scure/base';
import { Bolt11Error } from '../errors.js';

/** LND's cap on a payment request's length (`zpay32/invoice.go`). */
export const MAX_REQUEST_LENGTH = 7089;

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** The human-readable part and the data words (checksum removed) of a bech32 string. */
export interface Bech32Parts {
  readonly hrp: string;
  readonly words: number[];
  readonly lowered: string;
}

/** Parses and checksums a bech32 string with no length limit beyond {@link MAX_REQUEST_LENGTH}. */
export function parseBech32(input: string): Bech32Parts {
  if (input.length > MAX_REQUEST_LENGTH) {
    throw new Bolt11Error('too_long', `expected at most ${MAX_REQUEST_LENGTH} characters, got ${input.length}`);
  }
  let hasLower = false;
  let hasUpper = false;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c < 33 || c > 126) {
      throw new Bolt11Error('invalid_character', `expected printable ASCII, got code ${c} at position ${i}`);
    }
    if (c >= 97 && c <= 122) hasLower = true;
    else if (c >= 65 && c <= 90) hasUpper = true;
  }
  if (hasLower && hasUpper) {
    throw new Bolt11Error('mixed_case', 'expected all lower case or all upper case, got mixed case');
  }
  const lowered = input.toLowerCase();
  const sep = lowered.lastIndexOf('1');
  if (sep < 1) {
    throw new Bolt11Error('missing_separator', 'expected a human-readable part followed by the separator "1"');
  }
  const data = lowered.slice(sep + 1);
  if (data.length < 6) {
    throw new Bolt11Error('too_short', `expected at least a 6-character checksum after "1", got ${data.length}`);
  }
  const words: number[] = new Array<number>(data.length - 6);
  for (let i = 0; i < data.length; i++) {
    const w = CHARSET.indexOf(data.charAt(i));
    if (w === -1) {
      throw new Bolt11Error(
        'invalid_character',
        `expected a bech32 character, got "${data.charAt(i)}" at position ${sep + 1 + i}`,
      );
    }
    if (i < words.length) words[i] = w;
  }
  if (bech32.decodeUnsafe(lowered, false) === undefined) {
    throw new Bolt11Error('invalid_checksum', 'bech32 checksum does not match');
  }
  return { hrp: lowered.slice(0, sep), words, lowered };
}

/** Encodes hrp + words as bech32 (lower case, no 90-character limit). */
export function encodeBech32(hrp: string, words: readonly number[]): string {
  return bech32.encode(hrp, [...words], false);
}

/**
 * 5-bit words → bytes. With `pad`, a final partial byte is zero-filled (the signing preimage);
 * without it, leftover bits (< 8) are dropped (field data, as LND and the spec's readers do).
 */
export function wordsToBytes(words: readonly number[], pad: boolean): Uint8Array {
  const out = new Uint8Array(pad ? Math.ceil((words.length * 5) / 8) : Math.floor((words.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (const w of words) {
    acc = ((acc << 5) | w) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  if (pad && bits > 0) out[j] = (acc << (8 - bits)) & 0xff;
  return out;
}

/** Bytes → 5-bit words, zero-padding the last word. */
export function bytesToWords(bytes: Uint8Array): number[] {
  return bech32.toWords(bytes);
}

/** Big-endian words → unsigned integer. */
export function wordsToBigInt(words: readonly number[]): bigint {
  let v = 0n;
  for (const w of words) v = (v << 5n) | BigInt(w);
  return v;
}

/** Unsigned integer → the fewest big-endian words (at least one unless `minWords` is 0 and value is 0). */
export function bigIntToWords(value: bigint, minWords = 0): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0n) {
    out.unshift(Number(v & 31n));
    v >>= 5n;
  }
  while (out.length < minWords) out.unshift(0);
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Hex → bytes, or `undefined` when not even-length hex. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
