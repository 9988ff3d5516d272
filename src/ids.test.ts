import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

const ID = /^inv_[0-9a-hjkmnp-tv-z]{26}$/;

describe('newId', () => {
  it('is unique, and a later millisecond sorts after', () => {
    const ids = Array.from({ length: 2000 }, () => newId('inv', 1_700_000_000_000));
    for (const id of ids) expect(id).toMatch(ID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newId('inv', 1_700_000_000_001) > ids.reduce((max, id) => (id > max ? id : max))).toBe(true);
  });

  it('ids of one millisecond are not guessable from each other (an invoice id is the checkout capability)', () => {
    // No monotonic mode (previous + 1): that would make a neighbour's invoice id guessable.
    const ids = Array.from({ length: 200 }, () => newId('inv', 1_700_000_000_000).slice(14));
    let sharedPrefix = 0;
    for (let i = 1; i < ids.length; i++) {
      let n = 0;
      while (n < 16 && ids[i]![n] === ids[i - 1]![n]) n++;
      sharedPrefix = Math.max(sharedPrefix, n);
    }
    // 80 random bits: two draws sharing 8 leading characters (40 bits) would be a 1 in 10^12 event.
    expect(sharedPrefix).toBeLessThan(8);
  });

  it('with a seeded source the same seed gives the same ids', () => {
    const seeded = () => {
      let x = 42;
      return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    };
    const r1 = seeded();
    const r2 = seeded();
    const first = [newId('pay', 5, r1), newId('pay', 5, r1)];
    expect([newId('pay', 5, r2), newId('pay', 5, r2)]).toEqual(first);
    expect(first[0]).toMatch(/^pay_0000000005[0-9a-hjkmnp-tv-z]{16}$/);
  });
});
