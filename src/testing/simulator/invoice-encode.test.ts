import { describe, expect, it } from 'vitest';
import { decodeInvoicePageWire, decodeInvoiceWire } from '../../lnd/grpc/invoice-wire.js';
import type { SimInvoice, SimInvoiceHtlc, SimInvoicePage } from '../network/types.js';
import { encodeInvoice, encodeInvoicePage } from './invoice-encode.js';
import { loadLndServices } from './load-protos.js';
import { toWireInvoice } from './wire-out.js';

// The method definitions' serializers are proto-loader's: `Type.encode(Type.fromObject(wire))`
// (the generic path) and `Type.toObject(Type.decode(bytes), PROTO_LOADER_OPTIONS)` (what clients get).
const { Lightning } = loadLndServices();
const INVOICE = Lightning.service.LookupInvoice!; // → lnrpc.Invoice
const PAGE = Lightning.service.ListInvoices!; // → lnrpc.ListInvoiceResponse

/** What lnkit's own client makes of a response: the port value or the error it rejects it with. */
function lnkitView(decode: () => unknown): unknown {
  try {
    return decode();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message: string };
    return { code, message };
  }
}

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const U64_MAX = 2n ** 64n - 1n;
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
const MEMOS = ['', 'coffee', 'Kaffee für 2 €', '☕🚀 𝄞', '日本語のメモ', 'e\u0301', 'x'.repeat(200)];
const FEATURE_BITS = [0, 1, 5, 8, 9, 14, 15, 17, 99, 255, 1000];

function generator(seed: number) {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bool = (): boolean => random() < 0.5;
  const u32 = (): bigint => BigInt(int(2 ** 32));
  const u64 = (): bigint => pick([0n, 1n, 127n, 128n, 2n ** 53n + 1n, I64_MAX, U64_MAX, (u32() << 32n) | u32()]);
  const i64 = (): bigint => pick([0n, 1n, -1n, 999n, I64_MIN, I64_MAX, ((u32() << 32n) | u32()) - 2n ** 63n]);
  const safe = (): number => pick([0, 1, 127, 128, 2 ** 31 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, int(1e9)]);
  const int32 = (): number => pick([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), int(1e6)]);
  const hex = (bytes: number): string =>
    Array.from({ length: bytes * 2 }, () => pick([...'0123456789abcdef'])).join('');
  const date = (): Date => new Date(pick([0, -1_500, 999, 1_700_000_000_123, 8.64e15, int(2e12)]));
  const text = (): string => Array.from({ length: int(3) }, () => pick(MEMOS)).join(' ');

  const htlc = (): SimInvoiceHtlc => ({
    chanId: u64().toString(),
    htlcIndex: u64(),
    amountMsat: u64(),
    acceptHeight: int32(),
    acceptTime: date(),
    resolveTime: bool() ? null : date(),
    expiryHeight: int32(),
    state: pick(['ACCEPTED', 'SETTLED', 'CANCELED'] as const),
    mppTotalAmtMsat: u64(),
  });

  return (): SimInvoice => {
    const state = pick(['OPEN', 'SETTLED', 'CANCELED', 'ACCEPTED'] as const);
    const isHold = bool();
    return {
      // Malformed hex decodes as Buffer.from does: up to the first bad pair.
      paymentHash: pick([hex(32), '', 'abc', 'ab zz', 'zz12']),
      paymentRequest: pick(['', `lnbc${hex(int(200))}`, text()]),
      memo: text(),
      valueMsat: i64(),
      state,
      addIndex: u64(),
      settleIndex: u64(),
      amountPaidMsat: i64(),
      creationDate: date(),
      settleDate: bool() ? null : date(),
      expirySeconds: safe(),
      cltvExpiry: safe(),
      preimage: isHold && state !== 'SETTLED' && bool() ? null : pick([hex(32), '']),
      isKeysend: bool(),
      isAmp: bool(),
      descriptionHash: pick(['', hex(32)]),
      paymentAddr: pick(['', hex(32)]),
      isHold,
      features: FEATURE_BITS.filter(() => random() < 0.3),
      htlcs: Array.from({ length: int(4) }, htlc),
    };
  };
}

/** Top-level fields of a message: number, wire type, and the varint value or the body. */
function fieldsOf(bytes: Buffer): { field: number; wireType: number; value: bigint; body: Buffer }[] {
  const fields = [];
  let pos = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[pos++]!;
      value |= BigInt(byte & 127) << shift;
      if (byte < 128) return value;
    }
  };
  while (pos < bytes.length) {
    const tag = Number(varint());
    const wireType = tag & 7;
    if (wireType !== 0 && wireType !== 2) throw new Error(`unexpected wire type ${wireType}`);
    const value = varint();
    const body = wireType === 2 ? bytes.subarray(pos, (pos += Number(value))) : Buffer.alloc(0);
    fields.push({ field: tag >>> 3, wireType, value, body });
  }
  return fields;
}

/** LND's encoding: ascending field numbers, only repeated fields repeat, no default scalars. */
function expectLndLayout(bytes: Buffer, repeated: readonly number[], messages: readonly number[]): void {
  const fields = fieldsOf(bytes);
  fields.forEach(({ field, value }, i) => {
    const previous = fields[i - 1]?.field ?? 0;
    expect(field > previous || (field === previous && repeated.includes(field))).toBe(true);
    if (!messages.includes(field)) expect(value).not.toBe(0n); // varint 0 or empty string/bytes
  });
}

describe('encodeInvoice', () => {
  it('decodes to what the generic encoding of toWireInvoice decodes to, in LND layout', () => {
    const next = generator(20_260_512);
    for (let i = 0; i < 1000; i++) {
      const invoice = next();
      const bytes = encodeInvoice(invoice);
      const generic = INVOICE.responseSerialize(toWireInvoice(invoice));
      expect(INVOICE.responseDeserialize(bytes), `invoice #${i}`).toStrictEqual(INVOICE.responseDeserialize(generic));
      expect(bytes.length).toBeLessThanOrEqual(generic.length);
      expect(lnkitView(() => decodeInvoiceWire(bytes).unwrap())).toStrictEqual(
        lnkitView(() => decodeInvoiceWire(generic).unwrap()),
      );
      expectLndLayout(bytes, [22, 24], [22, 24]);
      for (const { field, body } of fieldsOf(bytes)) if (field === 22) expectLndLayout(body, [], []);
    }
  });

  it('leaves every default out and writes negatives as 10-byte varints', () => {
    const zero: SimInvoice = {
      paymentHash: '',
      paymentRequest: '',
      memo: '',
      valueMsat: 0n,
      state: 'OPEN',
      addIndex: 0n,
      settleIndex: 0n,
      amountPaidMsat: 0n,
      creationDate: new Date(0),
      settleDate: null,
      expirySeconds: 0,
      cltvExpiry: 0,
      preimage: null,
      isKeysend: false,
      isAmp: false,
      descriptionHash: '',
      paymentAddr: '',
      isHold: true,
      features: [],
      htlcs: [],
    };
    expect(encodeInvoice(zero)).toHaveLength(0);
    expect(encodeInvoice({ ...zero, creationDate: new Date(-1) }).toString('hex')).toBe('38ffffffffffffffffff01');
    // A feature map entry keeps its key 0 (as Go writes map keys) and its value.
    const name = Buffer.from('data-loss-protect').toString('hex');
    // field 24, 27 bytes: key 0, value (23 bytes): name (17 bytes), is_required, is_known.
    expect(encodeInvoice({ ...zero, features: [0] }).toString('hex')).toBe(
      `c2011b` + `0800` + `1217` + `1211${name}18012001`,
    );
  });
});

describe('encodeInvoicePage', () => {
  it('decodes to what the generic encoding of the ListInvoiceResponse decodes to', () => {
    const next = generator(7);
    const random = prng(8);
    for (let i = 0; i < 30; i++) {
      const page: SimInvoicePage = {
        invoices: Array.from({ length: Math.floor(random() * 30) }, next),
        firstIndexOffset: [0n, 1n, U64_MAX][i % 3]!,
        lastIndexOffset: [0n, 2n ** 40n, U64_MAX][(i >> 1) % 3]!,
      };
      const bytes = encodeInvoicePage(page);
      const generic = PAGE.responseSerialize({
        invoices: page.invoices.map(toWireInvoice),
        last_index_offset: page.lastIndexOffset.toString(),
        first_index_offset: page.firstIndexOffset.toString(),
      });
      expect(PAGE.responseDeserialize(bytes), `page #${i}`).toStrictEqual(PAGE.responseDeserialize(generic));
      expectLndLayout(bytes, [1], [1]);
      expect(lnkitView(() => decodeInvoicePageWire(bytes).unwrap())).toStrictEqual(
        lnkitView(() => decodeInvoicePageWire(generic).unwrap()),
      );
      for (const { body } of fieldsOf(bytes).filter(({ field }) => field === 1))
        expectLndLayout(body, [22, 24], [22, 24]);
    }
  });
});
