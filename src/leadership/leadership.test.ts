import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { createMemoryStore } from '../store/memory/index.js';
import type { Store } from '../store/store.js';
import { createManualClock } from '../testing/manual-clock.js';
import { LEADER_LEASE, createLeadership, type LightningRole } from './leadership.js';

/** Advances the manual clock (leadership timers run on it) 10 ms at a time until `check`, for up to 3 s of real time. */
async function waitUntilTrue(
  clock: ReturnType<typeof createManualClock>,
  check: () => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(10);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function make(store: Store, clock: ReturnType<typeof createManualClock>, role: LightningRole = 'auto', ttlMs = 300) {
  const calls: string[] = [];
  const leadership = createLeadership({
    store,
    clock,
    logger: silentLogger,
    role,
    ttlMs,
    onElected: async () => void calls.push('elected'),
    onDeposed: async () => void calls.push('deposed'),
  });
  return { leadership, calls };
}

describe('createLeadership', () => {
  it('auto: the first process leads, the next follows; stop releases the lease', async () => {
    const store = createMemoryStore();
    const clock = createManualClock();
    const a = make(store, clock);
    const b = make(store, clock);
    await a.leadership.start();
    await b.leadership.start();
    expect(a.leadership.view().isLeader).toBe(true);
    expect(a.calls).toEqual(['elected']);
    expect(b.leadership.view()).toMatchObject({ isLeader: false, role: 'auto' });
    expect(b.leadership.view().lease?.owner).toBe(a.leadership.view().lease?.owner);
    await a.leadership.stop();
    expect(a.calls).toEqual(['elected', 'deposed']);
    expect(await store.leases.get(LEADER_LEASE)).toBeUndefined();
    await waitUntilTrue(clock, () => b.leadership.view().isLeader, 'the follower to take the released lease');
    expect(b.calls).toEqual(['elected']);
    await b.leadership.stop();
  });

  it('keeps its lease while the leader roles take longer than the TTL to start; a second process waits', async () => {
    const store = createMemoryStore();
    const clock = createManualClock();
    let releaseStart!: () => void;
    const started = new Promise<void>((resolve) => (releaseStart = resolve));
    const slow = createLeadership({
      store,
      clock,
      logger: silentLogger,
      ttlMs: 300,
      onElected: () => started,
      onDeposed: async () => undefined,
    });
    const starting = slow.start();
    const other = make(store, clock);
    // Wait until the slow process holds the lease, then let 3 TTLs pass while its roles start.
    await waitUntilTrue(clock, () => slow.view().isLeader, 'the first process to take the lease');
    await other.leadership.start();
    for (let ms = 0; ms < 900; ms += 10) {
      await clock.advance(10);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(other.leadership.view().isLeader).toBe(false);
    expect(other.calls).toEqual([]);
    expect((await store.leases.get(LEADER_LEASE))?.owner).toBe(slow.view().lease?.owner);
    releaseStart();
    await starting;
    expect(slow.view().isLeader).toBe(true);
    await slow.stop();
    await other.leadership.stop();
  });

  it("role 'leader' while another process leads: StoreLockedError naming the holder, nothing started", async () => {
    const store = createMemoryStore();
    const clock = createManualClock();
    await store.leases.tryAcquire({
      name: LEADER_LEASE,
      owner: 'own_other',
      pid: 4242,
      host: 'web-1',
      ttlMs: 300,
      now: new Date(clock.now()),
    });
    const c = make(store, clock, 'leader');
    const error = await c.leadership.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_LOCKED', holder: { pid: 4242, host: 'web-1', owner: 'own_other' } });
    expect((error as Error).message).toContain('web-1 pid 4242 (own_other)');
    expect(c.calls).toEqual([]);
    expect((await store.leases.get(LEADER_LEASE))?.owner).toBe('own_other');
  });

  it('a follower takes over once the dead holder’s lease expires, not before', async () => {
    const store = createMemoryStore();
    const clock = createManualClock();
    await store.leases.tryAcquire({
      name: LEADER_LEASE,
      owner: 'own_dead',
      pid: 1,
      host: 'h',
      ttlMs: 300,
      now: new Date(clock.now()),
    });
    const b = make(store, clock);
    await b.leadership.start();
    expect(b.leadership.view().isLeader).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(b.leadership.view().isLeader).toBe(false);
    await clock.advance(300);
    await waitUntilTrue(clock, () => b.leadership.view().isLeader, 'the takeover');
    expect(b.calls).toEqual(['elected']);
    await b.leadership.stop();
  });

  it('a follower whose store refuses writes retries every third of the TTL, not every 10 ms', async () => {
    const store = createMemoryStore();
    const clock = createManualClock();
    await store.leases.tryAcquire({
      name: LEADER_LEASE,
      owner: 'own_dead',
      pid: 1,
      host: 'h',
      ttlMs: 300,
      now: new Date(clock.now()),
    });
    let attempts = 0;
    let readOnly = false;
    const failing: Store = {
      ...store,
      leases: {
        ...store.leases,
        tryAcquire: async (claim) => {
          attempts++;
          if (readOnly) throw new Error('SQLITE_READONLY: attempt to write a readonly database');
          return store.leases.tryAcquire(claim);
        },
      },
    };
    const b = make(failing, clock);
    await b.leadership.start();
    readOnly = true;
    attempts = 0;
    // The dead holder's lease expires at +300 ms; for the next 2 s every attempt fails.
    for (let ms = 0; ms < 2_000; ms += 10) await clock.advance(10);
    // One attempt per 100 ms (a third of the TTL), not one per 10 ms.
    expect(attempts).toBeGreaterThanOrEqual(15);
    expect(attempts).toBeLessThanOrEqual(21);
    readOnly = false;
    await waitUntilTrue(clock, () => b.leadership.view().isLeader, 'the takeover once the store writes again');
    await b.leadership.stop();
  });

  it("role 'follower' never leads, even when the lease is free", async () => {
    const store = createMemoryStore();
    const f = make(store, createManualClock(), 'follower');
    await f.leadership.start();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(f.leadership.view().isLeader).toBe(false);
    expect(await store.leases.get(LEADER_LEASE)).toBeUndefined();
    await f.leadership.stop();
  });

  it('a leader whose lease was taken over steps down', async () => {
    const store = createMemoryStore();
    const clock = createManualClock();
    const a = make(store, clock);
    await a.leadership.start();
    await store.leases.release(LEADER_LEASE, a.leadership.view().lease!.owner);
    await store.leases.tryAcquire({
      name: LEADER_LEASE,
      owner: 'own_thief',
      pid: 2,
      host: 'h',
      ttlMs: 300,
      now: new Date(clock.now()),
    });
    await waitUntilTrue(clock, () => !a.leadership.view().isLeader, 'the step-down');
    expect(a.calls).toEqual(['elected', 'deposed']);
    await a.leadership.stop();
  });

  it.each([
    ['role', { role: 'boss' }],
    ['leaseTtlMs', { ttlMs: 100 }],
    ['leaseTtlMs', { ttlMs: 1.5e5 }],
    ['leaseTtlMs', { ttlMs: 1000.5 }],
  ])('rejects a bad %s with INVALID_INPUT', (field, options) => {
    expect(() =>
      createLeadership({
        store: createMemoryStore(),
        clock: createManualClock(),
        logger: silentLogger,
        ...(options as object),
        onElected: async () => undefined,
        onDeposed: async () => undefined,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field }));
  });
});
