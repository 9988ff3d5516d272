import { describe, expect, it } from 'vitest';
import { createWebhookDeduplicator } from './deduplicator.js';

describe('createWebhookDeduplicator', () => {
  it('claims an id once within the ttl and again after it', async () => {
    let now = 0;
    const dedup = createWebhookDeduplicator({ ttlMs: 1000, now: () => now });
    expect(await dedup.claim('msg_1')).toBe(true);
    expect(await dedup.claim('msg_1')).toBe(false);
    expect(await dedup.claim('msg_2')).toBe(true);
    now = 999;
    expect(await dedup.claim('msg_1')).toBe(false);
    now = 1000;
    expect(await dedup.claim('msg_1')).toBe(true);
  });

  it('run() processes once, reports duplicates, and releases the claim when the handler throws', async () => {
    const dedup = createWebhookDeduplicator({ ttlMs: 60_000 });
    let calls = 0;
    expect(await dedup.run('msg_a', () => ++calls)).toEqual({ duplicate: false, result: 1 });
    expect(await dedup.run('msg_a', () => ++calls)).toEqual({ duplicate: true });
    await expect(dedup.run('msg_b', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await dedup.run('msg_b', () => ++calls)).toEqual({ duplicate: false, result: 2 });
  });

  it('concurrent deliveries of one id: exactly one handler runs', async () => {
    const dedup = createWebhookDeduplicator({ ttlMs: 60_000 });
    let calls = 0;
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => dedup.run('msg_c', async () => ++calls)));
    expect(calls).toBe(1);
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
  });

  it('uses a custom store', async () => {
    const seen = new Map<string, number>();
    const dedup = createWebhookDeduplicator({
      ttlMs: 5,
      store: {
        claim: async (id, ttl) => (seen.has(id) ? false : (seen.set(id, ttl), true)),
        release: (id) => void seen.delete(id),
      },
    });
    expect(await dedup.claim('msg_x')).toBe(true);
    expect(seen.get('msg_x')).toBe(5);
    expect(await dedup.claim('msg_x')).toBe(false);
  });

  it.each([0, -1, Number.NaN, Infinity])('rejects ttlMs %s', (ttlMs) => {
    expect(() => createWebhookDeduplicator({ ttlMs })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('rejects an empty id', async () => {
    await expect(createWebhookDeduplicator({ ttlMs: 1 }).claim('')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
