import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { createMemoryStore } from '../store/memory/index.js';
import { createManualClock } from '../testing/manual-clock.js';
import { startDurableConsumer } from './durable-consumer.js';
import { encodeEventPayload } from './event-codec.js';

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('startDurableConsumer on the injected clock', () => {
  it('polls and retries a failed event after clock time, not real time', async () => {
    const store = createMemoryStore();
    const clock = createManualClock();
    const seen: bigint[] = [];
    let failOnce = true;
    const consumer = startDurableConsumer(
      { store, logger: silentLogger, clock, onAdvance: () => () => undefined, pollIntervalMs: 1_000 },
      'test',
      (event) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('handler failed');
        }
        seen.push(event.seq);
      },
    );
    await turns(10);
    await store.transaction((tx) =>
      tx.events.append([
        { type: 'invoice.created', payload: encodeEventPayload({}), createdAt: new Date(clock.now()) },
      ]),
    );
    // The append is found at the next poll, 1 s of clock time later; the handler fails once.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);
    await clock.advance(1_000);
    await turns(10);
    expect(seen).toEqual([]);
    // The retry waits on the clock too (the retry pause, then the poll interval: 1.1 s).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);
    await clock.advance(1_000);
    await turns(10);
    expect(seen).toEqual([]);
    await clock.advance(100);
    await turns(10);
    expect(seen).toEqual([1n]);
    await consumer.stop();
  });
});
