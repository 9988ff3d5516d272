import { describe, expect, it } from 'vitest';
import { toInvoicePage, toLndInvoice } from './convert-invoice.js';
import { decodeInvoicePageWire, decodeInvoiceWire, WireDecoded } from './invoice-wire.js';
import { loadLndProtos } from './load-protos.js';
import type { LndMethod } from './unary.js';

const definition = loadLndProtos();
const lightning = definition['lnrpc.Lightning'] as unknown as Record<string, LndMethod>;
const lookup = lightning['LookupInvoice']!;
const list = lightning['ListInvoices']!;

/** Bytes LND would send for `invoice` (proto-loader's own encoder, as the simulator and LND's clients use). */
const encodeInvoice = (invoice: object): Buffer => lookup.responseSerialize(invoice as never);
const encodePage = (page: object): Buffer => list.responseSerialize(page as never);

/** The generic path: proto-loader's decoder, then the field-by-field conversion. */
function generic<T>(decode: () => T): { value: T } | { error: { code: unknown; message: string } } {
  try {
    return { value: decode() };
  } catch (error) {
    const { code, message } = error as { code?: unknown; message: string };
    return { error: { code, message } };
  }
}

/** A small seeded PRNG (mulberry32), so a failure names its case. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInvoice(random: () => number): Record<string, unknown> {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  // About half the invoices carry an invalid value somewhere (each field 1 in 8), the others none.
  const bad = random() < 0.5;
  const or = <T>(valid: readonly T[], invalid: readonly T[]): T =>
    bad && random() < 0.125 ? pick(invalid) : pick(valid);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  // Mostly valid values, with the edges and the invalid ones LND must never send mixed in.
  const i64 = () => or(['0', '1', '1000', '9007199254740991', '9007199254740993', '9223372036854775807'], ['-1']);
  const u64 = () => pick(['0', '7', '4294967296', '9007199254740993', '18446744073709551615']);
  const int32 = () => or([0, 1, 800_000, 2_147_483_647], [-1]);
  const htlcs = Array.from({ length: pick([0, 0, 1, 3]) }, () => ({
    chan_id: u64(),
    htlc_index: u64(),
    amt_msat: u64(),
    accept_height: int32(),
    accept_time: i64(),
    resolve_time: i64(),
    expiry_height: int32(),
    state: or<string | number>(['ACCEPTED', 'SETTLED', 'CANCELED'], [5]),
    custom_records: pick([{}, { '5482373484': bytes(32), '65536': bytes(3) }]),
    mpp_total_amt_msat: u64(),
    custom_channel_data: bytes(pick([0, 4])),
  }));
  return {
    memo: pick(['', 'coffee', 'Kaffee für zwei ☕', 'x'.repeat(300)]),
    r_preimage: bytes(or([0, 0, 32], [31])),
    r_hash: bytes(or([32], [0, 33])),
    value: i64(),
    value_msat: i64(),
    settled: random() < 0.5,
    creation_date: or(['1700000000', '0'], ['-5', '9007199254740993']),
    settle_date: or(['0', '1700000123'], ['-1']),
    payment_request: pick(['', 'lnbcrt10u1pjexample']),
    description_hash: bytes(pick([0, 32])),
    expiry: or(['3600', '0', '86400'], ['-1']),
    fallback_addr: pick(['', 'bcrt1qexample']),
    cltv_expiry: or(['80', '0'], ['18446744073709551615']),
    route_hints: pick([[], [{ hop_hints: [{ node_id: '02ab', chan_id: '123', fee_base_msat: 1000 }] }]]),
    private: random() < 0.5,
    add_index: u64(),
    settle_index: u64(),
    amt_paid: i64(),
    amt_paid_sat: i64(),
    amt_paid_msat: i64(),
    state: or<string | number>(['OPEN', 'SETTLED', 'CANCELED', 'ACCEPTED'], [9, -2]),
    htlcs,
    features: pick([
      {},
      { 9: { name: 'tlv-onion', is_required: false, is_known: true }, 14: { name: 'payment-addr' } },
    ]),
    is_keysend: random() < 0.3,
    payment_addr: bytes(pick([0, 32])),
    is_amp: random() < 0.3,
    amp_invoice_state: pick([
      {},
      { ab12: { state: 'SETTLED', settle_index: '4', settle_time: '5', amt_paid_msat: '9' } },
    ]),
    is_blinded: random() < 0.2,
  };
}

describe('invoices decoded from the wire', () => {
  it('give what the generic decoder and toLndInvoice give, errors included, for 3,000 varied invoices', () => {
    const random = prng(15);
    let invalid = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = encodeInvoice(randomInvoice(random));
      const expected = generic(() => toLndInvoice(lookup.responseDeserialize(bytes)));
      const actual = generic(() => toLndInvoice(decodeInvoiceWire(bytes)));
      if ('error' in expected) invalid++;
      expect(actual, `case ${i}`).toEqual(expected);
    }
    // Both kinds were exercised.
    expect(invalid).toBeGreaterThan(300);
    expect(invalid).toBeLessThan(2000);
  });

  it('decode a ListInvoices page the same way, and an empty answer as the defaults', () => {
    const random = prng(18);
    for (let i = 0; i < 200; i++) {
      const page = {
        invoices: Array.from({ length: i % 7 }, () => randomInvoice(random)),
        last_index_offset: String(i * 1000),
        first_index_offset: '18446744073709551615',
      };
      const bytes = encodePage(page);
      expect(
        generic(() => toInvoicePage(decodeInvoicePageWire(bytes))),
        `page ${i}`,
      ).toEqual(generic(() => toInvoicePage(list.responseDeserialize(bytes))));
    }
    const empty = Buffer.alloc(0);
    expect(generic(() => toLndInvoice(decodeInvoiceWire(empty)))).toEqual(
      generic(() => toLndInvoice(lookup.responseDeserialize(empty))),
    );
  });

  it('never throws from the deserializer: a truncated message is an LND_INVALID_RESPONSE on conversion', () => {
    const bytes = encodeInvoice({ r_hash: Buffer.alloc(32, 1), memo: 'truncated', add_index: '5' });
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoded = decodeInvoiceWire(bytes.subarray(0, cut));
      expect(decoded).toBeInstanceOf(WireDecoded);
      try {
        toLndInvoice(decoded);
      } catch (error) {
        expect((error as { code?: string }).code).toBe('LND_INVALID_RESPONSE');
      }
    }
  });
});
