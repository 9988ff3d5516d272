import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { Bolt11Error, isLightningError } from '../errors.js';
import { toHex } from './bech32.js';
import { decodeBolt11, isBolt11Expired } from './decode.js';
import { EXPECTED, EXPECTED_REASON, HASHED_DESCRIPTION, SPEC_PAYEE, SPEC_VECTORS } from './fixtures/spec-vectors.js';

const valid = SPEC_VECTORS.filter((v) => v.valid);
const invalid = SPEC_VECTORS.filter((v) => !v.valid);

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Bolt11Error);
    expect(isLightningError(err) && err.code).toBe('BOLT11_INVALID');
    return (err as Bolt11Error).reason;
  }
  throw new Error('expected a Bolt11Error, nothing was thrown');
}

describe('decodeBolt11: BOLT 11 spec valid examples', () => {
  it('has a breakdown for every valid example and an expected reason for every invalid one', () => {
    expect(valid).toHaveLength(16);
    expect(invalid).toHaveLength(10);
    for (const v of valid) expect(EXPECTED[v.description], v.description).toBeDefined();
    for (const v of invalid) expect(EXPECTED_REASON[v.description], v.description).toBeDefined();
  });

  it.each(valid.map((v) => [v.description, v.invoice] as const))('%s', (heading, invoice) => {
    const want = EXPECTED[heading]!;
    const got = decodeBolt11(invoice);
    expect(got.payeeNodeKey).toBe(SPEC_PAYEE);
    expect(got.paymentRequest).toBe(invoice.toLowerCase());
    expect(got.network).toBe(want.network);
    expect(got.prefix).toBe(invoice.toLowerCase().slice(0, invoice.lastIndexOf('1')));
    expect(got.amountMsat).toBe(want.amountMsat);
    expect(got.timestamp).toBe(want.timestamp);
    expect(got.paymentHash).toBe(want.paymentHash);
    expect(got.paymentSecret).toBe(want.paymentSecret);
    expect(got.description).toBe(want.description ?? null);
    expect(got.descriptionHash).toBe(
      want.descriptionHash === 'HASHED' ? toHex(sha256(new TextEncoder().encode(HASHED_DESCRIPTION))) : null,
    );
    expect(got.expirySeconds).toBe(want.expirySeconds);
    expect(got.expiresAt.getTime()).toBe((want.timestamp + want.expirySeconds) * 1000);
    expect(got.minFinalCltvExpiry).toBe(want.minFinalCltvExpiry);
    expect(got.fallbackAddresses).toHaveLength(want.fallbackAddresses.length);
    want.fallbackAddresses.forEach((f, i) => {
      expect(got.fallbackAddresses[i]).toMatchObject(f);
    });
    expect(got.routeHints).toEqual(want.routeHints);
    expect(got.featureBits).toEqual(want.featureBits);
    expect(Object.keys(got.features).map(Number)).toEqual(want.featureBits);
    expect(got.metadata).toBe(want.metadata);
    expect(got.hasPayeeNodeKeyField).toBe(false);
    if (want.signature) {
      expect(got.signature).toBe(want.signature.rs);
      expect(got.recoveryFlag).toBe(want.signature.recoveryFlag);
    }
    expect(got.unknownTags.map((t) => t.tag)).toEqual(want.unknownTagTypes ?? []);
  });

  it('names known features and marks even bits required (features 8, 14 and 99 example)', () => {
    const v = valid.find((x) => x.description.includes('features 8, 14 and 99'))!;
    expect(decodeBolt11(v.invoice).features).toEqual({
      8: { name: 'tlv-onion', isRequired: true },
      14: { name: 'payment-addr', isRequired: true },
      99: { isRequired: false },
    });
  });

  it('recovers the same payee from the high-S example as from the low-S donation example', () => {
    const [low, high] = [valid[0]!, valid.find((v) => v.description.includes('high-S'))!];
    const a = decodeBolt11(low.invoice);
    const b = decodeBolt11(high.invoice);
    expect(b.signature.slice(0, 64)).toBe(a.signature.slice(0, 64)); // same r, s negated
    expect(b.signature).not.toBe(a.signature);
    expect(b.payeeNodeKey).toBe(a.payeeNodeKey);
  });
});

describe('decodeBolt11: BOLT 11 spec invalid examples', () => {
  it.each(invalid.map((v) => [v.description, v.invoice, EXPECTED_REASON[v.description]] as const))(
    '%s → %s',
    (_heading, invoice, reason) => {
      expect(reasonOf(() => decodeBolt11(invoice))).toBe(reason);
    },
  );
});

const donation = valid[0]!.invoice;

describe('decodeBolt11: other bad input', () => {
  it.each([
    ['a number', 42, 'not_a_string'],
    ['null', null, 'not_a_string'],
    ['an over-long string', `lnbc1${'q'.repeat(7100)}`, 'too_long'],
    ['a space', `${donation.slice(0, 20)} ${donation.slice(21)}`, 'invalid_character'],
    ['a non-ASCII character', `${donation}é`, 'invalid_character'],
    ['a "b" in the data part', `${donation.slice(0, 30)}b${donation.slice(31)}`, 'invalid_character'],
    ['an empty string', '', 'missing_separator'],
    ['a separator first', '1qqqqqqqqq', 'missing_separator'],
    ['fewer than 6 checksum chars', 'lnbc1qqqq', 'too_short'],
  ])('rejects %s', (_name, input, reason) => {
    expect(reasonOf(() => decodeBolt11(input as string))).toBe(reason);
  });

  it('accepts a lightning: URI prefix in any case', () => {
    expect(decodeBolt11(`lightning:${donation}`).paymentRequest).toBe(donation);
    expect(decodeBolt11(`LIGHTNING:${donation.toUpperCase()}`).paymentRequest).toBe(donation);
  });

  it('rejects a single flipped character with invalid_checksum', () => {
    const i = 40;
    const flipped = donation.slice(0, i) + (donation[i] === 'q' ? 'p' : 'q') + donation.slice(i + 1);
    expect(reasonOf(() => decodeBolt11(flipped))).toBe('invalid_checksum');
  });
});

describe('isBolt11Expired', () => {
  const decoded = decodeBolt11(valid[1]!.invoice); // timestamp 1496314658, expiry 60
  it.each([
    [1496314658_000, false],
    [1496314717_999, false],
    [1496314718_000, true],
    [1800000000_000, true],
  ])('at %d ms → %s', (nowMs, expired) => {
    expect(isBolt11Expired(decoded, nowMs)).toBe(expired);
  });
});
