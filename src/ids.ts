/**
 * Ids: a prefix and 26 Crockford base32 characters, time-ordered (ULID layout).
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A source of random numbers in [0, 1), like `Math.random`. lnkit's default is the operating
 * system's CSPRNG; a seeded source (a simulation) makes ids, jitter and generated preimages reproducible.
 */
export type RandomSource = () => number;

/** `length` random bytes from `random`, or from the CSPRNG when `random` is undefined. */
export function randomBytesFrom(length: number, random?: RandomSource): Uint8Array {
  if (!random) return randomBytes(length);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256) & 0xff;
  return bytes;
}

/** A new time-ordered id like `inv_01j…`; the random part comes from `random` when given. */
export function newId(prefix: string, nowMs: number = Date.now(), random?: RandomSource): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytesFrom(16, random);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}
