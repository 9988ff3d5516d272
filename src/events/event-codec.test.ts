import { describe, expect, it } from 'vitest';
import { decimal } from '../domain/amount.js';
import { decodeEventPayload, encodeEventPayload } from './event-codec.js';

describe('event payload codec', () => {
  it('round-trips bigint, Date, Decimal, nulls and metadata that looks like a tag', () => {
    const payload = {
      payment: { amountMsat: 2_099_999_999_999_999_999n, createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) },
      invoice: {
        amountEur: decimal('19.990000000001'),
        rate: null,
        metadata: { $t: 'n', v: '5', nested: [{ $t: 'o', v: { a: 1 } }, 'x', 2.5, true, null] },
      },
    };
    const decoded = decodeEventPayload(encodeEventPayload(payload)) as typeof payload;
    expect(decoded.payment.amountMsat).toBe(2_099_999_999_999_999_999n);
    expect(decoded.payment.createdAt).toEqual(payload.payment.createdAt);
    expect(decoded.invoice.amountEur.toFixed()).toBe('19.990000000001');
    expect(decoded.invoice.rate).toBeNull();
    expect(decoded.invoice.metadata).toEqual(payload.invoice.metadata);
  });

  it.each([
    ['not json', '{'],
    ['an unknown tag', '{"$t":"q","v":1}'],
    ['a tag of the wrong type', '{"$t":"n","v":5}'],
  ])('rejects %s with STORE_ERROR', (_label, text) => {
    expect(() => decodeEventPayload(text)).toThrow(expect.objectContaining({ code: 'STORE_ERROR' }));
  });
});

/** The codec's previous encoder (a tagged tree, then JSON.stringify): the reference the replacer must match. */
function referenceEncode(value: unknown): unknown {
  if (typeof value === 'bigint') return { $t: 'n', v: value.toString() };
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return { $t: 'd', v: value.getTime() };
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    const d = value as { eq?: unknown; toFixed?: unknown; plus?: unknown };
    if (typeof d.eq === 'function' && typeof d.toFixed === 'function' && typeof d.plus === 'function')
      return { $t: 'x', v: (value as { toFixed(): string }).toFixed() };
    if (Array.isArray(value)) return value.map(referenceEncode);
  }
  const object: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const encoded = referenceEncode((value as Record<string, unknown>)[key]);
    if (encoded === undefined) continue;
    Object.defineProperty(object, key, { value: encoded, enumerable: true, writable: true, configurable: true });
  }
  return '$t' in object ? { $t: 'o', v: object } : object;
}

describe('encodeEventPayload matches the tagged-tree encoding', () => {
  function generator(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  // Every kind of value the codec treats differently (payloads are domain values and JSON metadata;
  // the odd ones, class instances, functions and symbols, are here to pin the behaviour down).
  const KEYS = ['a', '$t', 'v', '__proto__', 'toString', '0', '10', 'é', 'quote"key', 'amountMsat', 'nested'];
  function value(next: () => number, depth: number, shared: object[]): unknown {
    const kind = Math.floor(next() * (depth > 3 ? 11 : 16));
    switch (kind) {
      case 0:
        return null;
      case 1:
        return undefined;
      case 2:
        return next() < 0.5;
      case 3:
        return [0, -0, 1.5, -7, 1e21, 2 ** 53, NaN, Infinity, -Infinity][Math.floor(next() * 9)];
      case 4:
        return ['', 'x', 'line\nbreak', 'quote"', '\u2028', '💸', '\u0000'][Math.floor(next() * 7)];
      case 5:
        return BigInt(Math.floor(next() * 1e9)) * 10n ** BigInt(Math.floor(next() * 15)) * (next() < 0.2 ? -1n : 1n);
      case 6:
        return new Date(next() < 0.1 ? NaN : Math.floor(next() * 4e12));
      case 7:
        return decimal((next() * 1e6).toFixed(Math.floor(next() * 12)));
      case 8:
        return next() < 0.5 ? () => 1 : Symbol('s');
      case 9:
        return [
          new Map([[1, 2]]),
          new Uint8Array([1, 2]),
          Buffer.from([3, 4]),
          Object.assign(new (class Thing {})(), { $t: 1n, w: 2 }),
        ][Math.floor(next() * 4)];
      case 10:
        return shared.length > 0 && next() < 0.5 ? shared[Math.floor(next() * shared.length)] : 'no shared yet';
      case 11:
      case 12:
      case 13: {
        const object: Record<string, unknown> = next() < 0.1 ? Object.create(null) : {};
        const n = Math.floor(next() * 5);
        for (let i = 0; i < n; i++) {
          const key = KEYS[Math.floor(next() * KEYS.length)]!;
          Object.defineProperty(object, key, {
            value: value(next, depth + 1, shared),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        if (next() < 0.3) shared.push(Object.freeze(object));
        return object;
      }
      default:
        return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1, shared));
    }
  }

  it('gives the same text on 5,000 generated payloads', () => {
    for (let seed = 1; seed <= 5000; seed++) {
      const next = generator(seed);
      const shared: object[] = [];
      const payload = {
        type: 'x',
        value: value(next, 0, shared),
        list: [value(next, 1, shared), value(next, 1, shared)],
      };
      expect(encodeEventPayload(payload), `seed ${seed}`).toBe(JSON.stringify(referenceEncode(payload)));
    }
  });

  it('gives the same text with a memo, for frozen members met again in later payloads', () => {
    let hits = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const next = generator(seed);
      const shared: object[] = [];
      const memo = new WeakMap<object, string>();
      const flat = Object.freeze({
        id: `inv_${seed}`,
        amountMsat: BigInt(seed),
        at: new Date(seed),
        eur: decimal('1.5'),
      });
      const first = { invoice: flat, value: value(next, 0, shared) };
      const payloads = [first, { payment: value(next, 0, shared), invoice: flat }, ...shared.map((s) => ({ s, flat }))];
      for (const payload of payloads) {
        const expected = JSON.stringify(referenceEncode(payload));
        expect(encodeEventPayload(payload, memo), `seed ${seed}`).toBe(expected);
      }
      if (memo.has(flat)) hits++;
    }
    expect(hits).toBe(3000);
  });

  it('applies the toJSON of a plain object as JSON.stringify does, and rejects a cycle with its TypeError', () => {
    const payload = { a: { toJSON: () => ({ b: 1n, at: new Date(5) }) }, c: 2n };
    expect(encodeEventPayload(payload)).toBe(
      '{"a":{"b":{"$t":"n","v":"1"},"at":{"$t":"d","v":5}},"c":{"$t":"n","v":"2"}}',
    );
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = { back: cyclic };
    expect(() => encodeEventPayload({ cyclic })).toThrow(TypeError);
  });

  it('never reuses a memoized text for an object that can change', () => {
    const memo = new WeakMap<object, string>();
    const open = { n: 1 };
    const nested = { n: 1 };
    const frozen = Object.freeze({ nested });
    expect(encodeEventPayload({ open, frozen }, memo)).toBe('{"open":{"n":1},"frozen":{"nested":{"n":1}}}');
    open.n = 2;
    nested.n = 2;
    expect(encodeEventPayload({ open, frozen }, memo)).toBe('{"open":{"n":2},"frozen":{"nested":{"n":2}}}');
  });

  it('round-trips an invoice shared by two payloads, as invoice.settled and payment.received carry it', () => {
    const invoice = {
      id: 'inv_1',
      amountMsat: 5n,
      at: new Date(7),
      eur: decimal('1.5'),
      meta: { $t: 'q', v: { $t: 'o' } },
    };
    for (const payload of [{ invoice }, { payment: { amountMsat: 1n, invoice: null }, invoice }]) {
      const text = encodeEventPayload(payload);
      expect(text).toBe(JSON.stringify(referenceEncode(payload)));
      expect(decodeEventPayload(text)).toEqual(payload);
    }
  });
});
