/**
 * Keys, hashes and hex helpers of the network model.
 */
import { createHash, randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { unknownError } from './rpc-error.js';

/** SHA-256 of a hex string's bytes, hex. */
export function sha256Hex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

/** SHA-256 of a UTF-8 string, hex. */
export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `n` random bytes, hex; from `random` (numbers in [0, 1)) when given, else the CSPRNG. */
export function randomHex(n = 32, random?: () => number): string {
  if (!random) return randomBytes(n).toString('hex');
  let hex = '';
  for (let i = 0; i < n; i++) hex += (Math.floor(random() * 256) & 0xff).toString(16).padStart(2, '0');
  return hex;
}

/** The default (deterministic) private key of a node named `name`. */
export function defaultPrivateKey(name: string): string {
  return sha256Text(`lnkit-sim-node:${name}`);
}

/** Public keys derived so far (every network derives the same default keys: alice, bob…). */
let derived: Map<string, string> | undefined;

/** Compressed public key (33 bytes hex) of a private key. */
export function publicKeyOf(privateKeyHex: string): string {
  derived ??= new Map();
  let key = derived.get(privateKeyHex);
  if (key === undefined) {
    key = Buffer.from(secp256k1.getPublicKey(Buffer.from(privateKeyHex, 'hex'), true)).toString('hex');
    if (derived.size < 1_000) derived.set(privateKeyHex, key);
  }
  return key;
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** True for an even-length lower/upper-case hex string. */
export function isHex(value: string): boolean {
  return HEX.test(value.toLowerCase());
}

/**
 * Validates a 32-byte hex value the way LND's `lntypes.MakeHash` does.
 * @throws {LndRpcError} UNKNOWN `invalid hash length of N, want 32`
 */
export function requireHash(value: string, what: 'hash' | 'preimage' = 'hash'): string {
  const hex = value.toLowerCase();
  const len = isHex(hex) ? hex.length / 2 : Math.floor(hex.length / 2);
  if (!isHex(hex) || len !== 32) {
    throw unknownError(
      what === 'hash' ? `invalid hash length of ${len}, want 32` : `invalid preimage length of ${len}, want 32`,
    );
  }
  return hex;
}

/** Byte length of a hex string (rounded down for odd or invalid input). */
export function hexByteLength(value: string): number {
  return Math.floor(value.length / 2);
}
