/**
 * `node:crypto`, loaded on first use. Loading it costs a cold process about 7 ms, a quarter of the
 * root entry's import budget (#15), while most imports of lnkit hash, sign or draw random bytes only
 * once a service runs. Nothing else is lazy about it: the module is required once, synchronously.
 */
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');

let loaded: NodeCrypto | undefined;

/** The `node:crypto` module, required on the first call. */
export function nodeCrypto(): NodeCrypto {
  return (loaded ??= createRequire(import.meta.url)('node:crypto') as NodeCrypto);
}
