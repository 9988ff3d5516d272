import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from './deadline-queue.js';

describe('DeadlineQueue', () => {
  it('pops entries in time order whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (times) => {
        const queue = new DeadlineQueue<number>();
        times.forEach((at, i) => queue.push(at, i));
        expect(queue.size).toBe(times.length);
        const popped: number[] = [];
        for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) popped.push(entry.at);
        expect(popped).toEqual([...times].sort((a, b) => a - b));
        expect(queue.peek()).toBeUndefined();
      }),
    );
  });

  it('peek shows the earliest without removing it', () => {
    const queue = new DeadlineQueue<string>();
    queue.push(30, 'c');
    queue.push(10, 'a');
    queue.push(20, 'b');
    expect(queue.peek()).toEqual({ at: 10, item: 'a' });
    expect(queue.size).toBe(3);
  });
});
