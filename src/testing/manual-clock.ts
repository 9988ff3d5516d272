/**
 * A clock whose time only moves when a test says so.
 */
import type { Clock, TimerHandle } from '../domain/clock.js';

/** A {@link Clock} under the test's control. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order; awaits microtasks between timers. */
  advance(ms: number): Promise<void>;
  /** Sets the time (never backwards) and fires due timers. */
  set(time: Date | number): Promise<void>;
  /** Number of timers still pending. */
  pendingTimers(): number;
}

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Creates a manual clock starting at `start` (default 2026-01-01T00:00:00Z).
 * @example const clock = createManualClock(); await clock.advance(60_000);
 */
export function createManualClock(start: Date | number = Date.UTC(2026, 0, 1)): ManualClock {
  let now = typeof start === 'number' ? start : start.getTime();
  let nextId = 1;
  const timers = new Map<number, Timer>();

  async function runUntil(target: number): Promise<void> {
    await flush();
    for (;;) {
      let due: Timer | undefined;
      for (const t of timers.values())
        if (t.at <= target && (!due || t.at < due.at || (t.at === due.at && t.id < due.id))) due = t;
      if (!due) break;
      timers.delete(due.id);
      now = Math.max(now, due.at);
      due.fn();
      await flush();
    }
    now = Math.max(now, target);
    await flush();
  }

  return {
    now: () => now,
    setTimeout(fn, ms): TimerHandle {
      const id = nextId++;
      timers.set(id, { id, at: now + Math.max(0, ms), fn });
      return { id };
    },
    clearTimeout(handle) {
      if (handle && typeof handle === 'object' && 'id' in handle && typeof handle.id === 'number')
        timers.delete(handle.id);
    },
    advance: (ms) => runUntil(now + ms),
    set: (time) => runUntil(typeof time === 'number' ? time : time.getTime()),
    pendingTimers: () => timers.size,
  };
}
