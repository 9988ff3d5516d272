/**
 * `node:crypto`, loaded on first use (see src/node-crypto.ts, which this copies: webhooks/ imports
 * nothing outside itself, so the lnkit/webhooks bundle stays self-contained). Importing
 * lnkit/webhooks or lnkit then does not pay the ~7 ms of loading it until a webhook is signed or verified.
 */
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');

let loaded: NodeCrypto | undefined;

/** The `node:crypto` module, required on the first call. */
export function nodeCrypto(): NodeCrypto {
  return (loaded ??= createRequire(import.meta.url)('node:crypto') as NodeCrypto);
}
