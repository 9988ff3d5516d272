import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { Bolt11Error, ValidationError } from '../errors.js';
import { parseBech32, toHex } from './bech32.js';
import { decodeBolt11, SIGNATURE_WORDS } from './decode.js';
import { encodeBolt11, signBolt11Words } from './encode.js';
import { SPEC_PAYEE, SPEC_PRIVATE_KEY, SPEC_VECTORS } from './fixtures/spec-vectors.js';
import { bolt11NetworkToLnd } from './networks.js';
import type { Bolt11Fields, Bolt11Network, DecodedBolt11 } from './types.js';

const valid = SPEC_VECTORS.filter((v) => v.valid);
const KEY = SPEC_PRIVATE_KEY;
const OTHER_KEY = '11'.repeat(32);
const hex32 = (byte: string): string => byte.repeat(32);

/** The decoded fields that an encoder controls (no signature, no skipped fields). */
function fieldsOf(d: DecodedBolt11): Bolt11Fields {
  return {
    network: d.network,
    amountMsat: d.amountMsat,
    timestamp: d.timestamp,
    paymentHash: d.paymentHash,
    ...(d.paymentSecret === null ? {} : { paymentSecret: d.paymentSecret }),
    ...(d.description === null ? {} : { description: d.description }),
    ...(d.descriptionHash === null ? {} : { descriptionHash: d.descriptionHash }),
    ...(d.expirySeconds === 3600 ? {} : { expirySeconds: d.expirySeconds }),
    ...(d.minFinalCltvExpiry === 18 ? {} : { minFinalCltvExpiry: d.minFinalCltvExpiry }),
    fallbackAddresses: d.fallbackAddresses,
    routeHints: d.routeHints,
    features: d.featureBits,
    ...(d.metadata === null ? {} : { metadata: d.metadata }),
  };
}

function comparable(d: DecodedBolt11): Partial<DecodedBolt11> {
  const { paymentRequest: _p, signature: _s, recoveryFlag: _r, unknownTags: _u, ...rest } = d;
  return rest;
}

describe('signing: the spec examples re-signed with the spec key (RFC 6979)', () => {
  // Every valid example except the high-S one was signed deterministically with low-S, so
  // signing the same hrp + data words must reproduce the string byte for byte.
  const lowS = valid.filter((v) => !v.description.includes('high-S'));
  it.each(lowS.map((v) => [v.description, v.invoice] as const))('%s', (_h, invoice) => {
    const { hrp, words } = parseBech32(invoice);
    expect(signBolt11Words(hrp, words.slice(0, -SIGNATURE_WORDS), KEY)).toBe(invoice.toLowerCase());
  });

  it('re-signing the high-S example gives the low-S donation example', () => {
    const high = valid.find((v) => v.description.includes('high-S'))!;
    const { hrp, words } = parseBech32(high.invoice);
    expect(signBolt11Words(hrp, words.slice(0, -SIGNATURE_WORDS), KEY)).toBe(valid[0]!.invoice);
  });
});

describe('encodeBolt11: re-encoding each spec example from its decoded fields', () => {
  // Our field order is s, p, d|h, m, n, x, c, f, r, 9; examples written in that order come back
  // byte-identical, the others decode to the same fields.
  const sameOrder = new Set([0, 1, 2, 3, 5, 9]);
  it.each(valid.map((v, i) => [v.description, v.invoice, i] as const))('%s', (_h, invoice, i) => {
    const original = decodeBolt11(invoice);
    const encoded = encodeBolt11(fieldsOf(original), KEY);
    const again = decodeBolt11(encoded);
    expect(comparable(again)).toEqual(comparable(original));
    expect(again.payeeNodeKey).toBe(SPEC_PAYEE);
    if (sameOrder.has(i)) expect(encoded).toBe(invoice.toLowerCase());
    else expect(encoded).not.toBe(invoice.toLowerCase());
  });
});

describe('encodeBolt11 → decodeBolt11 round trip', () => {
  const pubkey = toHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true));
  const base: Bolt11Fields = {
    network: 'bc',
    timestamp: 1_700_000_000,
    paymentHash: hex32('ab'),
    paymentSecret: hex32('cd'),
    description: 'coffee ☕',
    expirySeconds: 86_400,
    minFinalCltvExpiry: 80,
    features: [8, 14, 17, 25],
  };
  const networks: Bolt11Network[] = ['bc', 'tb', 'tbs', 'bcrt'];
  const cases: [string, Partial<Bolt11Fields>][] = [
    ['no amount', { amountMsat: null }],
    ['1 msat', { amountMsat: 1n }],
    ['2500u', { amountMsat: 250_000_000n }],
    ['21M BTC', { amountMsat: 2_100_000_000_000_000_000n }],
    ['odd msat', { amountMsat: 123_456_789n }],
    ['description hash', { description: undefined, descriptionHash: toHex(sha256(new Uint8Array([1, 2, 3]))) }],
    ['empty description', { description: '' }],
    [
      'two route hints',
      {
        routeHints: [
          [
            {
              pubkey,
              shortChannelId: '18446744073709551615',
              feeBaseMsat: 4294967295,
              feeProportionalMillionths: 0,
              cltvExpiryDelta: 65535,
            },
          ],
          [
            { pubkey, shortChannelId: '1', feeBaseMsat: 1000, feeProportionalMillionths: 1, cltvExpiryDelta: 40 },
            {
              pubkey,
              shortChannelId: '829239677321789441',
              feeBaseMsat: 0,
              feeProportionalMillionths: 2500,
              cltvExpiryDelta: 144,
            },
          ],
        ],
      },
    ],
    ['no features, no x, no c', { features: [], expirySeconds: undefined, minFinalCltvExpiry: undefined }],
    ['high feature bits', { features: [8, 14, 17, 48, 99, 255] }],
    ['metadata', { metadata: '01fafaf0' }],
    ['zero expiry', { expirySeconds: 0 }],
    [
      'fallbacks',
      {
        fallbackAddresses: [
          { version: 0, hex: hex32('00').slice(0, 40) },
          { version: 18, hex: hex32('01').slice(0, 40) },
        ],
      },
    ],
  ];

  for (const network of networks) {
    it.each(cases)(`${network}: %s`, (_name, extra) => {
      const fields: Bolt11Fields = { ...base, network, ...extra };
      const d = decodeBolt11(encodeBolt11(fields, KEY));
      expect(d.network).toBe(network);
      expect(d.prefix.startsWith(`ln${network}`)).toBe(true);
      expect(d.amountMsat).toBe(fields.amountMsat ?? null);
      expect(d.timestamp).toBe(fields.timestamp);
      expect(d.paymentHash).toBe(fields.paymentHash);
      expect(d.paymentSecret).toBe(fields.paymentSecret);
      expect(d.description).toBe(fields.description ?? null);
      expect(d.descriptionHash).toBe(fields.descriptionHash ?? null);
      expect(d.expirySeconds).toBe(fields.expirySeconds ?? 3600);
      expect(d.minFinalCltvExpiry).toBe(fields.minFinalCltvExpiry ?? 18);
      expect(d.routeHints).toEqual(fields.routeHints ?? []);
      expect(d.featureBits).toEqual(fields.features ?? []);
      expect(d.metadata).toBe(fields.metadata ?? null);
      expect(d.fallbackAddresses.map((f) => ({ version: f.version, hex: f.hex }))).toEqual(
        fields.fallbackAddresses ?? [],
      );
      expect(d.payeeNodeKey).toBe(SPEC_PAYEE);
      expect(d.hasPayeeNodeKeyField).toBe(false);
      expect(d.unknownTags).toEqual([]);
    });
  }

  it('writes n when asked and verifies the signature against it', () => {
    const d = decodeBolt11(encodeBolt11({ ...base, includePayeeNodeKey: true }, OTHER_KEY));
    expect(d.hasPayeeNodeKeyField).toBe(true);
    expect(d.payeeNodeKey).toBe(toHex(secp256k1.getPublicKey(Buffer.from(OTHER_KEY, 'hex'), true)));
  });

  it('rejects an n field that does not match the signer', () => {
    const withN = encodeBolt11({ ...base, includePayeeNodeKey: true }, OTHER_KEY);
    const { hrp, words } = parseBech32(withN);
    const forged = signBolt11Words(hrp, words.slice(0, -SIGNATURE_WORDS), KEY);
    expect(() => decodeBolt11(forged)).toThrow(Bolt11Error);
    try {
      decodeBolt11(forged);
    } catch (err) {
      expect((err as Bolt11Error).reason).toBe('invalid_signature');
    }
  });

  it('rejects an n field that is not a valid public key', () => {
    const { hrp, words } = parseBech32(encodeBolt11(base, KEY));
    const data = words.slice(0, -SIGNATURE_WORDS);
    const n = [19, 1, 21, ...new Array<number>(53).fill(0)]; // n, data_length 53, 33 zero bytes
    const forged = signBolt11Words(hrp, [...data, ...n], KEY);
    expect(() => decodeBolt11(forged)).toThrowError(expect.objectContaining({ reason: 'invalid_signature' }));
  });

  it('accepts a private key as bytes or hex, and upper-case hex fields', () => {
    const a = encodeBolt11(base, KEY);
    const b = encodeBolt11({ ...base, paymentHash: hex32('AB') }, Buffer.from(KEY, 'hex'));
    expect(b).toBe(a);
  });
});

describe('encodeBolt11: bad fields', () => {
  const ok: Bolt11Fields = {
    network: 'bcrt',
    timestamp: 1,
    paymentHash: hex32('00'),
    paymentSecret: hex32('01'),
    description: 'x',
  };
  const hop = {
    pubkey: `02${hex32('03')}`,
    shortChannelId: '1',
    feeBaseMsat: 0,
    feeProportionalMillionths: 0,
    cltvExpiryDelta: 0,
  };
  it.each<[string, Partial<Record<keyof Bolt11Fields, unknown>>, string]>([
    ['unknown network', { network: 'sb' }, 'network'],
    ['zero amount', { amountMsat: 0n }, 'amountMsat'],
    ['number amount', { amountMsat: 1000 }, 'amountMsat'],
    ['amount over 21M BTC', { amountMsat: 2_100_000_000_000_000_001n }, 'amountMsat'],
    ['negative timestamp', { timestamp: -1 }, 'timestamp'],
    ['fractional timestamp', { timestamp: 1.5 }, 'timestamp'],
    ['timestamp over 35 bits', { timestamp: 2 ** 35 }, 'timestamp'],
    ['short payment hash', { paymentHash: '00' }, 'paymentHash'],
    ['non-hex payment hash', { paymentHash: 'zz'.repeat(32) }, 'paymentHash'],
    ['missing payment secret', { paymentSecret: undefined }, 'paymentSecret'],
    ['both descriptions', { descriptionHash: hex32('00') }, 'description'],
    ['no description', { description: undefined }, 'description'],
    ['description over 639 bytes', { description: 'x'.repeat(640) }, 'description'],
    ['negative expiry', { expirySeconds: -1 }, 'expirySeconds'],
    ['expiry over 2^40', { expirySeconds: 2 ** 40 }, 'expirySeconds'],
    ['fallback version 19', { fallbackAddresses: [{ version: 19, hex: '00' }] }, 'fallbackAddresses[0].version'],
    ['empty route', { routeHints: [[]] }, 'routeHints[0]'],
    ['bad hop pubkey', { routeHints: [[{ ...hop, pubkey: '02' }]] }, 'routeHints[0][0].pubkey'],
    [
      'scid over uint64',
      { routeHints: [[{ ...hop, shortChannelId: '18446744073709551616' }]] },
      'routeHints[0][0].shortChannelId',
    ],
    ['scid not decimal', { routeHints: [[{ ...hop, shortChannelId: '1x2x3' }]] }, 'routeHints[0][0].shortChannelId'],
    ['fee over uint32', { routeHints: [[{ ...hop, feeBaseMsat: 2 ** 32 }]] }, 'routeHints[0][0].feeBaseMsat'],
    ['cltv over uint16', { routeHints: [[{ ...hop, cltvExpiryDelta: 65536 }]] }, 'routeHints[0][0].cltvExpiryDelta'],
    ['13 hops in one route', { routeHints: [new Array(13).fill(hop)] }, 'routeHints[0]'],
    ['negative feature bit', { features: [-1] }, 'features[0]'],
    ['odd-length metadata', { metadata: 'abc' }, 'metadata'],
  ])('%s', (_name, change, field) => {
    const fields = { ...ok, ...change } as Bolt11Fields;
    let caught: unknown;
    try {
      encodeBolt11(fields, KEY);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe(field);
    expect((caught as ValidationError).message).toMatch(/expected/);
  });

  it.each([
    ['too short', new Uint8Array(31)],
    ['zero', new Uint8Array(32)],
    ['not hex', 'zz'.repeat(32)],
    ['above the curve order', 'ff'.repeat(32)],
  ])('rejects a private key that is %s, without echoing it', (_name, key) => {
    expect(() => encodeBolt11(ok, key)).toThrow(ValidationError);
    try {
      encodeBolt11(ok, key);
    } catch (err) {
      expect((err as Error).message).not.toContain(typeof key === 'string' ? key : 'zz');
    }
  });
});

describe('bolt11NetworkToLnd', () => {
  it.each([
    ['bc', 'mainnet'],
    ['tb', 'testnet'],
    ['tbs', 'signet'],
    ['bcrt', 'regtest'],
  ] as const)('%s → %s', (network, lnd) => {
    expect(bolt11NetworkToLnd(network)).toBe(lnd);
  });
});
