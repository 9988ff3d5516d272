import { bech32 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bolt11Error } from '../errors.js';
import { parseBech32 } from './bech32.js';
import { decodeBolt11 } from './decode.js';
import { encodeBolt11 } from './encode.js';
import { SPEC_PRIVATE_KEY, SPEC_VECTORS } from './fixtures/spec-vectors.js';
import type { Bolt11Fields } from './types.js';

const RUNS = 500;
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const valid = SPEC_VECTORS.filter((v) => v.valid).map((v) => v.invoice);

/** Decodes, and fails the property unless it returned or threw a Bolt11Error. */
function decodesOrThrowsBolt11Error(input: string): true {
  try {
    decodeBolt11(input);
  } catch (err) {
    if (!(err instanceof Bolt11Error))
      throw new Error(`non-Bolt11Error for ${JSON.stringify(input.slice(0, 120))}`, { cause: err });
  }
  return true;
}

type Mutation = { kind: 'flip' | 'insert' | 'delete'; at: number; char: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete'),
  at: fc.nat(),
  char: fc.oneof(fc.constantFrom(...CHARSET, '1', 'B', 'O', ' ', 'é'), fc.string({ minLength: 1, maxLength: 1 })),
});

function mutate(s: string, m: Mutation): string {
  const at = m.at % (s.length + 1);
  if (m.kind === 'insert') return s.slice(0, at) + m.char + s.slice(at);
  if (m.kind === 'delete') return s.slice(0, at) + s.slice(at + 1);
  return s.slice(0, at) + m.char + s.slice(at + 1);
}

describe('decodeBolt11 never throws anything but Bolt11Error', () => {
  it('on random strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })),
        decodesOrThrowsBolt11Error,
      ),
      { numRuns: RUNS },
    );
  });

  it('on random bech32-shaped strings', () => {
    const body = fc.array(fc.constantFrom(...CHARSET), { maxLength: 1500 }).map((a) => a.join(''));
    const hrp = fc.constantFrom('lnbc', 'lntb', 'lntbs', 'lnbcrt', 'lnbc2500u', 'lnbc10p', 'lnsb', 'ln', 'lnbc0');
    fc.assert(
      fc.property(hrp, body, (h, b) => decodesOrThrowsBolt11Error(`${h}1${b}`)),
      { numRuns: RUNS },
    );
  });

  it('on spec examples with flipped, inserted or deleted characters', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 4 }), (inv, ms) =>
        decodesOrThrowsBolt11Error(ms.reduce(mutate, inv)),
      ),
      { numRuns: RUNS },
    );
  });

  // Random edits almost always break the checksum; re-checksumming drives the fuzz into the
  // tag, amount and signature parsers.
  it('on spec examples with mutated data words and a valid checksum', () => {
    const edit = fc.record({
      at: fc.nat(),
      word: fc.integer({ min: 0, max: 31 }),
      kind: fc.constantFrom('set', 'insert', 'delete'),
    });
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(edit, { minLength: 1, maxLength: 6 }), (inv, edits) => {
        const { hrp, words } = parseBech32(inv);
        const w = [...words];
        for (const e of edits) {
          const at = e.at % (w.length + 1);
          if (e.kind === 'insert') w.splice(at, 0, e.word);
          else if (e.kind === 'delete') w.splice(at, 1);
          else w[Math.min(at, w.length - 1)] = e.word;
        }
        return decodesOrThrowsBolt11Error(bech32.encode(hrp, w, false));
      }),
      { numRuns: RUNS },
    );
  });

  it('on re-checksummed random hrp amounts', () => {
    const { words } = parseBech32(valid[0]!);
    const amount = fc.string({ unit: fc.constantFrom(...'0123456789munpx.-'), maxLength: 40 });
    fc.assert(
      fc.property(amount, (a) => decodesOrThrowsBolt11Error(bech32.encode(`lnbc${a}`, words, false))),
      { numRuns: RUNS },
    );
  });

  it('rejects over-long input as too_long before scanning it', () => {
    for (const n of [7090, 100_000, 5_000_000]) {
      expect(() => decodeBolt11(`lnbc1${'q'.repeat(n)}`)).toThrow(expect.objectContaining({ reason: 'too_long' }));
    }
  });

  it('handles a maximum-length (7089 character) string (a hang would trip the test timeout)', () => {
    const words = new Array<number>(7089 - 'lnbc1'.length - 6).fill(0);
    const input = bech32.encode('lnbc', words, false);
    expect(input).toHaveLength(7089);
    expect(decodesOrThrowsBolt11Error(input)).toBe(true);
  });
});

describe('encodeBolt11 → decodeBolt11 for arbitrary fields', () => {
  const hex = (bytes: number) =>
    fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
  const hop = fc.record({
    pubkey: hex(33),
    shortChannelId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
    feeBaseMsat: fc.integer({ min: 0, max: 0xffffffff }),
    feeProportionalMillionths: fc.integer({ min: 0, max: 0xffffffff }),
    cltvExpiryDelta: fc.integer({ min: 0, max: 0xffff }),
  });
  const fields: fc.Arbitrary<Bolt11Fields> = fc.record({
    network: fc.constantFrom('bc', 'tb', 'tbs', 'bcrt'),
    amountMsat: fc.option(fc.bigInt({ min: 1n, max: 2_100_000_000_000_000_000n }), { nil: null }),
    timestamp: fc.integer({ min: 0, max: 2 ** 35 - 1 }),
    paymentHash: hex(32),
    paymentSecret: hex(32),
    description: fc.string({ maxLength: 150 }),
    expirySeconds: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
    minFinalCltvExpiry: fc.integer({ min: 0, max: 100_000 }),
    routeHints: fc.array(fc.array(hop, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
    features: fc
      .uniqueArray(fc.constantFrom(8, 9, 14, 15, 16, 17, 25, 31, 49, 99, 101, 255), { maxLength: 6 })
      .map((a) => [...a].sort((x, y) => x - y)),
  });

  it('round-trips every field exactly', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const d = decodeBolt11(encodeBolt11(f, SPEC_PRIVATE_KEY));
        expect({
          network: d.network,
          amountMsat: d.amountMsat,
          timestamp: d.timestamp,
          paymentHash: d.paymentHash,
          paymentSecret: d.paymentSecret,
          description: d.description,
          expirySeconds: d.expirySeconds,
          minFinalCltvExpiry: d.minFinalCltvExpiry,
          routeHints: d.routeHints,
          features: d.featureBits,
        }).toEqual(f);
      }),
      { numRuns: 200 },
    );
  });
});
