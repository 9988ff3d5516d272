import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import type { ServiceContext } from '../service-context.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createRetentionJob } from './retention-job.js';

/** A store whose webhook events take `batches` full batches to prune (nothing else to prune); records each batch's limit. */
function context(batches: number) {
  const clock = createManualClock();
  const limits: number[] = [];
  let left = batches;
  const ctx = {
    clock,
    logger: silentLogger,
    metrics: { setGauge: () => undefined },
    store: {
      maintenance: {
        prune: async (target: string, _before: Date, limit: number) => {
          // Only webhook events have rows here; the other targets (the event log's head) are empty.
          if (target !== 'webhookEvents') return 0;
          limits.push(limit);
          return left-- > 0 ? limit : 0;
        },
        tableStats: async () => [],
      },
    },
  } as unknown as ServiceContext;
  return { clock, ctx, limits };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('createRetentionJob on the injected clock', () => {
  it('pauses between batches on the clock and sizes batches by clock time (a replay gets the same batches)', async () => {
    const { clock, ctx, limits } = context(3);
    const job = createRetentionJob(ctx, { pauseMs: 50, intervalMs: 60_000 });
    const run = job.runOnce();
    await turns(20);
    // The first batch ran; the second waits for 50 ms of clock time, however long the machine takes.
    expect(limits).toEqual([100]);
    await clock.advance(49);
    expect(limits).toEqual([100]);
    await clock.advance(1);
    expect(limits).toEqual([100, 200]);
    await clock.advance(50);
    await clock.advance(50);
    const result = await run;
    // No clock time passes inside a batch: each is shorter than half the target, so the size doubles.
    expect(limits).toEqual([100, 200, 400, 800]);
    // Four batches of webhook events, then one of the event log's head (nothing there).
    expect(result).toMatchObject({ removed: { webhookEvents: 700 }, batches: 5, longestBatchMs: 0 });
  });

  it('stop() ends a periodic run paused between batches without waiting for the clock', async () => {
    const { clock, ctx, limits } = context(1_000);
    const job = createRetentionJob(ctx, { pauseMs: 10_000, intervalMs: 60_000 });
    job.start();
    await clock.advance(5_000);
    await turns(20);
    expect(limits).toEqual([100]);
    await job.stop();
    expect(limits).toEqual([100]);
  });
});
