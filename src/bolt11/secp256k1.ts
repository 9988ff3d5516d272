/**
 * The secp256k1 operations BOLT11 needs (recover, verify, sign), on the fastest backend this
 * process can load, chosen once on first use:
 *   1. libsecp256k1 through the `secp256k1` native binding (an optional dependency with prebuilt
 *      binaries for the common platforms; ~10× noble on recovery);
 *   2. `tiny-secp256k1` (libsecp256k1 compiled to WebAssembly) when the host installed it and this
 *      Node can `require` an ES module;
 *   3. @noble/curves (pure JavaScript, always there).
 * Every backend sees only well-formed input: r and s are range-checked, high-S normalised and the
 * recovery id bounded by the caller, so they agree on every answer (test: secp256k1.test.ts).
 */
import { createRequire } from 'node:module';
import { secp256k1 as noble } from '@noble/curves/secp256k1.js';

/** One implementation of the operations. */
export interface Secp256k1Backend {
  readonly name: 'libsecp256k1' | 'tiny-secp256k1' | 'noble';
  /** The compressed public key that signed `hash` with low-S `sig` (r‖s) and `recid`, or null. */
  recover(sig: Uint8Array, recid: number, hash: Uint8Array): Uint8Array | null;
  /** True when low-S `sig` over `hash` verifies against `publicKey`; false also for an invalid key. */
  verify(sig: Uint8Array, hash: Uint8Array, publicKey: Uint8Array): boolean;
  /** RFC 6979 deterministic low-S signature of `hash` with its recovery id. */
  sign(hash: Uint8Array, secretKey: Uint8Array): { readonly signature: Uint8Array; readonly recid: number };
  /** The compressed public key of `secretKey`. */
  publicKey(secretKey: Uint8Array): Uint8Array;
}

/** The native binding's low-level API (`secp256k1/lib/index.js` over `node-gyp-build`). */
interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, publicKey: Uint8Array): boolean;
  ecdsaSign(msg32: Uint8Array, secretKey: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(secretKey: Uint8Array, compressed: boolean): Uint8Array;
}

/** tiny-secp256k1 2.x. */
interface TinySecp256k1 {
  recover(hash: Uint8Array, sig: Uint8Array, recid: 0 | 1 | 2 | 3, compressed: boolean): Uint8Array | null;
  verify(hash: Uint8Array, publicKey: Uint8Array, sig: Uint8Array, strict?: boolean): boolean;
  signRecoverable(hash: Uint8Array, secretKey: Uint8Array): { signature: Uint8Array; recoveryId: number };
  pointFromScalar(secretKey: Uint8Array, compressed: boolean): Uint8Array | null;
  isPoint(p: Uint8Array): boolean;
}

/** The pure-JavaScript fallback. */
export const nobleBackend: Secp256k1Backend = {
  name: 'noble',
  recover(sig, recid, hash) {
    try {
      return noble.Signature.fromBytes(sig, 'compact').addRecoveryBit(recid).recoverPublicKey(hash).toBytes(true);
    } catch {
      return null;
    }
  },
  verify(sig, hash, publicKey) {
    try {
      return noble.verify(sig, hash, publicKey, { prehash: false, lowS: true });
    } catch {
      return false;
    }
  },
  sign(hash, secretKey) {
    const recovered = noble.sign(hash, secretKey, { prehash: false, lowS: true, format: 'recovered' });
    return { signature: recovered.subarray(1), recid: recovered[0] as number };
  },
  publicKey: (secretKey) => noble.getPublicKey(secretKey, true),
};

function nativeBackend(lib: NativeSecp256k1): Secp256k1Backend {
  return {
    name: 'libsecp256k1',
    recover(sig, recid, hash) {
      try {
        return lib.ecdsaRecover(sig, recid, hash, true);
      } catch {
        return null;
      }
    },
    verify(sig, hash, publicKey) {
      try {
        return lib.ecdsaVerify(sig, hash, publicKey);
      } catch {
        return false; // not a valid point
      }
    },
    sign(hash, secretKey) {
      const { signature, recid } = lib.ecdsaSign(hash, secretKey);
      return { signature, recid };
    },
    publicKey: (secretKey) => lib.publicKeyCreate(secretKey, true),
  };
}

function tinyBackend(lib: TinySecp256k1): Secp256k1Backend {
  return {
    name: 'tiny-secp256k1',
    recover(sig, recid, hash) {
      try {
        return lib.recover(hash, sig, recid as 0 | 1 | 2 | 3, true);
      } catch {
        return null;
      }
    },
    verify(sig, hash, publicKey) {
      try {
        return lib.isPoint(publicKey) && lib.verify(hash, publicKey, sig, true);
      } catch {
        return false;
      }
    },
    sign(hash, secretKey) {
      const { signature, recoveryId } = lib.signRecoverable(hash, secretKey);
      return { signature, recid: recoveryId };
    },
    publicKey(secretKey) {
      const point = lib.pointFromScalar(secretKey, true);
      if (point === null) throw new Error('invalid secret key');
      return point;
    },
  };
}

/** Where the candidates are found: this module's location (src/ or dist/). */
type Loader = (id: string) => unknown;

/** Loads the named backend, or null when it is not installed or does not load here. */
export function loadBackend(
  name: Secp256k1Backend['name'],
  load: Loader = createRequire(import.meta.url),
): Secp256k1Backend | null {
  try {
    if (name === 'libsecp256k1') {
      // `secp256k1/bindings` is the native build only; the package root would fall back to elliptic.js.
      return nativeBackend(load('secp256k1/bindings') as NativeSecp256k1);
    }
    if (name === 'tiny-secp256k1') return tinyBackend(load('tiny-secp256k1') as TinySecp256k1);
    return nobleBackend;
  } catch {
    return null;
  }
}

let chosen: Secp256k1Backend | undefined;

/** The backend in use: the first of libsecp256k1, tiny-secp256k1, noble that loads (decided on first call). */
export function secp256k1Backend(): Secp256k1Backend {
  chosen ??= loadBackend('libsecp256k1') ?? loadBackend('tiny-secp256k1') ?? nobleBackend;
  return chosen;
}

/** @internal Pins the backend (tests and the bench compare them); `undefined` restores automatic choice. */
export function useSecp256k1Backend(backend: Secp256k1Backend | undefined): void {
  chosen = backend;
}
