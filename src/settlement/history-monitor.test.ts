import { describe, expect, it } from 'vitest';
import { StoreNodeMismatchError } from '../errors.js';
import { createHistoryMonitor } from './history-monitor.js';

const reset = {
  pubkey: `02${'ab'.repeat(32)}`,
  previous: { addIndex: 7n, settleIndex: 2n },
  current: { addIndex: 0n, settleIndex: 0n },
  reason: 'LND no longer has the settled invoice',
  at: new Date('2026-12-02T00:00:00Z'),
};

describe('createHistoryMonitor (the lnd_history health check)', () => {
  it('healthy with no reset; unhealthy from a reset until healed or acknowledged', () => {
    const monitor = createHistoryMonitor();
    expect(monitor.status().healthy).toBe(true);
    expect(monitor.acknowledge()).toBe(false);
    monitor.onReset(reset);
    expect(monitor.status()).toEqual({
      healthy: false,
      detail:
        'history reset at 2026-12-02T00:00:00.000Z (store add 7, settle 2; LND add 0, settle 0): LND no longer has the settled invoice; healing',
    });
    monitor.onHealed();
    expect(monitor.status()).toMatchObject({ healthy: true, detail: expect.stringMatching(/healed/) });
    monitor.onReset({ ...reset, at: new Date('2026-12-03T00:00:00Z') });
    expect(monitor.status().healthy).toBe(false);
    expect(monitor.acknowledge()).toBe(true);
    expect(monitor.status()).toMatchObject({ healthy: true, detail: expect.stringMatching(/acknowledged/) });
    expect(monitor.lastReset?.at.toISOString()).toBe('2026-12-03T00:00:00.000Z');
  });
});

describe('StoreNodeMismatchError', () => {
  it('names both nodes in short form and what to do, with code STORE_NODE_MISMATCH', () => {
    const error = new StoreNodeMismatchError(`02${'ab'.repeat(31)}ef12`, `03${'cd'.repeat(31)}9876`);
    expect(error.code).toBe('STORE_NODE_MISMATCH');
    expect(error.message).toBe(
      "the store belongs to node 02abab…ef12 but LND is node 03cdcd…9876: use this node's own database (or a new empty one), or connect to node 02abab…ef12",
    );
  });
});
