import { afterEach, describe, expect, it } from 'vitest';
import { Bolt11Error, ValidationError } from '../errors.js';
import { encodeBech32, parseBech32 } from './bech32.js';
import { decodeBolt11 } from './decode.js';
import { encodeBolt11 } from './encode.js';
import { EXPECTED_REASON, SPEC_PAYEE, SPEC_VECTORS } from './fixtures/spec-vectors.js';
import {
  loadBackend,
  nobleBackend,
  secp256k1Backend,
  useSecp256k1Backend,
  type Secp256k1Backend,
} from './secp256k1.js';

afterEach(() => useSecp256k1Backend(undefined));

const native = loadBackend('libsecp256k1');
const tiny = loadBackend('tiny-secp256k1');
const backends = [native, tiny, nobleBackend].filter((b): b is Secp256k1Backend => b !== null);

const KEY = 'e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734';
const fields = {
  network: 'bc',
  amountMsat: 22_806_000n,
  timestamp: 1_700_000_000,
  paymentHash: '11'.repeat(32),
  paymentSecret: '22'.repeat(32),
  description: 'order 42',
  expirySeconds: 3600,
  minFinalCltvExpiry: 80,
  features: [8, 14, 17],
} as const;

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Bolt11Error);
    return (error as Bolt11Error).reason;
  }
  throw new Error('expected a Bolt11Error, nothing was thrown');
}

/** `request` with the last word of the signature's s changed (checksum recomputed). */
function tamperSignature(request: string): string {
  const { hrp, words } = parseBech32(request);
  const changed = [...words];
  const at = changed.length - 3;
  changed[at] = changed[at]! ^ 1;
  return encodeBech32(hrp, changed);
}

describe('secp256k1 backend choice', () => {
  it('loads the native libsecp256k1 binding here (the optional dependency ships linux-x64 binaries)', () => {
    if (process.platform === 'linux' && process.arch === 'x64') expect(native?.name).toBe('libsecp256k1');
    expect(secp256k1Backend().name).toBe(native ? 'libsecp256k1' : tiny ? 'tiny-secp256k1' : 'noble');
  });

  it('falls back when a candidate does not load', () => {
    const missing = (id: string): never => {
      throw new Error(`Cannot find module '${id}'`);
    };
    expect(loadBackend('libsecp256k1', missing)).toBeNull();
    expect(loadBackend('tiny-secp256k1', missing)).toBeNull();
    expect(loadBackend('noble', missing)).toBe(nobleBackend);
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('BOLT11 on %s', (_name, backend) => {
  it('judges all 26 spec examples as the spec does', () => {
    useSecp256k1Backend(backend);
    for (const v of SPEC_VECTORS) {
      if (v.valid) expect(decodeBolt11(v.invoice).payeeNodeKey, v.description).toBe(SPEC_PAYEE);
      else
        expect(
          reasonOf(() => decodeBolt11(v.invoice)),
          v.description,
        ).toBe(EXPECTED_REASON[v.description]);
    }
  });

  it('signs byte-for-byte as noble does (RFC 6979), with and without an n field', () => {
    useSecp256k1Backend(nobleBackend);
    const plain = encodeBolt11(fields, KEY);
    const withN = encodeBolt11({ ...fields, includePayeeNodeKey: true }, KEY);
    useSecp256k1Backend(backend);
    expect(encodeBolt11(fields, KEY)).toBe(plain);
    expect(encodeBolt11({ ...fields, includePayeeNodeKey: true }, KEY)).toBe(withN);
    expect(decodeBolt11(withN).payeeNodeKey).toBe(decodeBolt11(plain).payeeNodeKey);
  });

  it('rejects a tampered signature: against n (invalid_signature) and by recovering another key', () => {
    useSecp256k1Backend(backend);
    const withN = encodeBolt11({ ...fields, includePayeeNodeKey: true }, KEY);
    expect(reasonOf(() => decodeBolt11(tamperSignature(withN)))).toBe('invalid_signature');
    const plain = encodeBolt11(fields, KEY);
    const recovered = (() => {
      try {
        return decodeBolt11(tamperSignature(plain)).payeeNodeKey;
      } catch (error) {
        return (error as Bolt11Error).reason;
      }
    })();
    expect(recovered).not.toBe(decodeBolt11(plain).payeeNodeKey);
  });

  it('agrees with noble on recovery and verification for 32 keys and messages', () => {
    for (let i = 1; i <= 32; i++) {
      const secret = new Uint8Array(32).fill(i);
      const hash = new Uint8Array(32).fill(255 - i);
      const { signature, recid } = nobleBackend.sign(hash, secret);
      const publicKey = nobleBackend.publicKey(secret);
      expect(backend.publicKey(secret)).toEqual(publicKey);
      expect(backend.recover(signature, recid, hash)).toEqual(publicKey);
      expect(backend.verify(signature, hash, publicKey)).toBe(true);
      expect(backend.verify(signature, new Uint8Array(32).fill(i), publicKey)).toBe(false);
      expect(backend.verify(signature, hash, new Uint8Array(33).fill(2))).toBe(false); // not a point
    }
  });
});

describe('decodeBolt11(s, { verify: false })', () => {
  const throwing: Secp256k1Backend = {
    name: 'noble',
    recover: () => {
      throw new Error('recover called');
    },
    verify: () => {
      throw new Error('verify called');
    },
    sign: () => {
      throw new Error('sign called');
    },
    publicKey: () => {
      throw new Error('publicKey called');
    },
  };

  it('computes no payee key: the same fields, payeeNodeKey null (no n) or the unchecked n', () => {
    const plain = encodeBolt11(fields, KEY);
    const withN = encodeBolt11({ ...fields, includePayeeNodeKey: true }, KEY);
    const full = decodeBolt11(withN);
    useSecp256k1Backend(throwing);
    const quick = decodeBolt11(plain, { verify: false });
    expect(quick.payeeNodeKey).toBeNull();
    expect(quick.amountMsat).toBe(22_806_000n);
    expect(quick.paymentHash).toBe('11'.repeat(32));
    expect(decodeBolt11(withN, { verify: false })).toEqual(full);
    // A tampered signature is not noticed: that is what "unverified" means.
    expect(decodeBolt11(tamperSignature(plain), { verify: false }).paymentHash).toBe('11'.repeat(32));
    expect(() => decodeBolt11(plain)).toThrow('recover called');
  });

  it('still rejects what is malformed without the curve (checksum, missing fields)', () => {
    useSecp256k1Backend(throwing);
    for (const v of SPEC_VECTORS.filter((x) => !x.valid)) {
      const reason = EXPECTED_REASON[v.description]!;
      if (reason.includes('signature')) continue;
      expect(
        reasonOf(() => decodeBolt11(v.invoice, { verify: false })),
        v.description,
      ).toBe(reason);
    }
  });

  it.each([
    ['null', null],
    ['a string', 'fast'],
    ['verify as a string', { verify: 'no' }],
    ['verify as a number', { verify: 0 }],
  ])('rejects options %s with a ValidationError', (_name, options) => {
    const plain = encodeBolt11(fields, KEY);
    expect(() => decodeBolt11(plain, options as never)).toThrow(ValidationError);
  });
});
