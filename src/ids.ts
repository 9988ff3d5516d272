/**
 * Ids: a prefix and 26 Crockford base32 characters, time-ordered (ULID layout).
 */
import { nodeCrypto } from './node-crypto.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A source of random numbers in [0, 1), like `Math.random`. lnkit's default is the operating
 * system's CSPRNG; a seeded source (a simulation) makes ids, jitter and generated preimages reproducible.
 */
export type RandomSource = () => number;

/** `length` random bytes from `random`, or from the CSPRNG when `random` is undefined. */
export function randomBytesFrom(length: number, random?: RandomSource): Uint8Array {
  if (!random) return nodeCrypto().randomBytes(length);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256) & 0xff;
  return bytes;
}

/**
 * CSPRNG bytes for ids, drawn 4 KiB at a time: one `randomBytes(16)` per id cost more than the
 * rest of a settlement's bookkeeping. Lazily allocated (nothing at import time); each byte is used once.
 */
const POOL_SIZE = 4096;
let pool: Buffer | null = null;
let poolOffset = POOL_SIZE;

/** Writes the 16 random characters of an id from the CSPRNG pool. */
function pooledRandomPart(): string {
  if (poolOffset + 16 > POOL_SIZE) {
    pool ??= Buffer.allocUnsafe(POOL_SIZE);
    nodeCrypto().randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool!;
  let rand = '';
  for (let i = poolOffset, end = poolOffset + 16; i < end; i++) rand += ALPHABET[bytes[i]! & 31];
  poolOffset += 16;
  return rand;
}

/** A new time-ordered id like `inv_01j…`; the random part comes from `random` when given. */
export function newId(prefix: string, nowMs: number = Date.now(), random?: RandomSource): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (!random) return `${prefix}_${time}${pooledRandomPart()}`;
  const bytes = randomBytesFrom(16, random);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
}
