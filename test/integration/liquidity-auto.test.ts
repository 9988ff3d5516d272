/**
 * The automatic mode through the real path (gRPC/TLS to the simulator, a SQLite file), run for a
 * simulated day on the manual clock: it stays within the daily fee budget (rolling 24 hours), and a
 * pair whose route keeps failing is backed off and then left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning, type LightningConfig } from '../../src/create-lightning.js';
import type { Rebalance } from '../../src/domain/rebalance.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createManualClock, type ManualClock } from '../../src/testing/manual-clock.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { createCollectingLogger } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';

const INTERVAL_MS = 20 * 60_000;
const DAY_MS = 86_400_000;

let dir: string;
const sims: LndSimulator[] = [];
const clients: LndClient[] = [];
const running: Lightning[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-liquidity-auto-'));
});

afterAll(async () => {
  for (const lightning of running) await lightning.stop();
  for (const client of clients) await client.close();
  for (const sim of sims) await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** alice's lnkit on the manual clock with the automatic mode on. */
async function start(
  simOptions: Parameters<typeof startLndSimulator>[0],
  liquidity: NonNullable<LightningConfig['liquidity']>,
): Promise<{ sim: LndSimulator; clock: ManualClock; lightning: Lightning; runs: () => number }> {
  const clock = createManualClock(Date.now());
  const sim = await startLndSimulator({ ...simOptions, clock });
  sims.push(sim);
  const node = sim.node('alice');
  const lnd = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  clients.push(lnd);
  const logger = createCollectingLogger();
  const lightning = createLightning({
    lnd,
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, `auto-${sims.length}.db`) }),
    clock,
    logger,
    expirySweepIntervalMs: DAY_MS,
    settlement: { reconcileIntervalMs: DAY_MS },
    // One process: no need to poll the event log or renew the lease often while a simulated day passes.
    eventPollIntervalMs: 60_000,
    leaseTtlMs: 60_000,
    liquidity: { intervalMs: INTERVAL_MS, ...liquidity },
  });
  await lightning.start();
  running.push(lightning);
  const runs = () => logger.lines.filter((l) => l.includes('"automatic rebalance run"')).length;
  return { sim, clock, lightning, runs };
}

/** Advances `ticks` intervals, waiting for each automatic run to finish before the next. */
async function tick(clock: ManualClock, runs: () => number, ticks: number): Promise<void> {
  for (let i = 0; i < ticks; i++) {
    const before = runs();
    await clock.advance(INTERVAL_MS);
    await waitUntil(() => runs() > before, 10_000, `automatic run ${before + 1}`);
  }
}

async function allRebalances(lightning: Lightning): Promise<Rebalance[]> {
  return [...(await lightning.liquidity.listRebalances({ limit: 1000 })).items].reverse();
}

const sends = (sim: LndSimulator): number =>
  sim
    .node('alice')
    .callLog()
    .filter((c) => c.method === 'SendPaymentV2').length;

describe('automatic rebalancing over a simulated day', () => {
  it('stays within maxFeeSatPerDay over any 24 hours, and spends again once the window moves on', async () => {
    const { sim, clock, lightning, runs } = await start(
      { preset: 'cycle' },
      {
        policy: { minLocalRatio: 0.4, maxLocalRatio: 0.6 },
        budget: { maxFeePpm: 1000, maxFeeSatPerDay: 150n, maxAmountSat: 200_000n },
      },
    );
    const t0 = clock.now();
    await tick(clock, runs, DAY_MS / INTERVAL_MS); // 72 runs: one simulated day
    const day = await allRebalances(lightning);
    // 200,000 sat around alice → carol → dave → alice costs 62,004 msat; the third would pass 150 sat.
    expect(day.map((r) => [r.status, r.feeMsat, r.isAutomatic])).toEqual([
      ['succeeded', 62_004n, true],
      ['succeeded', 62_004n, true],
    ]);
    expect(day.reduce((sum, r) => sum + r.feeMsat, 0n)).toBeLessThanOrEqual(150_000n);
    expect(sends(sim)).toBe(2);
    expect(day[0]!.completedAt!.getTime() - t0).toBe(INTERVAL_MS);
    // alice–carol is still above 60%: once the first fee leaves the 24-hour window, a third runs.
    await tick(clock, runs, 2);
    const later = await allRebalances(lightning);
    expect(later.filter((r) => r.status === 'succeeded')).toHaveLength(3);
    const third = later[2]!;
    const windowStart = third.completedAt!.getTime() - DAY_MS;
    const inWindow = later.filter((r) => r.completedAt!.getTime() >= windowStart);
    expect(inWindow.reduce((sum, r) => sum + r.feeMsat, 0n)).toBeLessThanOrEqual(150_000n);
  });

  it('backs off a pair whose route keeps failing and stops after three failures', async () => {
    // alice–erin has too much local balance, dave–alice too little; erin has nothing to forward to dave.
    const { sim, clock, lightning, runs } = await start(
      {
        nodes: [{ name: 'alice' }, { name: 'dave' }, { name: 'erin' }],
        channels: [
          { a: 'dave', b: 'alice', capacitySat: 2_000_000n, localSatA: 1_800_000n },
          { a: 'alice', b: 'erin', capacitySat: 1_000_000n, localSatA: 900_000n },
          { a: 'erin', b: 'dave', capacitySat: 1_000_000n, localSatA: 0n },
        ],
      },
      { budget: { maxFeePpm: 1000, maxFeeSatPerDay: 1000n } },
    );
    const t0 = clock.now();
    await tick(clock, runs, DAY_MS / INTERVAL_MS);
    const rows = await allRebalances(lightning);
    expect(rows.map((r) => [r.status, r.failureReason])).toEqual([
      ['failed', 'no_route'],
      ['failed', 'no_route'],
      ['failed', 'no_route'],
    ]);
    // Tried at 20 min, again after 40 min of backoff, again after 80, then left alone for a day.
    expect(rows.map((r) => (r.createdAt.getTime() - t0) / 60_000)).toEqual([20, 60, 140]);
    expect(sends(sim)).toBe(3);
    expect(rows.every((r) => r.feeMsat === 0n && r.paymentHash !== null)).toBe(true);
  });
});
